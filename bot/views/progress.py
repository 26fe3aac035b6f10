"""How far a running task (a scale-out) has got, as answers, Details and status threads
show it: a bar, the percent, the current step in words and the time left.

DMS's numbers are read defensively already (``Progress.from_api``); these are bounded
again here, since a view must hold for any ``Progress`` it is given.
"""

from __future__ import annotations

import math
from datetime import timedelta

from bot.core.timeline.records import Progress, Step
from bot.i18n import CATALOG, Lang, t
from bot.views.kit import md

BAR_CELLS = 10
_DONE, _TODO = "▓", "░"
# A step DMS names without our word for it is shown as sent, this long at most.
_STEP_NAME = 60
# Steps listed in Details; a longer list ends with how many more there are.
MAX_SHOWN_STEPS = 8
# Past this, the time DMS says is left is no estimate anyone can use.
_MOST_LEFT = timedelta(days=7)
_STEP_MARKS = {"COMPLETED": "✓", "IN_PROGRESS": "▶", "FAILED": "✗"}
_WAITING_MARK = "○"


def shown_percent(progress: Progress) -> int | None:
    """The percent as shown: within 0-100, or None when DMS did not say."""
    if progress.percent is None:
        return None
    return max(0, min(100, progress.percent))


def bar(percent: int) -> str:
    """``▓▓▓▓▓▓░░░░`` for 60: a cell per tenth, a cell begun shown only once done."""
    done = max(0, min(BAR_CELLS, percent * BAR_CELLS // 100))
    return _DONE * done + _TODO * (BAR_CELLS - done)


def step_text(step: Step, lang: Lang) -> str:
    """A step in words (``disk_expansion``: "disk expansion"), else its name as sent,
    escaped and clipped; "disk expansion failed" for a failed one."""
    key = f"progress.step.{step.name}"
    name = t(lang, key) if key in CATALOG["en"] else md(step.name, _STEP_NAME)
    if step.status == "FAILED":
        return t(lang, "progress.step_failed", step=name)
    return name


def left_text(remaining: timedelta | None, lang: Lang) -> str | None:
    """The time left as "about 14 min left", rounded up to the minute; None when
    unknown or absurd."""
    if remaining is None or remaining < timedelta(0) or remaining > _MOST_LEFT:
        return None
    if remaining < timedelta(minutes=1):
        return t(lang, "progress.left.soon")
    minutes = math.ceil(remaining.total_seconds() / 60)
    if minutes < 60:
        return t(lang, "progress.left.minutes", minutes=minutes)
    return t(lang, "progress.left.hours", hours=minutes // 60, minutes=minutes % 60)


def progress_mark(progress: Progress) -> tuple[int | None, str]:
    """What a progress line shows that moves: the percent and the current step. The
    parent of a followed thread is edited only when this changes."""
    current = progress.current
    return shown_percent(progress), "" if current is None else f"{current.name}:{current.status}"


def progress_line(progress: Progress, lang: Lang) -> str | None:
    """``▓▓▓▓▓▓░░░░ 60% · disk expansion · about 14 min left`` (mrkdwn); None when DMS
    said nothing a reader could use."""
    parts = []
    percent = shown_percent(progress)
    if percent is not None:
        parts.append(f"`{bar(percent)}` {percent}%")
    current = progress.current
    if current is not None and current.name:
        parts.append(step_text(current, lang))
    left = left_text(progress.remaining, lang)
    if left is not None:
        parts.append(left)
    return " · ".join(parts) or None


def steps_line(progress: Progress, lang: Lang) -> str | None:
    """Every step with its state (``✓ pre-check → ▶ disk expansion → ○ post-check``),
    the first ``MAX_SHOWN_STEPS`` of them; None when DMS listed none."""
    steps = [s for s in progress.steps if s.name]
    if not steps:
        return None
    shown = [
        f"{_STEP_MARKS.get(s.status, _WAITING_MARK)} {step_text(s, lang)}"
        for s in steps[:MAX_SHOWN_STEPS]
    ]
    if len(steps) > MAX_SHOWN_STEPS:
        shown.append(t(lang, "progress.steps_more", count=len(steps) - MAX_SHOWN_STEPS))
    return " → ".join(shown)
