"""The one audited outcome of an ask: one audit line each, with its result and the DMS
requests it caused; what the asker is told of each failure, a Retry where trying again
may work, and an incident id for what nobody foresaw."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.core import actions
from bot.core.actions import QueryState
from bot.core.dms.errors import (
    DmsAuthError,
    DmsProtocolError,
    DmsThrottled,
    DmsUnavailable,
    UnknownInstance,
)
from bot.core.grammar.errors import WindowError
from bot.core.grammar.window import TimeWindow
from bot.services.guard import Refused
from bot.services.outcome import Act, Auditor, failure_of, incident
from bot.services.reply import Reply, guarded
from bot.views.kit import Message
from tests.unit.services.fakes import NOW, ORDERS, AuditLines, MemoryDms, buttons

HEX8 = re.compile(r"[0-9a-f]{8}")
WINDOW = TimeWindow(
    begin=NOW - timedelta(hours=1), end=NOW, label="last 1h", zone="UTC", ends_now=True
)
RETRY_STATE = QueryState(
    instance="prod-orders",
    window_text="last 1h",
    begin=NOW - timedelta(hours=1),
    end=NOW,
    zone="UTC",
)


def button_ids(message: Message) -> list[str]:
    return [action for action, _ in buttons(message)]


def failing(exc: Exception) -> Callable[[], Awaitable[Reply]]:
    async def run() -> Reply:
        raise exc

    return run


# -- the error table ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "upstream",
    [
        DmsThrottled("DMS answered 429", retry_after=7),
        DmsUnavailable("DMS answered 503"),
        DmsProtocolError("DMS answered something else", snippet="<html>"),
    ],
)
async def test_upstream_trouble_offers_a_retry_of_the_same_query(upstream: Exception) -> None:
    reply = await guarded(failing(upstream), "en", retry=RETRY_STATE)
    assert not reply.ok
    assert reply.delivery == "ephemeral"
    assert button_ids(reply.message) == [actions.RETRY]
    assert failure_of(upstream, "en").retryable


async def test_a_throttled_answer_says_when_to_try_again() -> None:
    reply = await guarded(failing(DmsThrottled("429", retry_after=7)), "en", retry=RETRY_STATE)
    assert "7" in reply.message.text


@pytest.mark.parametrize(
    "lasting",
    [
        DmsAuthError("DMS refused the credentials"),
        UnknownInstance("prod-ordrs", "the test project", ["prod-orders"]),
        WindowError("last 3 fortnights", "last 3d"),
    ],
)
async def test_trying_again_would_not_help_so_no_retry_is_offered(lasting: Exception) -> None:
    reply = await guarded(failing(lasting), "en", retry=RETRY_STATE)
    assert not reply.ok
    assert actions.RETRY not in button_ids(reply.message)
    assert not failure_of(lasting, "en").retryable


async def test_a_refusal_is_its_own_message_with_the_rule_kept_for_the_log() -> None:
    reply = await guarded(failing(Refused("query", "prod-payments", "rule 3")), "en")
    assert reply.refused
    assert reply.why == "rule 3"
    assert "prod-payments" in reply.message.text
    assert "rule 3" not in reply.message.text
    assert reply.outcome().result == "refused"


async def test_the_unforeseen_gets_an_incident_id_shown_and_logged_with_its_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="kafka_tasks.conversation")
    reply = await guarded(failing(KeyError("instance_id")), "en", retry=RETRY_STATE)
    failure = failure_of(KeyError("x"), "en")
    assert failure.incident is not None
    assert HEX8.fullmatch(failure.incident)

    shown = re.search(r"incident ([0-9a-f]+)", reply.message.text)
    assert shown is not None
    assert HEX8.fullmatch(shown.group(1))
    logged = [r for r in caplog.records if shown.group(1) in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert "KeyError" not in reply.message.text
    # Not upstream trouble: the same ask would fail the same way.
    assert actions.RETRY not in button_ids(reply.message)


def test_each_incident_has_its_own_id(caplog: pytest.LogCaptureFixture) -> None:
    ids = set()
    for _ in range(20):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            ids.add(incident("doing %s", "work"))
    assert len(ids) == 20
    assert all(HEX8.fullmatch(i) for i in ids)


def test_the_incident_text_is_said_in_chinese_too() -> None:
    failure = failure_of(RuntimeError("boom"), "zh")
    assert failure.incident is not None
    assert failure.incident in failure.text
    assert "Something went wrong" not in failure.text


# -- one audit line per ask -----------------------------------------------------------------


async def audited(
    audit: AuditLines, run: Callable[[], Awaitable[Reply]], what: str = "prod-orders last 1h"
) -> Reply:
    auditor = Auditor(audit.log)
    act = Act("slash", "U0DEV", "C0TEAM", what)
    return await auditor.audited(act, lambda: guarded(run, "en", retry=RETRY_STATE), Reply.outcome)


def line(audit: AuditLines) -> dict[str, object]:
    assert len(audit.lines) == 1
    parsed: dict[str, object] = json.loads(audit.lines[0])
    return parsed


async def test_an_answer_is_one_ok_line_with_the_requests_it_caused() -> None:
    audit, dms = AuditLines(), MemoryDms()

    async def run() -> Reply:
        instance = await dms.resolve("prod-orders")
        await dms.list_tasks(instance.instance_id, WINDOW)
        return Reply(Message("2 tasks", ()), instance=instance.instance_id)

    reply = await audited(audit, run)
    assert reply.ok
    written = line(audit)
    assert written["result"] == "ok"
    assert written["kind"] == "slash"
    assert (written["user"], written["channel"]) == ("U0DEV", "C0TEAM")
    assert written["instance"] == ORDERS.instance_id
    assert written["request_ids"] == ["req-1", "req-2"]
    assert isinstance(written["ms"], float)
    assert audit.events[0].request_ids == ("req-1", "req-2")


async def test_a_failure_is_one_error_line_with_what_the_asker_was_shown() -> None:
    audit, dms = AuditLines(), MemoryDms()
    dms.failing = DmsUnavailable("DMS answered 503", request_id="req-dms-1")

    async def run() -> Reply:
        await dms.resolve("prod-orders")
        raise AssertionError("not reached")

    reply = await audited(audit, run)
    written = line(audit)
    assert written["result"] == "error"
    assert written["detail"] == " ".join(reply.message.text.split())
    assert written["request_ids"] == ["req-1"]


async def test_a_refusal_is_one_refused_line_naming_the_rule() -> None:
    audit = AuditLines()
    await audited(audit, failing(Refused("subscribe", "prod-payments", "rule 3 (finance)")))
    written = line(audit)
    assert written["result"] == "refused"
    assert written["detail"] == "rule 3 (finance)"


async def test_an_incident_is_one_error_line_carrying_its_id() -> None:
    audit = AuditLines()
    reply = await audited(audit, failing(ZeroDivisionError()))
    shown = re.search(r"incident ([0-9a-f]{8})", reply.message.text)
    assert shown is not None
    written = line(audit)
    assert written["result"] == "error"
    assert shown.group(1) in str(written["detail"])


async def test_an_untimed_act_carries_no_requests_and_no_duration() -> None:
    audit, dms = AuditLines(), MemoryDms()

    async def run() -> Reply:
        await dms.list_instances()
        return Reply(Message("ok", ()))

    auditor = Auditor(audit.log)
    act = Act("home", "U0DEV", None, "unsubscribe")
    await auditor.audited(act, run, Reply.outcome, timed=False)
    written = line(audit)
    assert "request_ids" not in written
    assert "ms" not in written


async def test_requests_of_one_ask_are_not_counted_in_the_next() -> None:
    audit, dms = AuditLines(), MemoryDms()

    async def run() -> Reply:
        await dms.list_instances()
        return Reply(Message("ok", ()))

    auditor = Auditor(audit.log)
    act = Act("dm", "U0DEV", "D0DEV", "list")
    await auditor.audited(act, run, Reply.outcome)
    await auditor.audited(act, run, Reply.outcome)
    assert [e.request_ids for e in audit.events] == [("req-1",), ("req-2",)]


async def test_without_an_audit_log_the_answer_is_still_given() -> None:
    auditor = Auditor()
    assert auditor.log is None
    act = Act("shell", None, None, "list")
    reply = await auditor.audited(act, _ok, Reply.outcome)
    assert reply.ok


async def _ok() -> Reply:
    return Reply(Message("ok", ()))


SECRETS = [
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "password=hunter2-is-my-password",
]


@pytest.mark.parametrize("secret", SECRETS)
async def test_no_secret_typed_into_a_command_reaches_the_audit_line(secret: str) -> None:
    audit = AuditLines()
    await audited(audit, _ok, what=f"prod-orders last 1h {secret}")
    assert "hunter2" not in audit.lines[0]
    assert "AbCdEfGhIjKl" not in audit.lines[0]
    assert "prod-orders last 1h" in audit.lines[0]


async def test_no_secret_in_an_error_shown_reaches_the_audit_line() -> None:
    audit = AuditLines()
    leaky = DmsAuthError("DMS refused token xoxp-123456789012-999999999999-SECRETSECRETSECRET")
    await audited(audit, failing(leaky))
    written = line(audit)
    assert written["result"] == "error"
    assert "SECRETSECRET" not in audit.lines[0]
