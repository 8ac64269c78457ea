"""Fallback test stub of pendulum.parser."""

from . import parse  # noqa: F401
