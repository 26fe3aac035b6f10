"""The whole timeline for a postmortem: every moment, not only those a message holds,
as CSV (one row per moment, for a spreadsheet), Markdown (for the write-up) and JSON
(``python -m bot timeline ... --json``). The Export button uploads the first two into
the thread; the CLI prints any of them.

Cells are outside text (DMS, CTS and CES wrote them): one line each, and a CSV cell
that a spreadsheet would run as a formula is quoted as text.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.core.timeline.merge import Moment, Timeline
from bot.core.timeline.operations import operation_words
from bot.i18n import Lang, t
from bot.i18n.labels import instance_status_label
from bot.views.format import shown_name, shown_status
from bot.views.kit import instance_label, one_line
from bot.views.safe_text import visible
from bot.views.timeline import gap_text, summary_text, via

COLUMNS = (
    "time",
    "kind",
    "event",
    "what",
    "status",
    "duration_s",
    "who",
    "source_ip",
    "via",
    "failed",
    "incident",
    "task_id",
    "trace_ids",
    "alarm_level",
    "metric",
    "value",
)
# Numbers, written by us: never read as formulas.
_NUMERIC = frozenset({"duration_s", "alarm_level", "value"})
# A cell starting with one of these is a formula to a spreadsheet.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFile:
    """One file to upload (or print): its name, title and text."""

    filename: str
    title: str
    content: str
    filetype: str


def export_files(timeline: Timeline, *, tz: tzinfo, lang: Lang = "en") -> tuple[ExportFile, ...]:
    name = instance_label(timeline.instance_name, timeline.instance_id, lang)
    stem = f"{_safe_stem(name)}-timeline-{timeline.end.astimezone(UTC):%Y%m%dT%H%MZ}"
    window = f"{_time(timeline.begin, tz)} – {_time(timeline.end, tz)}"
    title = t(lang, "timeline.export.title", instance=name, window=window)
    return (
        ExportFile(f"{stem}.csv", title, timeline_csv(timeline, lang=lang), "csv"),
        ExportFile(f"{stem}.md", title, timeline_markdown(timeline, tz=tz, lang=lang), "markdown"),
    )


def rows(timeline: Timeline, *, lang: Lang = "en") -> list[dict[str, str]]:
    """Every moment as a row of ``COLUMNS``, newest first; times in UTC (ISO 8601)."""
    return [_row(moment, lang) for moment in timeline.moments]


def timeline_csv(timeline: Timeline, *, lang: Lang = "en") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows(timeline, lang=lang):
        writer.writerow(
            {key: value if key in _NUMERIC else _cell(value) for key, value in row.items()}
        )
    return out.getvalue()


def timeline_markdown(timeline: Timeline, *, tz: tzinfo, lang: Lang = "en") -> str:
    name = instance_label(timeline.instance_name, timeline.instance_id, lang)
    window = f"{_time(timeline.begin, tz)} – {_time(timeline.end, tz)}"
    lines = [f"# {_md(t(lang, 'timeline.export.title', instance=name, window=window))}", ""]
    detail = timeline.detail
    if detail is not None:
        status = instance_status_label(detail.status, lang) if detail.status else "-"
        lines.append(f"- {t(lang, 'timeline.now', status=_md(status))}")
        if detail.specification:
            lines.append(f"- {t(lang, 'timeline.spec', spec=_md(detail.specification))}")
    lines.append(f"- {summary_text(timeline.summary(), lang)}")
    lines += [f"- {_md(gap_text(gap, tz, lang))}" for gap in timeline.gaps]
    header = ("time", "what", "status", "who", "source_ip", "via", "duration_s")
    lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows(timeline, lang=lang):
        shown = {**row, "time": _time(datetime.fromisoformat(row["time"]), tz)}
        lines.append("| " + " | ".join(_md(shown[key]) or " " for key in header) + " |")
    return "\n".join(lines) + "\n"


def timeline_json(timeline: Timeline, *, lang: Lang = "en") -> str:
    detail = timeline.detail
    data: dict[str, Any] = {
        "instance_id": timeline.instance_id,
        "instance_name": timeline.instance_name,
        "begin": timeline.begin.astimezone(UTC).isoformat(),
        "end": timeline.end.astimezone(UTC).isoformat(),
        "status": detail.status if detail else None,
        "specification": detail.specification if detail else None,
        "gaps": [
            {"source": g.source, "reason": g.reason, "permission": g.permission, "detail": g.detail}
            for g in timeline.gaps
        ],
        "moments": rows(timeline, lang=lang),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _row(moment: Moment, lang: Lang) -> dict[str, str]:
    task, alarm, asked = moment.task, moment.alarm, moment.asked_by
    if task is not None:
        what, status = shown_name(task.name, lang), shown_status(task.status, lang)
    elif alarm is not None:
        what, status = alarm.rule_name or alarm.alarm_id, alarm.status
    else:
        trace = moment.traces[0]
        what = operation_words(lang, trace.name)
        status = t(lang, "timeline.trace.failed" if trace.failed else "timeline.trace.ok")
    duration = moment.duration
    return {
        "time": moment.at.astimezone(UTC).isoformat(),
        "kind": moment.kind,
        "event": moment.event,
        "what": what,
        "status": status,
        "duration_s": "" if duration is None else str(int(duration.total_seconds())),
        "who": moment.who,
        "source_ip": asked.source_ip if asked else "",
        "via": via(asked) if asked else "",
        "failed": "yes" if moment.failed else "",
        "incident": "yes" if moment.incident else "",
        "task_id": task.id if task else "",
        "trace_ids": " ".join(trace.id for trace in moment.traces),
        "alarm_level": str(alarm.level) if alarm and alarm.level is not None else "",
        "metric": alarm.metric_name if alarm else "",
        "value": "" if alarm is None or alarm.value is None else f"{alarm.value:g}",
    }


def _cell(value: str) -> str:
    # Invisible characters first: the CLI drops them when printing, and one leading a
    # formula would otherwise hide it from the quoting here.
    value = one_line(visible(value))
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _md(text: str) -> str:
    """One line for a Markdown table cell: pipes and markup written as text (brackets
    too: ``[x](url)`` is a link, ``![x](url)`` an image a viewer would load)."""
    text = one_line(text)
    for char in ("\\", "|", "`", "<", ">", "*", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text


def _time(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M:%S %z")


def _safe_stem(name: str) -> str:
    kept = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in name)
    return kept.strip("-.")[:64] or "instance"
