"""Reports built from a review database."""
