"""Messages of watching: task-finished notifications, digests, status threads, and
what is said when DMS or the access rules stop them for a while.

These are posted without anyone asking at that moment, often into busy channels, so
each says exactly what happened and where, in one glance. Like every view, each builder
returns a ``Message`` that passes ``limits.check_message`` for any input: task names,
users, params and failure reasons come from DMS, and Slack drops the whole message for
one bad block. The subscription messages themselves are in ``bot.views.subscriptions``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from slack_sdk.models.blocks import Block, ButtonElement

from bot.core.actions import DETAILS, TaskRef
from bot.core.dms.models import Task, TaskStatus
from bot.core.durations import SlowRun
from bot.core.redact import mentions_secret, redact
from bot.i18n import Lang, t, tn
from bot.views.format import (
    duration_text,
    ordered_statuses,
    shown_name,
    shown_status,
    slow_text,
    task_duration,
    user_text,
)
from bot.views.kit import (
    STATUS_EMOJI,
    UNKNOWN_STATUS_EMOJI,
    Message,
    button,
    code,
    command,
    context,
    date_token,
    header,
    instance_label,
    md,
    message,
    one_line,
    section,
    target,
    task_emoji,
    times,
)
from bot.views.limits import BUTTON_VALUE, clip, escape
from bot.views.readable import NAME, REASON, STATUS, USER

# Tasks of a digest given a line of their own; the rest share one clipped section, so
# a burst of hundreds still fits Slack's 50 blocks.
DIGEST_LINES = 20
# The params summary of a notification: the first few keys, and no longer than a line.
PARAM_KEYS = 3
PARAMS_SUMMARY = 200
_PARAM_VALUE = 60
# Still-running task names named in a thread's closing note.
_RUNNING_NAMES = 10


# --- shared pieces ---------------------------------------------------------------------


def _details(instance_id: str, task: Task, lang: Lang = "en") -> ButtonElement | None:
    value = TaskRef(instance_id, task.id).encode()
    # A task without an id, or one too long for a button value, cannot be looked up.
    if not task.id or len(value) > BUTTON_VALUE:
        return None
    return button(t(lang, "button.details"), DETAILS, value, lang=lang)


def _ran(
    task: Task, tz: tzinfo, now: datetime, lang: Lang, slow: SlowRun | None = None
) -> list[str]:
    """When the task started and how long it ran (against its usual, when far longer),
    as the parts a line shows."""
    parts = []
    if task.created_at is not None:
        parts.append(t(lang, "started_at", date=date_token(task.created_at, tz)))
    duration = task_duration(task, now, lang)
    if slow is not None:
        parts.append(slow_text(slow, lang))
    elif duration != "-":
        parts.append(t(lang, "took", duration=duration))
    return parts


def _finished_line(task: Task, tz: tzinfo, now: datetime, lang: Lang) -> str:
    """One task: what it is, who started it, when, and how long it ran."""
    name = md(shown_name(task.name, lang), NAME)
    # The status a field of its own, as in an answer's rows: not run into the name.
    parts = [f"{task_emoji(task)} *{name}*", md(shown_status(task.status, lang), STATUS)]
    parts.append(md(user_text(task), USER))
    parts += _ran(task, tz, now, lang)
    return " · ".join(parts)


def params_summary(params: Any, *, lang: Lang = "en") -> str | None:
    """A one-line taste of a task's params, secrets masked: the first few keys.

    None when there is nothing to show. Unescaped and unclipped past the per-value cut:
    the caller escapes it for where it goes.
    """
    shown = redact(params)
    if shown is None or shown in ("", {}, []):
        return None
    if isinstance(shown, dict):
        items = list(shown.items())
        text = ", ".join(f"{key}={_param_value(value)}" for key, value in items[:PARAM_KEYS])
        if len(items) > PARAM_KEYS:
            text = t(lang, "watch.params_more", shown=text, count=len(items) - PARAM_KEYS)
    elif isinstance(shown, str):
        # Prose that names a secret without a value redact could mask ("reset password
        # to ..."): a channel notification is read by many, so it is not shown at all.
        if mentions_secret(shown):
            return t(lang, "watch.params_hidden")
        text = shown
    else:
        text = _param_value(shown)
    return one_line(text) or None


def _param_value(value: Any) -> str:
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    )
    # Cut each value on its own, so one huge value does not crowd out the other keys.
    return clip(one_line(text), _PARAM_VALUE, mrkdwn=False)


# --- task-finished notifications -------------------------------------------------------


def task_finished_message(
    task: Task,
    *,
    instance_id: str,
    instance_name: str,
    tz: tzinfo,
    now: datetime,
    lang: Lang = "en",
    slow: SlowRun | None = None,
) -> Message:
    """One finished task, for a subscribed channel."""
    name = instance_label(instance_name, instance_id, lang)
    task_name, status = shown_name(task.name, lang), shown_status(task.status, lang)
    head = t(
        lang,
        "finished.head",
        emoji=task_emoji(task),
        task=md(task_name, NAME),
        status=md(status, STATUS),
        instance=md(name, NAME),
    )
    details = [md(user_text(task), USER), *_ran(task, tz, now, lang, slow)]
    blocks: list[Block] = [
        section(f"{head}\n{' · '.join(details)}", _details(instance_id, task, lang))
    ]
    summary = params_summary(task.params, lang=lang)
    if summary is not None:
        blocks.append(context(t(lang, "watch.params", summary=code(summary, PARAMS_SUMMARY))))
    duration = task_duration(task, now, lang)
    text = _outcome_text(
        "finished.text", "finished.text_took", task, task_name, status, name, duration, lang
    )
    return message(escape(one_line(text)), blocks)


def digest_message(
    tasks: Sequence[Task],
    *,
    instance_id: str,
    instance_name: str,
    tz: tzinfo,
    now: datetime,
    lang: Lang = "en",
) -> Message:
    """Many tasks finished in one poll: one message, failures first."""
    name = instance_label(instance_name, instance_id, lang)
    counts = _counts_text(tasks, lang)
    title = tn(lang, "digest.header", len(tasks), instance=clip(name, 100, mrkdwn=False))
    blocks: list[Block] = [header(title)]
    if counts:
        blocks.append(section(counts))
    # Failed first, otherwise in the order given (the poller's, newest first); stable.
    ordered = sorted(tasks, key=lambda task: not task.failed)
    shown, rest = ordered[:DIGEST_LINES], ordered[DIGEST_LINES:]
    for task in shown:
        # Only a failure is worth a click from a digest; a button each would be noise.
        details = _details(instance_id, task, lang) if task.failed else None
        blocks.append(section(_finished_line(task, tz, now, lang), details))
    if rest:
        # A burst is mostly the same few tasks: a count per name and status reads faster
        # than hundreds of repeats, and leaves room for the rarer ones before the cut.
        same = _tally(
            (shown_name(task.name, lang), shown_status(task.status, lang)) for task in rest
        )
        listed = t(lang, "sep.list").join(
            times(f"{md(n, 60)} {md(s, STATUS)}", k, lang) for (n, s), k in same.items()
        )
        blocks.append(section(t(lang, "digest.more", count=len(rest), listed=listed)))
        typed = command(target(instance_name, instance_id), "task", escape("<task-id>"))
        blocks.append(context(t(lang, "digest.any_details", command=typed)))
    text = tn(lang, "digest.header", len(tasks), instance=name)
    if tasks:
        text += t(lang, "sep.colon") + t(lang, "sep.list").join(
            t(lang, "count_status", count=n, status=shown_status(s, lang))
            for s, n in _ordered_counts(tasks)
        )
    return message(clip(escape(one_line(text)), 1000), blocks)


def _ordered_counts(tasks: Sequence[Task]) -> list[tuple[str, int]]:
    counts = {status: n for (status,), n in _tally((task.status,) for task in tasks).items()}
    return [(s, counts[s]) for s in ordered_statuses(counts)]


def _tally(keys: Iterable[tuple[str, ...]]) -> Counter[tuple[str, ...]]:
    """Counts by the one-line form of each key. Only distinct keys are normalised: a
    burst repeats the same few names, and DMS text can be long."""
    merged: Counter[tuple[str, ...]] = Counter()
    for key, n in Counter(keys).items():
        merged[tuple(one_line(part) for part in key)] += n
    return merged


def _counts_text(tasks: Sequence[Task], lang: Lang) -> str:
    parts = []
    for status, n in _ordered_counts(tasks):
        emoji = STATUS_EMOJI.get(status, UNKNOWN_STATUS_EMOJI)
        shown = t(lang, "count_status", count=n, status=md(shown_status(status, lang), STATUS))
        parts.append(f"{emoji} *{shown}*" if status == TaskStatus.FAILED else f"{emoji} {shown}")
    return " · ".join(parts)


# --- status threads --------------------------------------------------------------------


def thread_reply_message(
    task: Task,
    *,
    instance_id: str,
    instance_name: str,
    tz: tzinfo,
    now: datetime,
    lang: Lang = "en",
) -> Message:
    """A followed task has finished: a short reply in the answer's thread."""
    task_name, status = shown_name(task.name, lang), shown_status(task.status, lang)
    name, shown_status_ = md(task_name, NAME), md(status, STATUS)
    if task.failed:
        line = t(lang, "reply.failed", task=name, status=shown_status_)
    elif task.terminal:
        line = t(lang, "reply.finished", task=name, status=shown_status_)
    else:
        line = t(lang, "reply.now", task=name, status=shown_status_)
    duration = task_duration(task, now, lang)
    if duration != "-":
        key = "reply.after" if task.terminal else "reply.so_far"
        line = t(lang, key, line=line, duration=duration)
    if task.terminal and task.updated_at is not None:
        line += f" · {date_token(task.updated_at, tz, '{time_secs}')}"
    blocks = [section(f"{task_emoji(task)} {line}", _details(instance_id, task, lang))]
    instance = instance_label(instance_name, instance_id, lang)
    text = _outcome_text(
        "reply.text", "reply.text_after", task, task_name, status, instance, duration, lang
    )
    return message(escape(one_line(text)), blocks)


