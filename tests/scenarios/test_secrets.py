"""No secret leaves the bot: not in its log at DEBUG, not in anything it sends to Slack.

Each secret is a distinctive value that is really in use (the simulator checks the AK,
SK and security token, the fake Slack the bot and app tokens, the bot the signing
secret), so a run that never exercised one could not pass by accident. The runs go
through a realistic session with everything logged at DEBUG, slack_sdk, Bolt, httpx
and aiohttp included; then every log record (its formatted message, its arguments,
any traceback) and every call the fake Slack received (every argument, response_url
posts included) is searched for each secret.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.store.store import Store
from bot.core import actions
from bot.core.redact import MASK
from bot.main import cli
from bot.main.entry import shell_parser, tasks_parser
from bot.main.serve import serve
from bot.main.settings import Settings
from bot.main.shell import run_shell
from bot.simulator import (
    DEMO_AK,
    DEMO_PROJECT_ID,
    DEMO_SK,
    ManualClock,
    Simulator,
    SimulatorConfig,
    TaskRecord,
)
from tests.fakes.slack import Call, FakeSlack
from tests.fakes.slack_requests import SlackSender
from tests.scenarios.slack_harness import (
    RunningBot,
    buttons_of,
    final_response,
    free_port,
    running_bot,
    text_of,
)
from tests.scenarios.test_socket_mode import mention_payload, slash_payload

# Every secret holds this word, so a piece of one (say its first 16 characters) is
# found as surely as the whole; the masks in repr keep at most three characters.
MARKER = "canary"

AK = "AKCANARYZQ7W2E9R4T6Y"  # 20 characters, as Huawei Cloud AKs are
SK = "SkCanary5f3b9d1e7a2c4b6d8e0fA1b2C3d4E5f6"  # 40, as SKs are
WRONG_SK = "WrongSkCanary0a9b8c7d6e5f4a3b2c1d0e9f8a7"
SECURITY_TOKEN = "StsTokenCanary" + "gQoVb3BlcmF0aW9uLXRva2Vu" * 8  # STS tokens run long
WRONG_SECURITY_TOKEN = "ExpiredStsTokenCanary" + "ZXhwaXJlZA" * 8
BOT_TOKEN = "xoxb-7101234567-7102345678-BotTokenCanaryQw3Er5Ty7Ui"
APP_TOKEN = "xapp-1-A0FAKE-7103456789-AppTokenCanaryAs4Df6Gh8Jk0"
SIGNING_SECRET = "SigningSecretCanary9a8b7c6d5e4f3a2b"
DATABASE_PASSWORD = "DbPasswordCanary77"

SECRETS = {
    "AK": AK,
    "SK": SK,
    "wrong SK": WRONG_SK,
    "security token": SECURITY_TOKEN,
    "wrong security token": WRONG_SECURITY_TOKEN,
    "bot token": BOT_TOKEN,
    "app token": APP_TOKEN,
    "signing secret": SIGNING_SECRET,
    "database password": DATABASE_PASSWORD,
}

# The libraries whose DEBUG output is most likely to carry a header or a token.
LOGGERS = ("slack_bolt", "slack_sdk", "httpx", "httpcore", "aiohttp", "kafka_tasks", "asyncio")
_FORMAT = logging.Formatter("%(levelname)s %(name)s: %(message)s")


def leaked(text: str) -> list[str]:
    """The names of the secrets ``text`` holds, whole or in part."""
    found = [name for name, value in SECRETS.items() if value in text]
    if not found and MARKER in text.lower():
        found.append(f"part of a secret ({MARKER!r} in {text!r:.300})")
    return found


# -- capturing ------------------------------------------------------------------------


@dataclass
class Captured:
    records: list[logging.LogRecord] = field(default_factory=list)

    def debug_again(self) -> None:
        """Every library logger back to DEBUG (serve() turns httpx down at start)."""
        for name in ("", *LOGGERS):
            logging.getLogger(name).setLevel(logging.DEBUG)

    def from_(self, prefix: str) -> list[logging.LogRecord]:
        return [r for r in self.records if r.name == prefix or r.name.startswith(prefix + ".")]


class _Keep(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


@contextmanager
def everything_logged() -> Iterator[Captured]:
    """The root logger and the libraries' loggers at DEBUG into a list, then put back."""
    captured = Captured()
    saved = {name: logging.getLogger(name).level for name in ("", *LOGGERS)}
    handler = _Keep(captured.records)
    logging.getLogger().addHandler(handler)
    captured.debug_again()
    try:
        yield captured
    finally:
        logging.getLogger().removeHandler(handler)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for ``record``: the formatted line with any
    traceback, the unformatted message and its arguments, and any extra attributes."""
    try:
        line = _FORMAT.format(record)
    except Exception as exc:  # a malformed call still shows its parts below
        line = f"(unformattable: {exc!r})"
    return "\n".join([line, repr(record.msg), repr(record.args), repr(vars(record))])


def call_text(call: Call) -> str:
    return "\n".join([call.method, call.path, json.dumps(call.args, default=str)])


def assert_nothing_leaked(captured: Captured, calls: list[Call]) -> None:
    in_logs = {
        f"{r.levelname} {r.name}: {r.getMessage()[:200]}": found
        for r in captured.records
        if (found := leaked(record_text(r)))
    }
    assert in_logs == {}
    in_slack = {f"{c.method} {c.path}": found for c in calls if (found := leaked(call_text(c)))}
    assert in_slack == {}


def test_the_search_finds_a_secret_whole_or_in_part_in_a_record_or_its_arguments() -> None:
    assert leaked(f"Authorization: Bearer {BOT_TOKEN}") == ["bot token"]
    assert leaked(SK[:12]) != []
    assert leaked(f"{AK[:3]}***") == []
    with everything_logged() as captured:
        logging.getLogger("slack_sdk.web").debug("headers: %r", {"Authorization": BOT_TOKEN})
        logging.getLogger("kafka_tasks.x").debug("signed", extra={"key": SK[:16]})
    assert len(captured.records) == 2
    for record in captured.records:
        with pytest.raises(AssertionError):
            assert_nothing_leaked(Captured(records=[record]), [])


# -- the bot with these secrets -------------------------------------------------------

SIM_CONFIG = SimulatorConfig(ak=AK, sk=SK, security_token=SECURITY_TOKEN)


@asynccontextmanager
async def secret_bot(
    captured: Captured, *, sk: str = SK, security_token: str = SECURITY_TOKEN
) -> AsyncIterator[tuple[RunningBot, SlackSender]]:
    """The harness's bot with the secrets above, and a sender that signs with ours."""
    extra = {
        "HUAWEICLOUD_SDK_AK": AK,
        "HUAWEICLOUD_SDK_SECURITY_TOKEN": security_token,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }
    async with running_bot(sim_config=SIM_CONFIG, sk=sk, extra=extra) as bot:
        # Nothing has called Slack yet (Bolt checks the token on the first request).
        bot.slack.bot_token = BOT_TOKEN
        captured.debug_again()
        async with SlackSender(bot.url, SIGNING_SECRET) as sender:
            yield bot, sender


