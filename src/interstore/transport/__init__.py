"""transport subpackage (see README tour)."""