def _outcome_text(
    key: str,
    key_with_duration: str,
    task: Task,
    task_name: str,
    status: str,
    instance: str,
    duration: str,
    lang: Lang,
) -> str:
    """A finished task's one-line fallback text, with how long it took when known."""
    fields = {
        "emoji": task_emoji(task),
        "task": one_line(task_name),
        "status": one_line(status),
        "instance": instance,
    }
    if duration != "-":
        return t(lang, key_with_duration, duration=duration, **fields)
    return t(lang, key, **fields)


def thread_closed_message(
    still_running: Sequence[Task],
    *,
    instance_name: str,
    hours: float,
    instance_id: str = "",
    lang: Lang = "en",
) -> Message:
    """The last note when a status thread stops being followed.

    ``instance_id`` lets the "ask again" command name the instance by id when its name
    cannot be typed.
    """
    after = _hours_text(hours, lang)
    typed = command(target(instance_name, instance_id))
    if still_running:
        per_name = _tally((shown_name(task.name, lang),) for task in still_running)
        named = t(lang, "sep.list").join(
            times(md(n, 60), k, lang) for (n,), k in list(per_name.items())[:_RUNNING_NAMES]
        )
        if len(per_name) > _RUNNING_NAMES:
            named = t(lang, "closed.names_more", named=named, count=len(per_name) - _RUNNING_NAMES)
        state = t(lang, "closed.still_running", named=named)
    else:
        state = t(lang, "closed.none_running")
    line = t(lang, "closed.line", after=after, state=state, command=typed)
    name = instance_label(instance_name, instance_id, lang)
    text = t(lang, "closed.text", instance=name, after=after)
    return message(escape(one_line(text)), [section(line)])