async def slash(bot: RunningBot, sender: SlackSender, text: str, name: str) -> Call:
    reply = await sender.slash(text, response_url=bot.slack.response_url(name))
    assert reply.status_code == 200, text
    return await final_response(bot.slack, name)


async def click(
    bot: RunningBot, sender: SlackSender, answer: Call, action_id: str, name: str
) -> None:
    button = buttons_of(answer)[action_id][0]
    reply = await sender.action(
        action_id, button["value"], ephemeral=True, response_url=bot.slack.response_url(name)
    )
    assert reply.status_code == 200


async def a_working_session(bot: RunningBot, sender: SlackSender) -> None:
    """What a day's use looks like: questions, mistakes, every kind of button."""
    answer = await slash(bot, sender, "prod-orders last 1h", "ask")
    assert "prod-orders" in text_of(answer)
    assert '"7x"' in text_of(await slash(bot, sender, "prod-orders last 7x", "bad-window"))
    assert "prod-ordrs" in text_of(await slash(bot, sender, "prod-ordrs last 1h", "unknown"))
    resets = await slash(bot, sender, "prod-orders last 30d name resetPassword", "resets")
    await slash(bot, sender, "instances", "instances")
    await slash(bot, sender, "help", "help")

    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)  # a retry, logged
    await sender.mention("prod-orders failed last 7d", ts="1700000000.000100")
    await sender.dm("prod-payments last 24h", channel="D999")
    await bot.slack.wait_for("chat.postMessage", 2, ok=True, timeout=15)

    await click(bot, sender, answer, actions.REFRESH, "refresh")
    assert "prod-orders" in text_of(await final_response(bot.slack, "refresh"))
    await click(bot, sender, resets, actions.DETAILS, "details")
    assert "resetPassword" in text_of(await final_response(bot.slack, "details"))
    await click(bot, sender, answer, actions.SHARE, "share")
    await bot.slack.wait_for("chat.postMessage", 3, ok=True)
    await click(bot, sender, answer, actions.SUBSCRIBE, "subscribe")
    assert "prod-orders" in text_of(await final_response(bot.slack, "subscribe"))
    await slash(bot, sender, "subscribe prod-payments failed", "subscribe-typed")
    assert "prod-payments" in text_of(await slash(bot, sender, "subscriptions", "listed"))

    # A request someone else signed: refused, and the refusal logged.
    async with SlackSender(bot.url, "someone-elses-secret") as forger:
        forged = await forger.slash("prod-orders", response_url=bot.slack.response_url("forged"))
    assert forged.status_code == 401


