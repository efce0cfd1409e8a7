"""depsize: why is your Python deployment so big, and what can you safely cut."""

__version__ = "0.1.0"
