"""literature subpackage (see README tour)."""
