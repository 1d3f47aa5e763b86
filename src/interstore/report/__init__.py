"""report subpackage (see README tour)."""