async def test_a_session_at_debug_leaks_no_secret_to_the_log_or_to_slack() -> None:
    with everything_logged() as captured:
        async with secret_bot(captured) as (bot, sender):
            await a_working_session(bot, sender)
            calls = list(bot.slack.calls)
        async with secret_bot(captured, sk=WRONG_SK) as (bot, sender):
            refused = text_of(await slash(bot, sender, "prod-orders last 1h", "wrong-sk"))
            assert "HUAWEICLOUD_SDK_SK" in refused
            calls += bot.slack.calls
        async with secret_bot(captured, security_token=WRONG_SECURITY_TOKEN) as (bot, sender):
            expired = await slash(bot, sender, "prod-orders last 1h", "wrong-token")
            assert "HUAWEICLOUD_SDK_SECURITY_TOKEN" in text_of(expired)
            calls += bot.slack.calls

    # The secrets were in use: every Web API call carried the bot token, and DMS (which
    # checks the AK, SK and token) answered with tasks.
    api_calls = [c for c in calls if c.method != "response_url"]
    assert api_calls
    assert {c.token for c in api_calls} == {BOT_TOKEN}
    assert {"chat.postMessage", "response_url", "users.info"} <= {c.method for c in calls}
    # And DEBUG was on where it matters: slack_sdk's request lines, Bolt, httpx and
    # httpcore, aiohttp's access log, the bot's own.
    assert any("Sending a request" in r.getMessage() for r in captured.from_("slack_sdk"))
    for library in ("slack_bolt", "httpx", "httpcore", "aiohttp.access", "kafka_tasks"):
        assert captured.from_(library), f"nothing was logged by {library}"
    assert_nothing_leaked(captured, calls)


async def test_a_socket_mode_run_leaks_neither_token(tmp_path: Path) -> None:
    """Socket Mode is where the app token is used (apps.connections.open), and where
    every frame on the WebSocket is logged at DEBUG."""
    with everything_logged() as captured:
        async with (
            Simulator(SIM_CONFIG) as sim,
            FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN) as slack,
        ):
            settings = Settings.from_mapping(
                {
                    "SLACK_BOT_TOKEN": BOT_TOKEN,
                    "SLACK_APP_TOKEN": APP_TOKEN,
                    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                    "SLACK_API_URL": slack.api_url,
                    "PORT": str(free_port()),
                    "HUAWEICLOUD_SDK_AK": AK,
                    "HUAWEICLOUD_SDK_SK": SK,
                    "HUAWEICLOUD_SDK_SECURITY_TOKEN": SECURITY_TOKEN,
                    "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
                    "DMS_ENDPOINT": sim.url,
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
                }
            )
            stop = asyncio.Event()
            server = asyncio.create_task(serve(settings, stop=stop))
            try:
                await slack.socket.wait_connected(1, timeout=10)
                captured.debug_again()
                url = slack.response_url("socket")
                await slack.socket.send(
                    "slash_commands", slash_payload("prod-orders", response_url=url)
                )
                await slack.socket.send(
                    "events_api", mention_payload("prod-orders last 7d", ts="1700000000.000200")
                )
                await slack.wait_for("response_url", 1, ok=True)
                await slack.wait_for("chat.postMessage", 1, ok=True)
            finally:
                stop.set()
                await asyncio.wait_for(server, timeout=10)
            calls = list(slack.calls)

    [opened] = [c for c in calls if c.method == "apps.connections.open"]
    assert opened.token == APP_TOKEN
    # slack_sdk's Socket Mode client logs each frame through Bolt's logger.
    frames = [r.getMessage() for r in captured.from_("slack_bolt")]
    assert any("Received message" in m and "slash_commands" in m for m in frames)
    assert_nothing_leaked(captured, calls)


