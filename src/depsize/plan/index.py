"""Where a wheel's bytes are: a ``--find-links`` folder, the URL or path the lock names, or a
PEP 503 / PEP 691 simple index page (JSON asked for first, HTML understood)."""

from __future__ import annotations

import configparser
import json
import os
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from packaging.utils import NormalizedName

from depsize.plan.http import FetchError, Http
from depsize.plan.model import WheelRef
from depsize.safeio import read_text, read_text_or_none

PYPI = "https://pypi.org/simple"
_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"


def default_index_url() -> str:
    """``PIP_INDEX_URL``, else ``index-url`` of pip's configuration files, else PyPI."""
    found = os.environ.get("PIP_INDEX_URL", "").strip()
    if found:
        return found.split()[0]
    home = Path.home()
    candidates = [
        Path("/etc/xdg/pip/pip.conf"),
        Path("/etc/pip.conf"),
        home / ".pip" / "pip.conf",
        Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "pip" / "pip.conf",
    ]
    if os.environ.get("PIP_CONFIG_FILE"):
        candidates.append(Path(os.environ["PIP_CONFIG_FILE"]))
    url = PYPI
    for path in candidates:
        text = read_text_or_none(path)
        if text is None:
            continue
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            continue
        for section in ("global", "install"):
            if parser.has_option(section, "index-url"):
                url = parser.get(section, "index-url").split()[0]
    return url


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data: str) -> None:
        if self._href is not None and data.strip():
            self.links.append((data.strip(), self._href))
            self._href = None


def parse_page(body: str, page_url: str, content_type: str) -> list[WheelRef]:
    """The files a project page lists, with absolute URLs and sha256 where given."""
    if "json" in content_type:
        data = json.loads(body)
        return [
            WheelRef(f["filename"], urljoin(page_url, f["url"]), f.get("hashes", {}).get("sha256"))
            for f in data.get("files", [])
        ]
    parser = _Links()
    parser.feed(body)
    refs = []
    for text, href in parser.links:
        url, _, fragment = urljoin(page_url, href).partition("#")
        sha = fragment[len("sha256=") :] if fragment.startswith("sha256=") else None
        refs.append(WheelRef(unquote(text) or url.rsplit("/", 1)[-1], url, sha))
    return refs


def local_path(url: str, base: Path) -> Path | None:
    """The local file a ``file://`` URL or a relative path names; ``None`` for http(s)."""
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"}:
        return None
    if parts.scheme == "file":
        from urllib.request import url2pathname  # only here: urllib.request is slow to import

        return Path(url2pathname(unquote(parts.path)))
    return base / url


@dataclass
class Index:
    """One simple index; project pages are read once per run."""

    url: str
    http: Http
    _pages: dict[str, list[WheelRef]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def files(self, name: NormalizedName) -> list[WheelRef]:
        with self._lock:
            if name not in self._pages:
                self._pages[name] = self._read(name)
            return self._pages[name]

    def _read(self, name: NormalizedName) -> list[WheelRef]:
        page = f"{self.url.rstrip('/')}/{name}/"
        local = local_path(page, Path())
        if local is not None:
            index_file = local / "index.html"
            if not index_file.is_file():
                raise FetchError(f"{name} is not on the index {self.url}", index_file)
            return parse_page(read_text(index_file), page, "text/html")
        answer = self.http.get(page, headers={"Accept": _ACCEPT})
        body = answer.body.decode("utf-8", errors="replace")
        try:
            return parse_page(body, answer.url, answer.headers.get("content-type", ""))
        except (ValueError, KeyError, TypeError) as exc:
            raise FetchError(f"{page}: not a simple index page ({exc})") from None
