"""HTTP routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import yaml
from fastapi import APIRouter

try:
    import orjson as fastjson
except ImportError:  # optional speed-up
    fastjson = None

if TYPE_CHECKING:
    from typing_extensions import TypedDict

    class Status(TypedDict):
        upstream: int


router = APIRouter()


@router.get("/status")
def status() -> Status:
    reply = httpx.get("https://example.org", timeout=5)
    return {"upstream": reply.status_code}


@router.get("/config")
def config() -> dict[str, object]:
    with open("config.yaml", encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return data if fastjson is None else dict(data)
