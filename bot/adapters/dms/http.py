"""One GET (or PUT) to DMS: bounded, jittered retries, the body read within bounds, each attempt
measured and its request id noted.

Every outcome becomes the bot's own error (``bot.core.dms.errors``): what the user
reads is said there; the chain of library reprs goes to the debug log only.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import random
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from bot.adapters.dms.auth import AkSkAuth, canonical_query
from bot.adapters.dms.snippets import body_snippet
from bot.adapters.dms.trace import note_request_id
from bot.adapters.dms.transport import AiohttpTransport, BodyTooLarge, UnreadableBody
from bot.adapters.metrics import Metrics, Operation, error_code_label
from bot.core import bounded_json
from bot.core.clock import utc_now
from bot.core.dms.accounts import Credentials
from bot.core.dms.errors import (
    ConnectFailure,
    DmsError,
    DmsProtocolError,
    DmsThrottled,
    DmsUnavailable,
    DmsUnreachable,
    from_response,
)
from bot.core.dms.source import ClientOptions
from bot.i18n import Said

log = logging.getLogger("kafka_tasks.dms")


def signed_client(
    endpoint: str,
    credentials: Credentials,
    options: ClientOptions,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> httpx.AsyncClient:
    """The one shared client of a service endpoint (DMS, CTS or CES: all are signed
    alike): keep-alive, one pool, timeouts, the signer as its ``auth``."""
    connections = max(options.concurrency * 2, 20)
    return httpx.AsyncClient(
        base_url=endpoint.rstrip("/"),
        auth=AkSkAuth(credentials, clock=clock),
        timeout=httpx.Timeout(options.timeout, connect=options.connect_timeout),
        limits=httpx.Limits(
            max_connections=connections,
            max_keepalive_connections=max(options.concurrency, 10),
        ),
        headers={"Content-Type": "application/json", "User-Agent": "kafka-tasks/0.1"},
        transport=transport
        or AiohttpTransport(max_connections=connections, max_body_bytes=options.max_body_bytes),
    )


class DmsHttp:
    """Requests on one shared ``httpx.AsyncClient`` (the signer is its ``auth``)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        options: ClientOptions,
        *,
        endpoint_setting: str = "",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._http = http
        self.options = options
        # Named when the endpoint cannot be reached: the setting to check.
        self.endpoint_setting = endpoint_setting
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._metrics = metrics
        self.upstream_requests = 0
        self._body_limits = bounded_json.JsonLimits(
            max_chars=options.max_body_bytes, max_depth=bounded_json.BODY.max_depth
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(
        self, path: str, params: Mapping[str, str], operation: Operation
    ) -> tuple[Any, str | None]:
        """GET with bounded, jittered retries on 429, 5xx, timeouts and dropped links.

        Every attempt is measured on its own (a retry is another call DMS had to answer),
        and every response's request id is noted for the audit log (bot.adapters.dms.trace).
        """
        return await self._send("GET", path, params, operation)

    async def put(
        self, path: str, params: Mapping[str, str], operation: Operation
    ) -> tuple[Any, str | None]:
        """A change (parameters in the query, as UpdateScheduledTask takes them): sent
        again only when DMS throttled it, which says it was not made. After a timeout or
        a lost link it may have been made, and a second copy could fail where the first
        succeeded: the error is said instead. The body (none for a 204) and request id."""
        return await self._send("PUT", path, params, operation)

    async def _send(
        self, method: str, path: str, params: Mapping[str, str], operation: Operation
    ) -> tuple[Any, str | None]:
        opts = self.options
        # The query in its signed (canonical) form, so the signer need not rewrite it.
        query = canonical_query(params.items())
        url = f"{path}?{query}" if query else path
        attempt = 0
        while True:
            attempt += 1
            outcome = await self._attempt(method, url, path, operation)
            if not isinstance(outcome, DmsError):
                return outcome
            error = outcome
            delay = self._delay(attempt, error)
            unsent = method == "GET" or isinstance(error, DmsThrottled)
            if attempt >= opts.max_attempts or delay is None or not unsent:
                raise error
            log.warning(
                "DMS %s %s failed (%s); retry %d/%d in %.2f s",
                method,
                path,
                error.message,
                attempt,
                opts.max_attempts - 1,
                delay,
            )
            await self._sleep(delay)

    async def _attempt(
        self, method: str, url: str, path: str, operation: Operation
    ) -> tuple[Any, str | None] | DmsError:
        """One request: the decoded body and request id, or the error worth a retry (one
        that is not raises)."""
        self.upstream_requests += 1
        started = time.perf_counter()
        try:
            response = await self._http.request(method, url)
        except httpx.DecodingError as exc:
            # Not retried: the same request would fetch the same body again.
            self._observe(operation, time.perf_counter() - started, "malformed")
            request_id = None
            if isinstance(exc, UnreadableBody):
                request_id = exc.headers.get("X-Request-Id")
                note_request_id(request_id)
            raise self._unreadable_body(path, exc, request_id) from None
        except httpx.TransportError as exc:
            return self._transport_error(exc, path, operation, time.perf_counter() - started)
        # Measured before the body is parsed: this is DMS's time, not ours.
        elapsed = time.perf_counter() - started
        request_id = response.headers.get("X-Request-Id")
        note_request_id(request_id)
        if response.status_code == 200:
            return self._decoded(response, path, operation, elapsed, request_id), request_id
        if response.status_code == 204:
            # A change made: UpdateScheduledTask answers with no body.
            self._observe(operation, elapsed)
            return None, request_id
        try:
            body: Any = bounded_json.loads(response.content, self._body_limits)
        except ValueError:
            body = None
        error = from_response(
            response.status_code,
            response.headers,
            response.reason_phrase,
            body,
            operation=operation,
        )
        self._observe(
            operation, elapsed, error_code_label(error.error_code, status=response.status_code)
        )
        if not isinstance(error, DmsThrottled | DmsUnavailable):
            raise error
        return error

    def _transport_error(
        self, exc: httpx.TransportError, path: str, operation: Operation, elapsed: float
    ) -> DmsError:
        """The error of a GET that got no response (all of them are worth a retry)."""
        if isinstance(exc, httpx.ConnectTimeout):
            self._observe(operation, elapsed, "timeout")
            log.debug("DMS GET %s: no connection: %r", path, exc)
            return self._unreachable("timed_out")
        if isinstance(exc, httpx.TimeoutException):
            self._observe(operation, elapsed, "timeout")
            # Users read this message; the chain of reprs is for the debug log.
            log.debug("DMS GET %s timed out: %r", path, exc)
            return DmsUnavailable(Said.of("dms.timed_out", seconds=f"{self.options.timeout:g}"))
        if isinstance(exc, httpx.ConnectError):
            self._observe(operation, elapsed, "connection")
            log.debug("DMS GET %s: no connection: %r", path, exc)
            return self._unreachable(_connect_failure(exc))
        self._observe(operation, elapsed, "connection")
        log.debug("DMS GET %s: connection lost: %r", path, exc)
        return DmsUnavailable(Said("dms.connection_lost"))

    def _decoded(
        self,
        response: httpx.Response,
        path: str,
        operation: Operation,
        elapsed: float,
        request_id: str | None,
    ) -> Any:
        """The JSON of a 200 answer, read within the body bounds."""
        try:
            decoded = bounded_json.loads(response.content, self._body_limits)
        except bounded_json.UnreadableJson as exc:
            # Over the bound: read whole by a transport that does not bound
            # the body itself (the bot's own refuses it while reading).
            self._observe(operation, elapsed, "malformed")
            raise self._unreadable_body(path, exc, request_id) from None
        except ValueError:
            self._observe(operation, elapsed, "malformed")
            log.error(
                "DMS sent a body that is not JSON for %s (request id %s): %r",
                path,
                request_id,
                body_snippet(response.content),
            )
            raise DmsProtocolError(
                Said("dms.not_json"),
                snippet=body_snippet(response.content),
                status=200,
                request_id=request_id,
            ) from None
        self._observe(operation, elapsed)
        return decoded

    def _unreadable_body(
        self,
        path: str,
        exc: httpx.DecodingError | bounded_json.UnreadableJson,
        request_id: str | None = None,
    ) -> DmsProtocolError:
        if isinstance(exc, BodyTooLarge | bounded_json.UnreadableJson):
            message = f"DMS sent a response larger than the {self.options.max_body_bytes:,} "
            message += "bytes the bot reads"
        else:
            message = "DMS sent a body that could not be decoded"
        log.error("%s for %s (request id %s): %s", message, path, request_id, exc)
        return DmsProtocolError(message, request_id=request_id)

    def _unreachable(self, failure: ConnectFailure) -> DmsUnreachable:
        endpoint = str(self._http.base_url).rstrip("/")
        return DmsUnreachable(endpoint, failure, setting=self.endpoint_setting)

    def _observe(self, operation: Operation, seconds: float, error: str | None = None) -> None:
        if self._metrics is None:
            return
        self._metrics.upstream(operation, seconds)
        if error is not None:
            self._metrics.upstream_error(error)

    def _delay(self, attempt: int, error: DmsError) -> float | None:
        opts = self.options
        if isinstance(error, DmsThrottled) and error.retry_after is not None:
            if error.retry_after > opts.max_retry_after:
                return None
            return error.retry_after + self._rng.uniform(0, opts.backoff_base)
        # Full jitter: retries from many callers spread out instead of arriving together.
        ceiling = min(opts.backoff_cap, opts.backoff_base * 2 ** (attempt - 1))
        return self._rng.uniform(0, ceiling)


def _connect_failure(exc: BaseException) -> ConnectFailure:
    """Why a connection could not be made, from the errors behind ``exc`` (the socket's
    own, under whichever HTTP library's wrapping)."""
    seen: BaseException | None = exc
    for _ in range(10):  # a chain is short; a cycle must not hang us
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return "unknown_host"
        if isinstance(seen, ConnectionRefusedError) or (
            isinstance(seen, OSError) and seen.errno == errno.ECONNREFUSED
        ):
            return "refused"
        seen = seen.__cause__ or seen.__context__
    return "failed"
