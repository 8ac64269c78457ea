"""A module without __all__: a star import binds its public names."""
REGION = "eu"
_PRIVATE = "never bound by a star import"
