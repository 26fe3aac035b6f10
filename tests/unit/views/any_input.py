"""Hypothesis strategies for what DMS and users may send: text with Slack markup,
entities, emoji and control characters, from empty to far past every limit."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Sequence
from datetime import UTC, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from bot.core.dms.models import Task
from bot.core.grammar.window import TimeWindow
from tests.unit.views.support import SHANGHAI

KNOWN = ("CREATED", "EXECUTING", "SUCCESS", "FAILED", "DELETED", "CANCELLED")
_SPECIAL = (
    "<@U123>",
    "<!channel>",
    "<!date^1^{ago}|x>",
    "&",
    "&amp;",
    "<",
    ">",
    "|",
    "^",
    "`",
    "```",
    "*",
    "_",
    "\n",
    "\t",
    "\x00",
    "😀",
    "👨‍👩‍👧",
    "卡夫卡任务",
    "한국어",
    "\u200b",
)
_pieces = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(_SPECIAL)), max_size=8).map(
    "".join
)
# Mostly short, sometimes far past every limit.
texts = st.one_of(
    _pieces, st.tuples(_pieces, st.integers(1, 600)).map(lambda pair: pair[0] * pair[1])
)
statuses = st.one_of(st.sampled_from(KNOWN), texts)
# Names DMS sends get labels in Chinese; any other text is shown as it came.
_names = st.one_of(texts, st.sampled_from(("restartInstance", "createTopic", "resetPassword")))
zones: st.SearchStrategy[tzinfo] = st.sampled_from(
    [UTC, SHANGHAI, ZoneInfo("America/New_York"), timezone(timedelta(hours=-9, minutes=-30))]
)


@st.composite
def _params(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["none", "json", "text", "huge"]))
    if kind == "none":
        return ""
    if kind == "text":
        return draw(texts)
    if kind == "json":
        return json.dumps({"password": draw(texts), "topic": draw(texts)}, ensure_ascii=False)
    size = draw(st.integers(1, 100_000))
    chunk = draw(_pieces) or "<&>"
    return json.dumps({"blob": (chunk * (size // len(chunk) + 1))[:size], "secret_key": "k"})


@st.composite
def templates(draw: st.DrawFn) -> Task:
    """A task as DMS might send it, any of its fields hostile."""
    return Task.from_api(
        {
            "id": draw(texts),
            "name": draw(_names),
            "user_name": draw(texts),
            "user_id": draw(texts),
            "params": draw(_params()),
            "status": draw(statuses),
            "created_at": "2026-11-27T02:30:00.000Z",
            "updated_at": draw(st.sampled_from(["", "2026-11-27T02:31:00.000Z"])),
        }
    )


def spread(templates: Sequence[Task], count: int, window: TimeWindow, seed: int) -> list[Task]:
    """``count`` tasks made from the templates (no re-parsing of their params), at random
    times in, around and outside the window, newest first."""
    rng = random.Random(seed)
    span = (window.end - window.begin).total_seconds()
    tasks = []
    for i in range(count):
        offset = rng.uniform(-0.1 * span, 1.1 * span)
        started = None if rng.random() < 0.02 else window.begin + timedelta(seconds=offset)
        template = templates[i % len(templates)]
        tasks.append(dataclasses.replace(template, id=f"{template.id}{i}", created_at=started))
    return sorted(tasks, key=lambda t: t.created_at or window.begin, reverse=True)
