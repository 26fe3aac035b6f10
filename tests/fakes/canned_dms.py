"""A stand-in for DMS on loopback that answers each path with the response a test set.

For what the simulator, a faithful DMS, never sends: a status no task has, error text
of any content, bodies compressed far past the bound or not decodable at all. It
checks no signature (the tests that use it are about what comes back), and runs in a
thread of its own, so a subprocess (the CLI) and the test's own event loop can both
talk to it.
"""

from __future__ import annotations

import json
import sys
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

__all__ = ["Canned", "CannedDms"]

# DMS's own answer to a path nothing was set for.
_NOT_SET = {
    "error_code": "APIGW.0101",
    "error_msg": "The API does not exist or has not been published",
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-body (one refusing a body past its bound) is what
        # some tests are about, not an error of this server's.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Canned:
    """A response: ``body`` sent as given (bytes) or as JSON, with ``headers`` added."""

    body: bytes
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


class CannedDms:
    def __init__(self) -> None:
        self._answers: dict[str, Canned] = {}
        self.asked: list[str] = []
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(
        self,
        path_end: str,
        body: bytes | Any,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer each GET whose path (the query left out) ends with ``path_end``; the
        longest such ending wins."""
        if not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        self._answers[path_end] = Canned(body, status, dict(headers or {}))

    def _find(self, path: str) -> Canned:
        ends = [end for end in self._answers if path.endswith(end)]
        if not ends:
            return Canned(json.dumps(_NOT_SET).encode(), 404, {"Content-Type": "application/json"})
        return self._answers[max(ends, key=len)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        dms = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                dms.asked.append(path)
                canned = dms._find(path)
                self.send_response(canned.status)
                self.send_header("X-Request-Id", uuid.uuid4().hex)
                self.send_header("Content-Length", str(len(canned.body)))
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(canned.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the tests read what was asked from ``asked``

        return Handler

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
