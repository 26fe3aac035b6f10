"""A Reschedule modal's submission read as untrusted: its metadata must say where it was
pressed, or nothing is changed (a change nobody in any channel is told of)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core import actions
from bot.core.actions import ScheduledRef
from bot.services.guard import Guard
from bot.services.scheduled import ScheduledChanges
from tests.unit.services.fakes import ORDERS, MemoryDms, gate

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
VALUES = {
    actions.RESCHEDULE_DATE: {actions.RESCHEDULE_DATE: {"selected_date": "2026-11-29"}},
    actions.RESCHEDULE_TIME: {actions.RESCHEDULE_TIME: {"selected_time": "03:30"}},
}


def changes() -> ScheduledChanges:
    dms = MemoryDms()
    return ScheduledChanges(dms, Guard(dms, gate()), clock=lambda: NOW)


def test_a_submission_read_with_its_channel() -> None:
    ref = ScheduledRef(ORDERS.instance_id, "a" * 32, NOW, channel="C0OPS")
    read = changes().read_form(ref.encode(), VALUES, tz=UTC, lang="en")
    assert read.ref == ref
    assert read.to == datetime(2026, 11, 29, 3, 30, tzinfo=UTC)


def test_a_submission_whose_metadata_names_no_channel_changes_nothing() -> None:
    ref = ScheduledRef(ORDERS.instance_id, "a" * 32, NOW)
    read = changes().read_form(ref.encode(), VALUES, tz=UTC, lang="en")
    assert read.ref is None
