"""Test stub of common-utils' top-level package."""
