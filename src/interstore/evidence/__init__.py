"""evidence subpackage (see README tour)."""
