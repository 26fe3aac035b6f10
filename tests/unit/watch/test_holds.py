"""Delivery of held rows: a hold's rows go out together, others' rows go on around them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.records import OutboxItem
from bot.watch.delivery import MAX_DIGEST_ROWS, _held_with

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _row(
    n: int, hold: str | None = None, until: datetime | None = None, kind: str = "task_finished"
) -> OutboxItem:
    return OutboxItem(
        n, f"k{n}", "C1", None, kind, "{}", NOW, 0, NOW, None, None, None, hold, until
    )


def test_a_held_head_goes_out_with_the_rest_of_its_hold_however_few() -> None:
    head = _row(1, "snooze:i1", NOW)
    pending = [
        head,
        _row(2),
        _row(3, "snooze:i1", NOW),
        _row(4, "quiet:i1", NOW),
        _row(5, "snooze:i1", NOW + timedelta(hours=1)),
        _row(6, "snooze:i1", NOW, kind="unreachable"),
        _row(7, "snooze:i1", NOW),
    ]
    assert [r.id for r in _held_with(head, pending)] == [1, 3, 7]
    assert _held_with(head, [head]) == [head]


def test_a_hold_goes_out_in_digests_of_at_most_the_most_rows() -> None:
    rows = [_row(n, "quiet:i1", NOW) for n in range(1, MAX_DIGEST_ROWS + 20)]
    assert len(_held_with(rows[0], rows)) == MAX_DIGEST_ROWS
