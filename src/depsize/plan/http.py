"""HTTP with the standard library only: GET with optional ranges, netrc credentials, timeouts.
(urllib is imported on the first request: a plan from a warm cache makes none.)

Credentials come from the URL itself (``https://user:token@host/simple``) or from ``~/.netrc``
(``NETRC``); they are sent as Basic auth to that host only. Nothing is ever uploaded.
"""

from __future__ import annotations

import base64
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

from depsize import __version__
from depsize.errors import InputError

CHUNK = 1024 * 1024


class FetchError(InputError):
    """A URL could not be fetched (not found, refused, timed out)."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str


@dataclass
class Http:
    timeout: float = 30.0
    bytes_received: int = 0
    requests: int = 0
    _netrc: dict[str, tuple[str, str]] | None = field(default=None, repr=False)

    def get(
        self, url: str, *, headers: dict[str, str] | None = None, save_to: Path | None = None
    ) -> Response:
        """GET ``url``; an HTTP error status, a refusal or a timeout raise :class:`FetchError`
        naming the URL (without credentials). With ``save_to``, a whole body (status 200) is
        streamed into that file (written atomically) instead of returned."""
        import urllib.error
        import urllib.request

        clean, auth = self._credentials(url)
        request = urllib.request.Request(clean, headers={"User-Agent": f"depsize/{__version__}"})
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            request.add_header("Authorization", f"Basic {token}")
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                found = {k.lower(): v for k, v in answer.headers.items()}
                if save_to is not None and answer.status == 200:
                    self._stream(answer, save_to)
                    return Response(answer.status, found, b"", clean)
                body = answer.read()
                self.bytes_received += len(body)
                return Response(answer.status, found, body, clean)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{clean}: HTTP {exc.code} {exc.reason}") from None
        except TimeoutError:
            raise FetchError(f"{clean}: timed out after {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise FetchError(f"{clean}: timed out after {self.timeout:g} s") from None
            raise FetchError(f"{clean}: {reason}") from None
        except (OSError, ValueError) as exc:
            raise FetchError(f"{clean}: {exc}") from None

    def _stream(self, answer: BinaryIO, save_to: Path) -> None:
        save_to.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=save_to.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := answer.read(CHUNK):
                    self.bytes_received += len(chunk)
                    out.write(chunk)
            Path(temporary).replace(save_to)
        finally:
            Path(temporary).unlink(missing_ok=True)

    def _credentials(self, url: str) -> tuple[str, tuple[str, str] | None]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.username is not None:
            netloc = host + (f":{parts.port}" if parts.port else "")
            clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
            return clean, (parts.username, parts.password or "")
        return url, self._from_netrc(host)

    def _from_netrc(self, host: str) -> tuple[str, str] | None:
        if self._netrc is None:
            import netrc

            self._netrc = {}
            path = os.environ.get("NETRC") or str(Path.home() / ".netrc")
            try:
                parsed = netrc.netrc(path)
            except (OSError, netrc.NetrcParseError):
                parsed = None
            if parsed is not None:
                for machine, (login, _account, password) in parsed.hosts.items():
                    self._netrc[machine] = (login or "", password or "")
        return self._netrc.get(host)
