"""Which Slack calls slack_sdk may send again by itself: only those that cannot post twice.

Slack documents that a 5xx, ``fatal_error`` or ``internal_error`` answer may come after
it acted, and a dropped connection or a timeout says nothing either way. Sending such a
call again is harmless for reads and for edits (the same edit twice is one edit), but a
second ``chat.postMessage`` is a second message. So slack_sdk's own handlers are kept,
narrowed: a server error or a lost connection is retried for the methods in
:data:`REPEATABLE_METHODS` only (a connection never made is retried for any: nothing was
sent); a 429 is retried for every call, since Slack did not act on it. What a post does
when its outcome is unknown is for its caller (:mod:`bot.adapters.slack.once`), never a blind
second post here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import ClientConnectorError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

__all__ = [
    "REPEATABLE_METHODS",
    "RepeatableConnectionErrorRetryHandler",
    "RepeatableServerErrorRetryHandler",
    "response_url_retry_handlers",
    "web_api_retry_handlers",
]

# Web API methods the bot (and Bolt, for auth.test) calls that read, or set a state, so
# that doing one twice has the effect of doing it once: exactly those, so that a method
# added later is not repeated until someone has judged it. Anything not named here
# (chat.postMessage, chat.postEphemeral, views.open, a response_url) is not repeated on
# an unknown outcome.
REPEATABLE_METHODS = frozenset(
    {
        "apps.connections.open",
        "auth.test",
        "chat.update",
        "conversations.history",
        "conversations.replies",
        "usergroups.users.list",
        "users.conversations",
        "users.info",
        "views.publish",
        "views.update",
    }
)


def _repeatable(request: HttpRequest) -> bool:
    method = urlsplit(request.url).path.rstrip("/").rsplit("/", 1)[-1]
    return method in REPEATABLE_METHODS


class _RepeatableOnly(AsyncRetryHandler):
    """A slack_sdk handler narrowed: it retries the methods in REPEATABLE_METHODS only,
    except a call ``_sent_nothing`` says Slack never received."""

    def _sent_nothing(self, error: Exception | None) -> bool:
        return False

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if self._sent_nothing(error):
            return True
        return _repeatable(request) and await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


class RepeatableConnectionErrorRetryHandler(_RepeatableOnly, AsyncConnectionErrorRetryHandler):
    """Retries a lost connection for repeatable methods, and a refused one for all."""

    def _sent_nothing(self, error: Exception | None) -> bool:
        return isinstance(error, ClientConnectorError)  # the connection was never made


class RepeatableServerErrorRetryHandler(_RepeatableOnly, AsyncServerErrorRetryHandler):
    """Retries a 500 or 503 for repeatable methods only."""


def web_api_retry_handlers() -> list[AsyncRetryHandler]:
    return [
        RepeatableConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        RepeatableServerErrorRetryHandler(max_retry_count=2),
    ]


def response_url_retry_handlers() -> list[AsyncRetryHandler]:
    """A response_url post is never repeatable (each one shows a message): only a 429,
    which Slack did not act on, and a connection never made are retried."""
    return [
        RepeatableConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=2),
    ]
