"""Light checks that need no model download: the app builds and its routes are wired.

.venv/bin/python -m unittest discover -s tests -t .
"""

# ruff: noqa: PT009 - the example's env has no pytest: its checks run with the stdlib's unittest
from __future__ import annotations

import unittest


class AppTest(unittest.TestCase):
    def test_routes__search_and_upload__registered(self) -> None:
        # building the app registers the UploadFile route, which needs python-multipart
        from app.main import app

        paths = {route.path for route in app.routes}
        self.assertIn("/search", paths)
        self.assertIn("/documents", paths)

    def test_search__empty_index__no_results_without_loading_a_model(self) -> None:
        from app.search import Index

        self.assertEqual(Index().search("anything", 3), [])


if __name__ == "__main__":
    unittest.main()
