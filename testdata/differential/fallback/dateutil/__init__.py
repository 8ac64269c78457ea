"""Fallback test stub of python-dateutil (only when the real one is not installed)."""
