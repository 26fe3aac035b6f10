"""The followed-thread query: written by following an answer, read by the poller."""

from __future__ import annotations

import json

import pytest

from bot.core.records import ThreadQuery


def test_a_query_is_stored_as_it_always_was_and_read_back() -> None:
    query = ThreadQuery(state="abc", thread_ts="1.5", lang="zh", user="U1")
    stored = {"state": "abc", "thread_ts": "1.5", "lang": "zh", "user": "U1"}
    assert query.encode() == json.dumps(stored)
    assert ThreadQuery.decode(query.encode()) == query


def test_a_query_from_an_earlier_release_is_still_read() -> None:
    # Before languages and before the asker was kept.
    old = ThreadQuery.decode(json.dumps({"state": "abc", "thread_ts": "1.5"}))
    assert old == ThreadQuery(state="abc", thread_ts="1.5", lang="en", user="")
    bare = ThreadQuery.decode(json.dumps({"lang": None}))
    assert bare == ThreadQuery(state=None, thread_ts=None, lang=None, user="")


def test_a_query_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        ThreadQuery.decode("[]")
