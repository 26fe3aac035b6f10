"""Slack's limits: a cut that splits no markup, and every limit slack_sdk leaves unchecked."""

from __future__ import annotations

import re

from bot.views.limits import check_message, clip


def test_clip_never_splits_a_date_token_or_an_entity() -> None:
    token = "<!date^1795662000^{date_short_pretty} {time}|2026-11-26 11:00:00 UTC>"
    text = "started " + token + " and more"
    for limit in range(1, len(text)):
        cut = clip(text, limit)
        assert len(cut) <= limit
        assert cut.count("<") == cut.count(">")
    for limit in range(1, 14):
        cut = clip("a &amp; b &lt; c", limit)
        assert re.search(r"&(?!amp;|lt;)", cut) is None, cut
    assert clip("short", 10) == "short"
    assert clip("a<b>c" * 10, 8, mrkdwn=False) == "a<b>c" + "a<" + "…"


def test_check_message_reports_what_slack_sdk_does_not() -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "ok"}}
    assert check_message([section] * 51, "x")[0] == "51 blocks (max 50)"
    assert check_message([section], "x" * 4001) == ["text has 4001 characters (max 4000)"]
    fields = {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}] * 11}
    assert len(check_message([fields], "x")) == 12
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert check_message([header], "x") != []
    empty = {"type": "section", "text": {"type": "mrkdwn", "text": "  "}}
    assert check_message([empty], "x") != []
    twice = {"type": "button", "text": {"type": "plain_text", "text": "b"}, "action_id": "a"}
    assert check_message([{"type": "actions", "elements": [twice, twice]}], "x") != []
    long_value = {**twice, "value": "v" * 2001}
    assert check_message([{"type": "actions", "elements": [long_value]}], "x") != []
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}
    assert check_message([context], "x") != []
    ids = {**section, "block_id": "b" * 256}
    assert check_message([ids], "x") != []
