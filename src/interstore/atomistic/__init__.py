"""atomistic subpackage (see README tour)."""
