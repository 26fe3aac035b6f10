"""An httpx transport that sends over aiohttp's connection pool.

httpx gives us the request model, the Auth flow our signer is written for, and its
exception types; its own pool (httpcore on anyio) costs about a millisecond of CPU per
request in our profiles (per-connection expiry checks through anyio's attribute
lookups), which at 2,000 watched instances per cycle is most of a core. aiohttp,
already a dependency for Bolt, keeps the pool in C-accelerated code. This adapter is
the small piece between them: it maps timeouts and connection failures onto httpx's
exceptions so everything above it (retries, error messages) is unchanged.

One behaviour comes from aiohttp: a GET on a reused connection that the server closes
before answering is resent once at once (RFC 9112 allows it for idempotent methods).
A dropped connection can so cost up to two requests per attempt of the client's own
bounded retries.

A body is read only up to ``max_body_bytes`` as decoded: past it the response is
refused (``BodyTooLarge``) before more of it is held in memory. aiohttp decodes a
compressed body as it is read, so the bound counts what a gzip body grows to (a few
hundred kilobytes can decode to hundreds of megabytes), and the response handed to
httpx carries the decoded body without the headers that described the encoded one. A
body that cannot be decoded as its Content-Encoding says is refused too
(``UnreadableBody``, an ``httpx.DecodingError`` as httpx's own decoders raise).

The pool's size is kept here, by a semaphore whose wait is bounded by httpx's ``pool``
timeout (``httpx.PoolTimeout``), and not by aiohttp's connector: aiohttp's connect
timeout also covers waiting for a free connection, and raises the same error for both,
so a full pool in front of a slow DMS would read as an endpoint that cannot be reached.
"""

from __future__ import annotations

import asyncio

import aiohttp
import httpx
from aiohttp.http_exceptions import ContentEncodingError

__all__ = ["AiohttpTransport", "BodyTooLarge", "UnreadableBody"]

_CHUNK = 64 * 1024


class UnreadableBody(httpx.DecodingError):
    """A response body that cannot be read as sent: sending the same request again
    would only fetch it again. ``headers``: the response's, which name the request for
    support."""

    def __init__(
        self, message: str, *, request: httpx.Request, headers: httpx.Headers | None = None
    ) -> None:
        super().__init__(message, request=request)
        self.headers = headers or httpx.Headers()


class BodyTooLarge(UnreadableBody):
    """A response body over the transport's bound, as decoded."""


class AiohttpTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, max_connections: int = 100, max_body_bytes: int | None = None) -> None:
        self._limit = max_connections
        self._max_body = max_body_bytes
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(max_connections)

    def _open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        # Created on first use, inside the running event loop, as aiohttp requires; the
        # slots with it, as they too belong to one loop.
        if self._session is None or self._session.closed:
            self._slots = asyncio.Semaphore(self._limit)
            self._session = aiohttp.ClientSession(
                # No limit of its own: ``_slots`` is the pool's size (see the docstring).
                connector=aiohttp.TCPConnector(limit=0, enable_cleanup_closed=True),
                # Decoded here, as it is read, so the body's bound counts decoded bytes.
                auto_decompress=True,
                # Headers are sent exactly as signed: no defaults added.
                skip_auto_headers=("User-Agent", "Content-Type"),
            )
        return self._session, self._slots

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout") or {}
        timeout = aiohttp.ClientTimeout(
            total=None,
            sock_connect=timeouts.get("connect"),
            connect=timeouts.get("connect"),
            sock_read=timeouts.get("read"),
        )
        session, slots = self._open()
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                await slots.acquire()
        except TimeoutError as exc:
            raise httpx.PoolTimeout(
                f"no connection of the {self._limit} in the pool came free in time",
                request=request,
            ) from exc
        try:
            async with session.request(
                request.method,
                str(request.url),
                headers=list(request.headers.multi_items()),
                data=request.content or None,
                allow_redirects=False,
                timeout=timeout,
            ) as response:
                content = await self._read(response, request)
                return httpx.Response(
                    status_code=response.status,
                    headers=_headers(response),
                    content=content,
                    request=request,
                )
        except aiohttp.ConnectionTimeoutError as exc:
            raise httpx.ConnectTimeout(f"timed out connecting: {exc!r}", request=request) from exc
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise httpx.ReadTimeout(f"timed out: {exc!r}", request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.NetworkError(str(exc), request=request) from exc
        finally:
            slots.release()

    async def _read(self, response: aiohttp.ClientResponse, request: httpx.Request) -> bytes:
        try:
            if self._max_body is None:
                return await response.read()
            body = bytearray()
            async for chunk in response.content.iter_chunked(_CHUNK):
                body += chunk
                if len(body) > self._max_body:
                    raise BodyTooLarge(
                        f"the response body is over {self._max_body:,} bytes decoded",
                        request=request,
                        headers=httpx.Headers(_headers(response)),
                    )
            return bytes(body)
        except aiohttp.ClientPayloadError as exc:
            if not isinstance(exc.__cause__, ContentEncodingError):
                raise  # the connection failed mid-body: a transport error
            encoding = response.headers.get("Content-Encoding", "")
            raise UnreadableBody(
                f"the body could not be decoded as its Content-Encoding ({encoding}) says",
                request=request,
                headers=httpx.Headers(_headers(response)),
            ) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


# They describe the body as sent; the body handed on is decoded, and httpx would decode
# it again by the one and check its length against the other.
_ENCODED_BODY_HEADERS = frozenset({b"content-encoding", b"content-length"})


def _headers(response: aiohttp.ClientResponse) -> list[tuple[str, str]]:
    return [
        (k.decode("latin-1"), v.decode("latin-1"))
        for k, v in response.raw_headers
        if k.lower() not in _ENCODED_BODY_HEADERS
    ]
