"""Reading DMS listings: counts as DMS writes them, and unreadable things logged once."""

from __future__ import annotations

import pytest

from bot.adapters.dms.reading import OnceReports, parse_count


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("12", 12),
        (" 3 ", 3),
        (7, 7),
        (-1, 0),
        ("-4", 0),
        ("many", None),
        (True, None),
        (None, None),
    ],
)
def test_counts_are_read_from_strings_and_ints(value: object, count: int | None) -> None:
    assert parse_count(value) == count


def test_each_subject_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    reports = OnceReports()
    for _ in range(3):
        reports.unreadable("task t1 of instance i1", {"status": "not text", "name": "too long"})
        reports.no_id("a task of instance i1", "missing")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "task t1 of instance i1 has fields DMS sent that cannot be read "
        "(name: too long, status: not text); it is shown without them",
        "DMS sent a task of instance i1 without a readable id (missing); it is left out",
    ]
