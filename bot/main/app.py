"""build_app(settings, ...) -> a Bolt AsyncApp wired to the bot's services and handlers."""

from __future__ import annotations

from functools import partial

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.adapters.slack import bolt_fixes
from bot.adapters.slack import payloads as slack_payloads
from bot.adapters.slack.handled_requests import AnswerOnce, HandledRequests
from bot.adapters.slack.retry import web_api_retry_handlers
from bot.adapters.slack.users import UserProfiles
from bot.main.settings import Settings, SettingsError
from bot.services.conversation import Conversation
from bot.services.home import ChannelDirectory, HomeService, allow_all


def slack_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: SLACK_API_URL honoured, and slack_sdk's retry handlers for
    rate limits (Retry-After) on every call, and for server errors and dropped
    connections on the calls that cannot post twice (``bot.adapters.slack.retry``)."""
    return AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=web_api_retry_handlers(),
    )


def user_profiles(settings: Settings, client: AsyncWebClient) -> UserProfiles:
    return UserProfiles(client, settings.zone, default_lang=settings.default_lang)


def require_slack(settings: Settings, *, socket_mode: bool) -> None:
    """Names every missing or malformed Slack setting at once, before anything starts."""
    problems = []
    if not settings.slack_bot_token:
        problems.append("SLACK_BOT_TOKEN is missing (the xoxb- Bot User OAuth Token)")
    elif not settings.slack_bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    if not settings.slack_signing_secret and not socket_mode:
        problems.append("SLACK_SIGNING_SECRET is missing (Basic Information > App Credentials)")
    if socket_mode and not (settings.slack_app_token or "").startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
    if problems:
        raise SettingsError(problems)


def build_app(
    settings: Settings,
    conversation: Conversation,
    *,
    client: AsyncWebClient | None = None,
    slow_after: float = 0.8,
    profiles: UserProfiles | None = None,
) -> AsyncApp:
    """The access rules come with ``conversation.gate``, the audit log with its
    ``audit``: the Home tab checks and records through the same ones. ``profiles``:
    the users.info cache, shared with whoever else names people (the conversation)."""
    bolt_fixes.apply()
    web = client or slack_client(settings)
    app = AsyncApp(
        client=web,
        signing_secret=settings.slack_signing_secret,
        # Socket Mode needs no signing secret (Bolt skips the check there, and no HTTP
        # route for events is served); require_slack insists on it for HTTP mode.
        request_verification_enabled=settings.slack_signing_secret is not None,
        ignoring_self_events_enabled=True,
    )
    # First of the bot's middleware: nothing below reads a body of the wrong shape.
    app.middleware(slack_payloads.refuse_malformed)
    # Then, before any listener: a retried event or a replayed request is acked, not
    # answered again.
    app.use(AnswerOnce(HandledRequests(conversation.store)))
    profiles = profiles or user_profiles(settings, web)
    gate = conversation.gate
    # The tab lists subscriptions, which live in the store: none without one.
    home = (
        HomeService(
            conversation.dms,
            conversation.store,
            ChannelDirectory(web),
            may_view=partial(gate.allows, "query") if gate else allow_all,
            may_unsubscribe=partial(gate.allows, "unsubscribe") if gate else allow_all,
            audit=conversation.audit,
        )
        if conversation.store is not None
        else None
    )
    handlers.register(app, handlers.Deps(conversation, profiles, slow_after=slow_after, home=home))
    return app
