"""Stand-in for the seed's common package, for the golden cases only."""
