"""An old report generator nothing imports any more (dead code)."""

from __future__ import annotations

import requests


def fetch_report(url: str) -> str:
    return requests.get(url, timeout=10).text