def test_settings_repr_masks_every_secret() -> None:
    settings = Settings.from_mapping(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "HUAWEICLOUD_SDK_AK": AK,
            "HUAWEICLOUD_SDK_SK": SK,
            "HUAWEICLOUD_SDK_SECURITY_TOKEN": SECURITY_TOKEN,
            "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
            "HUAWEICLOUD_REGION": "cn-north-4",
            "DATABASE_URL": f"postgresql://kafka_tasks:{DATABASE_PASSWORD}@db:5432/kt",
        }
    )
    shown = {
        "repr(settings)": repr(settings),
        "str(settings)": str(settings),
        "a log line": logging.Formatter().format(
            logging.makeLogRecord({"msg": "settings: %r %s", "args": (settings, settings)})
        ),
        "repr(credentials)": repr(settings.credentials()),
    }
    assert {where: leaked(text) for where, text in shown.items() if leaked(text)} == {}
    # Masked, not dropped: a reader can still tell which key it is, and that each is set.
    assert f"huawei_ak='{AK[:3]}***'" in repr(settings)
    for name in ("slack_bot_token", "slack_app_token", "slack_signing_secret", "huawei_sk"):
        assert f"{name}='***'" in repr(settings)
    assert "huawei_security_token='***'" in repr(settings)


# -- secrets in task params -----------------------------------------------------------

# Every secret a task's params carry below holds this word, so a piece of one left
# unmasked is found as surely as the whole.
PARAM_MARKER = "leak"
PARAM_PEM = (
    "-----BEGIN PRIVATE KEY-----\nMIIEvLeakPemBody0a1b2c3d4e5f6a7b8c9d0e1f\n"
    "-----END PRIVATE KEY-----"
)
PARAM_AK = "LEAKAK7W2E9R4T6YQ1Z3"  # the shape of a Huawei Cloud AK: 20 characters
PARAM_SK = "LeakSk5f3b9d1e7a2c4b6d8e0fA1b2C3d4E5f6Gh"  # and of its SK: 40, mixed case
# The first three keys are the ones a notification shows.
SECRET_PARAMS = {
    "ssl.key.password": "SslKeyPw-Leak-3Rt",
    "sink_url": "https://svc-billing:UrlPw-Leak-5@sink.example.com/ingest",
    "note": f"rotated AK {PARAM_AK} SK {PARAM_SK}, token Tok3n-Leak-4",
    "sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required "
    'username="svc-billing" password="JaasPw-Leak-7Qx";',
    "ssl.keystore.key": PARAM_PEM,
    "encryptionKey": "EncKey-Leak-9Zz=",
    "kafka_configs": [
        {"name": "ssl.truststore.password", "old_value": "Old-Leak-1", "new_value": "New-Leak-2"},
        {"name": "log.retention.hours", "old_value": "72", "new_value": "168"},
    ],
    "connector": json.dumps({"connection.password": "InnerPw-Leak-6", "connection.user": "app"}),
    "payload": '{\\"secret\\":\\"EscPw-Leak-8\\",\\"topic\\":\\"orders\\"}',
    "topic_name": "password-reset-events",
}
SECRET_TEXT_PARAMS = "by oncall: user=svc-billing password=TextPw-Leak-10 token TextTok-Leak-11"
# What must still be readable: which settings changed, and what is not a secret.
VISIBLE = ("ssl.key.password", "sasl.jaas.config", "ScramLoginModule", "password-reset-events")


def param_leaks(text: str) -> bool:
    return PARAM_MARKER in text.lower()


