"""What happened to an instance, as one message: the instance now, then one line per
moment, newest first: tasks (with how long, who, from where and how they ended), CTS
operations and CES alarms. Failures and incidents stand out; what a source could not
give is said in one line with the permission to grant; more moments than fit: the
summary, the most important, and the rest in the export.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.core.actions import EXPORT, TIMELINE_REFRESH, QueryState
from bot.core.grammar.vocabulary import TIMELINE_WINDOW
from bot.core.grammar.window import zone_name
from bot.core.timeline.merge import Moment, Summary, Timeline
from bot.core.timeline.operations import operation_words
from bot.core.timeline.records import Alarm, InstanceDetail, Trace
from bot.core.timeline.sources import Gap
from bot.i18n import Lang, t, tn
from bot.i18n.labels import instance_status_label, window_label
from bot.views.format import duration_text, local_time, shown_name, shown_status
from bot.views.kit import (
    Message,
    button,
    context,
    date_token,
    header,
    instance_label,
    md,
    message,
    one_line,
    pack_lines,
    section,
    task_emoji,
)
from bot.views.limits import BUTTON_VALUE, clip, escape
from bot.views.readable import NAME, USER

# The moments one message shows; more go to the export (the most important kept here).
SHOWN_MOMENTS = 30
# Sections of moment lines: with the header, gaps and buttons, well within 50 blocks.
_MOMENT_SECTIONS = 12
_TIME = "{time}"
_FAILED = ":x:"
_INCIDENT = ":rotating_light:"
_TRACE = ":pencil2:"
_ALARM_RAISED = ":bell:"
_ALARM_RECOVERED = ":white_check_mark:"
_NUMBER = 20


def timeline_message(
    timeline: Timeline,
    state: QueryState,
    *,
    tz: tzinfo,
    now: datetime,
    lang: Lang = "en",
    limit: int = SHOWN_MOMENTS,
) -> Message:
    name = instance_label(timeline.instance_name, timeline.instance_id, lang)
    window = window_label(state.window_text or TIMELINE_WINDOW, lang)
    condensed = timeline.condense(limit)
    blocks: list[Block] = [
        header(t(lang, "timeline.title", instance=clip(name, 100, mrkdwn=False), window=window)),
        *_now_blocks(timeline, lang),
        context(summary_text(condensed.summary, lang)),
    ]
    blocks += [context(gap_text(gap, tz, lang)) for gap in timeline.gaps[:5]]
    lines = [moment_line(m, tz, lang) for m in condensed.shown]
    if lines:
        sections, _ = pack_lines(lines, _MOMENT_SECTIONS)
        blocks += [section(text) for text in sections]
    else:
        blocks.append(section(t(lang, "timeline.empty", instance=md(name, NAME))))
    if condensed.rest:
        blocks.append(context(tn(lang, "timeline.rest", len(condensed.rest))))
    actions = _actions(state, lang)
    if actions is not None:
        blocks.append(actions)
    text = t(
        lang,
        "timeline.text",
        instance=name,
        window=window,
        summary=summary_text(condensed.summary, lang),
    )
    return message(escape(one_line(text)), blocks)


def export_note(timeline: Timeline, *, tz: tzinfo, lang: Lang = "en") -> Message:
    """Said in the thread with the exported files."""
    name = instance_label(timeline.instance_name, timeline.instance_id, lang)
    window = f"{local_time(timeline.begin, tz)} – {local_time(timeline.end, tz)} {zone_name(tz)}"
    count = len(timeline.moments)
    text = t(lang, "timeline.export.done", count=count, instance=md(name, NAME), window=window)
    return message(escape(one_line(text)), [section(text)])


def summary_text(summary: Summary, lang: Lang) -> str:
    text = t(
        lang,
        "timeline.summary",
        tasks=summary.tasks,
        traces=summary.traces,
        alarms=summary.alarms,
        failures=summary.failures,
    )
    if summary.incidents:
        text = tn(lang, "timeline.summary.incidents", summary.incidents, summary=text)
    return text


def gap_text(gap: Gap, tz: tzinfo, lang: Lang) -> str:
    """What one source could not give, and what to do about it: one line."""
    what = t(lang, f"timeline.source.{gap.source}")
    since = local_time(gap.since, tz) if gap.since is not None else "-"
    said = t(
        lang,
        f"timeline.gap.{gap.reason}",
        what=what,
        permission=gap.permission,
        region=md(gap.region or "-", NAME),
        since=since,
    )
    return f":warning: {said}"


def _now_blocks(timeline: Timeline, lang: Lang) -> list[Block]:
    detail = timeline.detail
    parts = _detail_parts(detail, lang) if detail is not None else []
    if timeline.active_alarms:
        parts.append(tn(lang, "timeline.active_alarms", len(timeline.active_alarms)))
    return [section(" · ".join(parts))] if parts else []


def _detail_parts(detail: InstanceDetail, lang: Lang) -> list[str]:
    parts = []
    if detail.status:
        status = md(instance_status_label(detail.status, lang), NAME)
        parts.append(t(lang, "timeline.now", status=status))
    if detail.specification:
        parts.append(t(lang, "timeline.spec", spec=md(detail.specification, NAME)))
    if detail.maintain_begin and detail.maintain_end:
        begin, end = md(detail.maintain_begin, NAME), md(detail.maintain_end, NAME)
        parts.append(t(lang, "timeline.maintenance", begin=begin, end=end))
    return parts


# --- one line per moment --------------------------------------------------------------


def moment_line(moment: Moment, tz: tzinfo, lang: Lang) -> str:
    when = date_token(moment.at, tz, _TIME)
    if moment.kind == "task":
        body = _task_text(moment, lang)
    elif moment.alarm is not None:
        body = _alarm_text(moment, moment.alarm, lang)
    else:
        body = _trace_text(moment.traces[0], lang) if moment.traces else ""
    line = f"{_mark(moment)} {when} · {body}"
    # Failures and incidents stand out: bold, after their mark.
    return f"*{line}*" if moment.important and "*" not in body else line


def _mark(moment: Moment) -> str:
    if moment.incident:
        return _INCIDENT
    if moment.task is not None:
        return task_emoji(moment.task)
    if moment.alarm is not None:
        return _ALARM_RAISED if moment.event == "raised" else _ALARM_RECOVERED
    return _FAILED if moment.failed else _TRACE


def _task_text(moment: Moment, lang: Lang) -> str:
    task = moment.task
    assert task is not None  # a task moment has its task
    parts = [md(shown_name(task.name, lang), NAME)]
    if moment.event == "finished":
        parts.append(t(lang, "timeline.ended", status=md(shown_status(task.status, lang), NAME)))
    else:
        parts.append(t(lang, "timeline.running"))
    if moment.duration is not None:
        parts.append(duration_text(moment.duration, lang))
    parts += _who_parts(moment.who, moment.asked_by, lang)
    if moment.incident:
        parts.append(t(lang, "timeline.incident"))
    return " · ".join(parts)


def _trace_text(trace: Trace, lang: Lang) -> str:
    parts = [md(operation_words(lang, trace.name), NAME)]
    parts += _who_parts(trace.user_name, trace, lang)
    parts.append(t(lang, "timeline.trace.failed" if trace.failed else "timeline.trace.ok"))
    if trace.incident:
        parts.append(t(lang, "timeline.incident"))
    return " · ".join(parts)


def _who_parts(who: str, trace: Trace | None, lang: Lang) -> list[str]:
    parts = [t(lang, "timeline.by", who=md(who, USER))] if who else []
    if trace is not None:
        if trace.source_ip:
            parts.append(t(lang, "timeline.from", ip=md(trace.source_ip, NAME)))
        parts.append(t(lang, f"timeline.via.{via(trace)}"))
    return parts


def via(trace: Trace) -> str:
    """console, api or system: how the operation reached the cloud."""
    if trace.from_console:
        return "console"
    return "system" if trace.source_type == "SystemAction" else "api"


def _alarm_text(moment: Moment, alarm: Alarm, lang: Lang) -> str:
    key = "timeline.alarm.raised" if moment.event == "raised" else "timeline.alarm.recovered"
    parts = [t(lang, key, rule=md(alarm.rule_name or alarm.alarm_id or "-", NAME))]
    if alarm.metric_name:
        parts.append(alarm_value(alarm, lang))
    if alarm.level is not None:
        parts.append(t(lang, f"timeline.alarm.level.{alarm.level}"))
    if moment.event == "recovered" and moment.duration is not None:
        parts.append(duration_text(moment.duration, lang))
    return " · ".join(parts)


def alarm_value(alarm: Alarm, lang: Lang) -> str:
    value = _number(alarm.value, alarm.unit)
    text = t(lang, "timeline.alarm.value", metric=md(alarm.metric_name, NAME), value=value)
    if alarm.threshold is not None:
        threshold = _number(alarm.threshold, alarm.unit)
        comparison = md(alarm.comparison, _NUMBER)
        text += " " + t(
            lang, "timeline.alarm.threshold", comparison=comparison, threshold=threshold
        )
    return text


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    shown = f"{value:g}" if value != int(value) else f"{int(value)}"
    # "85%", but "412000 count": a word is spaced from its number.
    spaced = f"{shown} {unit}" if unit[:1].isalpha() else f"{shown}{unit}"
    return md(spaced.strip(), _NUMBER)


def _actions(state: QueryState, lang: Lang) -> ActionsBlock | None:
    value = state.encode()
    if len(value) > BUTTON_VALUE:
        return None
    return ActionsBlock(
        elements=[
            button(t(lang, "button.refresh"), TIMELINE_REFRESH, value, lang=lang),
            button(t(lang, "button.export"), EXPORT, value, lang=lang),
        ]
    )
