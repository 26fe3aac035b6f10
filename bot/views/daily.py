"""The daily summary message, and the line that says a subscription has one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from slack_sdk.models.blocks import Block

from bot.core.daily import DailyAt, DaySummary, Slowest
from bot.core.grammar.window import zone_name
from bot.i18n import Lang, t
from bot.views.format import counts_text, duration_text, shown_name, shown_status
from bot.views.kit import (
    Message,
    context,
    date_token,
    instance_label,
    md,
    message,
    section,
    task_emoji,
)
from bot.views.limits import escape
from bot.views.readable import NAME, STATUS

# Failed tasks named one by one; the rest are counted. Scheduled changes listed.
FAILED_LINES = 10
SCHEDULED_LINES = 10


def daily_summary_message(
    summary: DaySummary,
    *,
    instance_id: str,
    instance_name: str,
    due_at: datetime,
    late: bool,
    tz: tzinfo,
    lang: Lang = "en",
) -> Message:
    """One local day of one instance: counts, failures, the slowest runs."""
    name = instance_label(instance_name, instance_id, lang)
    day = summary.day.isoformat()
    blocks: list[Block] = [section(t(lang, "daily.head", instance=f"*{md(name, NAME)}*", day=day))]
    if late:
        local = due_at.astimezone(tz)
        when = f"{local.hour:02d}:{local.minute:02d} {zone_name(tz)}"
        blocks.append(context(t(lang, "daily.late", time=when)))
    if summary.total == 0:
        blocks.append(section(t(lang, "daily.none")))
    else:
        counts = counts_text(summary.counts, lang)
        blocks.append(section(t(lang, "daily.counts", count=summary.total, counts=counts)))
    if summary.failed:
        lines = [t(lang, "daily.failures")]
        for task in summary.failed[:FAILED_LINES]:
            status = md(shown_status(task.status, lang), STATUS)
            lines.append(f"{task_emoji(task)} {md(shown_name(task.name, lang), NAME)} · {status}")
        more = summary.more_failed + max(0, len(summary.failed) - FAILED_LINES)
        if more:
            lines.append(t(lang, "daily.failures_more", count=more))
        blocks.append(section("\n".join(lines)))
    if summary.slowest:
        lines = [t(lang, "daily.slowest"), *(_slow_line(s, lang) for s in summary.slowest)]
        blocks.append(section("\n".join(lines)))
    scheduled = _scheduled_text(summary, tz, lang)
    if scheduled:
        blocks.append(section(scheduled))
    failed = summary.counts.get("FAILED", 0)
    text = t(lang, "daily.text", instance=name, day=day, count=summary.total, failed=failed)
    return message(escape(text), blocks)


def _scheduled_text(summary: DaySummary, tz: tzinfo, lang: Lang) -> str:
    if summary.scheduled is None:
        return t(lang, "daily.scheduled_unknown")
    if not summary.scheduled:
        return t(lang, "daily.scheduled_none")
    lines = [t(lang, "daily.scheduled")]
    for change in summary.scheduled[:SCHEDULED_LINES]:
        name = md(shown_name(change.name, lang), NAME)
        lines.append(f"{date_token(change.at, tz)} · {name}")
    return "\n".join(lines)


def _slow_line(run: Slowest, lang: Lang) -> str:
    task = md(shown_name(run.name, lang), NAME)
    took = duration_text(timedelta(seconds=run.took_s), lang)
    if run.usual_s is None:
        return t(lang, "daily.slow_row", task=task, took=took)
    usual = duration_text(timedelta(seconds=run.usual_s), lang)
    return t(lang, "daily.slow_row_usual", task=task, took=took, usual=usual)


def with_daily(reply: Message, daily: DailyAt | None, *, lang: Lang = "en") -> Message:
    """A subscription's confirmation, saying when its daily summary comes (if it has one)."""
    if daily is None:
        return reply
    line = context(t(lang, "daily.set", time=md(daily.text(), NAME)))
    return replace(reply, blocks=(*reply.blocks, line))
