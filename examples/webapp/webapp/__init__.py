"""A small example web service."""
