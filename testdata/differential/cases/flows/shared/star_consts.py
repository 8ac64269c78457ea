"""Names for a star import: __all__ decides what it binds."""
__all__ = ["TEAM", "SIZES"]

TEAM = "growth"
SIZES = {"small": "1024", "large": "4096"}
HIDDEN = "not exported: __all__ leaves it out"
