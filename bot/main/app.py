"""The wiring of a Slack run: every service built once (``build_services``) and the Bolt
AsyncApp whose handlers deliver what they answer (``build_app``)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.adapters.audit import AuditLog, counted_in
from bot.adapters.metrics import Metrics
from bot.adapters.slack import bolt_fixes
from bot.adapters.slack import payloads as slack_payloads
from bot.adapters.slack.channels import ChannelDirectory
from bot.adapters.slack.groups import GroupMembers
from bot.adapters.slack.handled_requests import AnswerOnce, HandledRequests
from bot.adapters.slack.retry import web_api_retry_handlers
from bot.adapters.slack.users import UserProfiles
from bot.adapters.store.store import Store
from bot.core.access import Gatekeeper
from bot.core.clock import Clock, utc_now
from bot.core.dms.source import Dms
from bot.i18n import Said
from bot.main.settings import Settings, SettingsError
from bot.services.answers import Answers
from bot.services.conversation import Conversation
from bot.services.following import Following
from bot.services.guard import Guard
from bot.services.home import HomeService
from bot.services.outcome import Auditor
from bot.services.scheduled import ScheduledChanges
from bot.services.slow import SlowTasks
from bot.services.subscriptions import Subscriptions
from bot.services.timeline import ContextFor, Timelines


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


@dataclass(frozen=True)
class Services:
    """Every use case of a Slack run, each built once: the conversation, the Home tab
    and the watcher share one guard, one auditor and one subscriptions path."""

    guard: Guard
    audit: AuditLog
    conversation: Conversation
    following: Following
    home: HomeService
    profiles: UserProfiles


def build_services(
    settings: Settings,
    dms: Dms,
    store: Store,
    web: AsyncWebClient,
    *,
    note: Said | None = None,
    metrics: Metrics | None = None,
    contexts: ContextFor | None = None,
    clock: Clock = utc_now,
) -> Services:
    profiles = user_profiles(settings, web)
    guard = Guard(dms, Gatekeeper(settings.policy, GroupMembers(web)))
    audit = AuditLog(observers=[counted_in(metrics)] if metrics else [])
    auditor = Auditor(audit)
    subscriptions = Subscriptions(store, dms, guard, clock=clock, people=profiles.names)
    conversation = Conversation(
        # Running scale-outs show how far they have got, in answers and followed threads.
        Answers(dms, guard, progress=True, slow=SlowTasks(store)),
        guard,
        subscriptions=subscriptions,
        auditor=auditor,
        clock=clock,
        note=note,
        timelines=Timelines(dms, guard, contexts),
        # A change pressed twice, on any replica, is made once.
        scheduled=ScheduledChanges(dms, guard, HandledRequests(store)),
    )
    # On the bot's clock, as the rest: the snoozes it shows are those in force by it.
    home = HomeService(
        dms, subscriptions, ChannelDirectory(web), guard, auditor=auditor, clock=clock
    )
    following = Following(store, follow_for=settings.watch.follow_for)
    return Services(guard, audit, conversation, following, home, profiles)


def build_app(
    settings: Settings,
    services: Services,
    store: Store,
    *,
    client: AsyncWebClient,
    slow_after: float = 0.8,
) -> AsyncApp:
    bolt_fixes.apply()
    app = AsyncApp(
        client=client,
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
    app.use(AnswerOnce(HandledRequests(store)))
    deps = handlers.Deps(
        services.conversation,
        services.profiles,
        services.following,
        slow_after=slow_after,
        home=services.home,
    )
    handlers.register(app, deps)
    return app
