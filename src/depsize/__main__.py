"""Allow ``python -m depsize``."""

from depsize.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
