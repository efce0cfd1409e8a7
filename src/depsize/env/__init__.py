"""Finding a Python environment and reading what is installed in it."""