def _hours_text(hours: float, lang: Lang = "en") -> str:
    if not math.isfinite(hours) or hours < 0:
        return t(lang, "closed.a_while")
    if hours >= 1 and float(hours).is_integer():
        return t(lang, "closed.hours", hours=int(hours))
    return duration_text(timedelta(hours=min(hours, 10**6)), lang)


# --- DMS reachability ------------------------------------------------------------------


def unreachable_message(
    instance_name: str, reason: str, *, since: datetime, tz: tzinfo, lang: Lang = "en"
) -> Message:
    """Polling an instance keeps failing: say so once, and that nothing is lost."""
    name = one_line(instance_name) or t(lang, "unreachable.the_instance")
    no_answer = t(lang, "unreachable.no_answer")
    line = t(
        lang,
        "unreachable.line",
        instance=md(name, NAME),
        date=date_token(since, tz),
        why=md(reason, REASON) or no_answer,
    )
    text = t(lang, "unreachable.text", instance=name, why=one_line(reason) or no_answer)
    return message(clip(escape(text), 500), [section(line)])


def reachable_again_message(
    instance_name: str, *, down_for: timedelta, lang: Lang = "en"
) -> Message:
    name = one_line(instance_name) or t(lang, "reachable.the_instance")
    after = duration_text(max(down_for, timedelta(0)), lang)
    line = t(lang, "reachable.line", instance=md(name, NAME), after=after)
    return message(escape(t(lang, "reachable.text", instance=name, after=after)), [section(line)])


# --- paused by the access rules ----------------------------------------------------------


def subscription_paused_message(instance_name: str, *, lang: Lang = "en") -> Message:
    """Said once when the rules stop a subscription: why the channel goes quiet."""
    return _access_notice("paused", instance_name, lang)


def subscription_resumed_message(instance_name: str, *, lang: Lang = "en") -> Message:
    return _access_notice("resumed", instance_name, lang)


def _access_notice(kind: str, instance_name: str, lang: Lang) -> Message:
    name = one_line(instance_name) or t(lang, "unnamed_instance")
    line = t(lang, f"{kind}.line", instance=md(name, NAME))
    return message(escape(t(lang, f"{kind}.text", instance=name)), [section(line)])