def secret_task(task_id: str, name: str, params: str, now: datetime) -> TaskRecord:
    """A task still running at ``now`` that ends, failed, a minute later."""
    return TaskRecord(
        id=task_id,
        name=name,
        user_name="li.wei",
        user_id="0" * 32,
        params=params,
        created_at=now - timedelta(minutes=2),
        started_at=now - timedelta(minutes=2),
        finished_at=now + timedelta(minutes=1),
        final_status="FAILED",
    )


async def test_secrets_in_task_params_stay_masked_in_details_the_shell_and_notifications() -> None:
    clock = ManualClock(datetime.now(UTC))
    fast = {"KAFKA_TASKS_POLL_FAST": "1", "KAFKA_TASKS_POLL_SLOW": "1"}
    async with running_bot(clock=clock, extra=fast) as bot:
        iid = bot.sim.state.add_instance("vault-configs", 0, span=timedelta(hours=1))
        rich, text = "a" * 32, "b" * 32  # task ids
        now = clock.now()
        bot.sim.state.add_task(
            iid, secret_task(rich, "modifyConfigs", json.dumps(SECRET_PARAMS), now)
        )
        bot.sim.state.add_task(iid, secret_task(text, "resetPassword", SECRET_TEXT_PARAMS, now))

        # Details in Slack, asked for by id.
        shown: dict[str, str] = {}
        for task_id in (rich, text):
            reply = await bot.sender.slash(
                f"vault-configs task {task_id}", response_url=bot.slack.response_url(task_id)
            )
            assert reply.status_code == 200
            shown[f"Details of {task_id[0]}"] = text_of(await final_response(bot.slack, task_id))

        # The same Details in the local shell, and the CLI's task view.
        settings = Settings.from_mapping(
            {
                "HUAWEICLOUD_SDK_AK": DEMO_AK,
                "HUAWEICLOUD_SDK_SK": DEMO_SK,
                "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
                "DMS_ENDPOINT": bot.sim.url,
            }
        )
        for task_id in (rich, text):
            out, err = io.StringIO(), io.StringIO()
            args = shell_parser().parse_intermixed_args(["vault-configs", "task", task_id])
            assert await run_shell(settings, args, out, err) == 0, err.getvalue()
            shown[f"shell for {task_id[0]}"] = out.getvalue()
            out, err = io.StringIO(), io.StringIO()
            args = tasks_parser().parse_intermixed_args(["vault-configs", "task", task_id])
            assert await asyncio.to_thread(cli.run, args, settings, out, err) == 0, err.getvalue()
            shown[f"tasks CLI for {task_id[0]}"] = out.getvalue()

        # A channel subscribed to the instance is told when each one ends.
        await bot.sender.slash(
            "subscribe vault-configs all", response_url=bot.slack.response_url("s")
        )
        await final_response(bot.slack, "s")
        store = Store.open(bot.database_url)
        try:
            deadline = time.monotonic() + 30
            while not await store.polling.has_baseline(iid):
                assert time.monotonic() < deadline, "no baseline poll of vault-configs"
                await asyncio.sleep(0.1)
        finally:
            store.close()
        clock.advance(timedelta(minutes=5))

        def notified(task_id: str) -> list[Call]:
            return [
                c
                for c in bot.slack.calls_to("chat.postMessage", ok=True)
                if task_id in str((c.args.get("metadata") or {}).get("event_payload", {}))
            ]

        deadline = time.monotonic() + 30
        while not (notified(rich) and notified(text)):
            assert time.monotonic() < deadline, "no notification of the finished tasks"
            await asyncio.sleep(0.1)
        for task_id in (rich, text):
            shown[f"notification of {task_id[0]}"] = text_of(notified(task_id)[0])
        calls = list(bot.slack.calls)

    assert {where: seen for where, seen in shown.items() if param_leaks(seen)} == {}
    assert [call_text(c) for c in calls if param_leaks(call_text(c))] == []
    # Masked, not dropped: each door still says which setting was changed, and shows
    # what only looks like a secret.
    for where in ("Details of a", "shell for a", "tasks CLI for a"):
        for visible in VISIBLE:
            assert visible in shown[where], (where, visible)
        assert MASK in shown[where]
    assert f"ssl.key.password={MASK}" in shown["notification of a"]
    assert f"password={MASK}" in shown["notification of b"]
