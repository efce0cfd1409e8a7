"""A PEP 503 simple index of local wheels served over HTTP in-process, honouring byte ranges.

``/simple/<name>/`` lists the wheels of a folder (with ``#sha256=`` fragments);
``/files/<filename>`` serves them, with ``Range: bytes=a-b`` and ``bytes=-n`` answered 206
unless ``ranges`` is off. Every request and every body byte sent is counted.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from support.wheels import WheelSpec

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _project(filename: str) -> str:
    return re.sub(r"[-_.]+", "-", filename.split("-", 1)[0]).lower()


@dataclass
class IndexServer:
    folder: Path
    ranges: bool = True
    delay: float = 0.0
    broken: set[str] = field(default_factory=set)
    """Project names whose page answers 500."""
    auth: str | None = None
    """``user:password`` every request must send as Basic auth (401 otherwise)."""
    bytes_sent: int = 0
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    url: str = ""

    def files_sent(self, filename: str) -> int:
        return sum(1 for path, _ in self.requests if path.endswith(filename))


def _handler(server: IndexServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        _head = False

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._head = True
            self.do_GET()

        def do_GET(self) -> None:
            server.requests.append((self.path, self.headers.get("Range")))
            if server.delay:
                time.sleep(server.delay)
            if server.auth is not None:
                token = base64.b64encode(server.auth.encode()).decode()
                if self.headers.get("Authorization") != f"Basic {token}":
                    self._send(401, b"credentials needed")
                    return
            if self.path.startswith("/simple/"):
                self._page(self.path[len("/simple/") :].strip("/"))
            elif self.path.startswith("/files/"):
                self._file(server.folder / self.path[len("/files/") :])
            else:
                self._send(404, b"not found")

        def _page(self, name: str) -> None:
            if name in server.broken:
                self._send(500, b"broken")
                return
            wheels = sorted(p for p in server.folder.glob("*") if _project(p.name) == name)
            if not wheels:
                self._send(404, b"no such project")
                return
            links = "".join(
                f'<a href="/files/{p.name}#sha256={hashlib.sha256(p.read_bytes()).hexdigest()}">'
                f"{p.name}</a><br/>\n"
                for p in wheels
            )
            self._send(200, f"<html><body>\n{links}</body></html>\n".encode(), "text/html")

        def _file(self, path: Path) -> None:
            if not path.is_file():
                self._send(404, b"no such file")
                return
            data = path.read_bytes()
            found = _RANGE.fullmatch(self.headers.get("Range") or "")
            if not server.ranges or found is None:
                self._send(200, data, "application/octet-stream")
                return
            first, last = found.groups()
            if first:
                start, end = int(first), min(int(last or len(data) - 1), len(data) - 1)
            else:
                start, end = max(0, len(data) - int(last)), len(data) - 1
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            self._body(data[start : end + 1], "application/octet-stream")

        def _send(self, status: int, body: bytes, kind: str = "text/plain") -> None:
            self.send_response(status)
            self._body(body, kind)

        def _body(self, body: bytes, kind: str) -> None:
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if server.ranges:
                self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if not self._head:
                self.wfile.write(body)
                server.bytes_sent += len(body)

    return Handler


@contextmanager
def serve_index(
    folder: Path, *, ranges: bool = True, delay: float = 0.0, auth: str | None = None
) -> Iterator[IndexServer]:
    """Serve ``folder`` as ``{server.url}/simple`` while the block runs."""
    state = IndexServer(folder, ranges=ranges, delay=delay, auth=auth)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/simple"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def plan_wheels() -> list[WheelSpec]:
    """The wheels the plan fixtures (tests/fixtures/plan) were locked against.

    ``app`` declares alpha and gamma (and delta on Windows only); alpha needs beta. The
    ``-new`` project adds ``heavy``, whose private closure is ``heavy-core``.
    """
    return [
        WheelSpec(
            "alpha",
            "1.0",
            files={"alpha/__init__.py": 1_200, "alpha/core.py": 8_000, "alpha/blob.bin": 40_000},
            requires=("beta>=1",),
            console_scripts={"alpha": "alpha.core:main"},
        ),
        WheelSpec("beta", "2.0", files={"beta/__init__.py": 300, "beta/tests/test_b.py": 4_000}),
        WheelSpec("gamma", "0.5", files={"gamma.py": 777}),
        WheelSpec("delta", "3.1", files={"delta/__init__.py": 5_000}),
        WheelSpec(
            "heavy",
            "1.2",
            files={"heavy/__init__.py": 2_000, "heavy/model.bin": 250_000},
            requires=("heavy-core==1.0", "beta"),
        ),
        WheelSpec(
            "heavy-core", "1.0", files={"heavy_core/__init__.py": 900, "heavy_core/x.so": 90_000}
        ),
    ]
