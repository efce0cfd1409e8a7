from __future__ import annotations

import json
from pathlib import Path

import pytest

from depsize.plan.http import Http
from depsize.plan.index import default_index_url, parse_page


def test_parse_page__json_and_html__absolute_urls_and_hashes() -> None:
    page = "https://idx.example/simple/x/"
    body = json.dumps(
        {
            "files": [
                {
                    "filename": "x-1-py3-none-any.whl",
                    "url": "../../f/x.whl",
                    "hashes": {"sha256": "ab"},
                }
            ]
        }
    )
    (ref,) = parse_page(body, page, "application/vnd.pypi.simple.v1+json")
    assert (ref.filename, ref.url, ref.sha256) == (
        "x-1-py3-none-any.whl",
        "https://idx.example/f/x.whl",
        "ab",
    )
    html = '<a href="/f/x-1.tar.gz#sha256=cd" data-requires-python="&gt;=3">x-1.tar.gz</a>'
    (ref,) = parse_page(html, page, "text/html")
    assert (ref.filename, ref.url, ref.sha256) == (
        "x-1.tar.gz",
        "https://idx.example/f/x-1.tar.gz",
        "cd",
    )


def test_default_index_url__env_then_pip_config_then_pypi(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    config = tmp_path / "pip.conf"
    config.write_text("[global]\nindex-url = https://mirror.example/simple\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    assert default_index_url() == "https://mirror.example/simple"
    monkeypatch.setenv("PIP_INDEX_URL", "https://env.example/simple")
    assert default_index_url() == "https://env.example/simple"


def test_http_credentials__netrc_and_url_userinfo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine idx.example login me password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    http = Http()
    assert http._credentials("https://idx.example/simple/") == (
        "https://idx.example/simple/",
        ("me", "secret"),
    )
    assert http._credentials("https://u:p@other.example:8443/s/") == (
        "https://other.example:8443/s/",
        ("u", "p"),
    )
    assert http._credentials("https://nobody.example/")[1] is None
