"""Messages of watching: subscriptions, task-finished notifications, status threads.

These are posted without anyone asking at that moment, often into busy channels, so
each says exactly what happened and where, in one glance, and how to stop it. Like
every view, each builder returns a ``Message`` that passes ``limits.check_message`` for
any input: task names, users, params and failure reasons come from DMS, globs and
instance names from users, and Slack drops the whole message for one bad block.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal

from slack_sdk.models.blocks import Block, ButtonElement

from bot.actions import DETAILS, TaskRef
from bot.dms.models import Task, TaskStatus
from bot.redact import is_secret_key, redact
from bot.store.models import Subscription
from bot.views.blocks import (
    STATUS_EMOJI,
    UNKNOWN_STATUS_EMOJI,
    Message,
    _button,
    _context,
    _header,
    _message,
    _plural,
    _section,
    date_token,
    md,
    one_line,
)
from bot.views.format import STATUS_ORDER, duration_text, task_duration, user_text
from bot.views.limits import BUTTON_VALUE, SECTION_TEXT, clip, escape

Scope = Literal["failed", "all"]

COMMAND = "/kafka-tasks"
# Subscriptions listed one line each; past this the list is summed up, not shown.
MAX_LISTED_SUBSCRIPTIONS = 40
# Tasks of a digest given a line of their own; the rest share one clipped section, so
# a burst of hundreds still fits Slack's 50 blocks.
DIGEST_LINES = 20
# The params summary of a notification: the first few keys, and no longer than a line.
PARAM_KEYS = 3
PARAMS_SUMMARY = 200
_PARAM_VALUE = 60
# Still-running task names named in a thread's closing note.
_RUNNING_NAMES = 10

# Lengths that keep one line readable; the block limits are far above them.
_NAME = 150
_USER = 60
_STATUS = 40
_ID = 120
_GLOB = 200
_REASON = 500

# Slack ids as Slack sends them; anything else (the shell's pseudo-channel, a test
# value, garbage) is shown as text, never wrapped in <...> where it could mention.
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")
_DM_ID = re.compile(r"D[A-Z0-9]{2,}")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
# The grammar splits on whitespace: only a name without any can be typed back.
_TYPABLE = re.compile(r"[^\s`]+")


# The store's record is a plain frozen dataclass (no database in it): the views read it
# as it is rather than through a copy of the same fields.
SubscriptionView = Subscription


# --- shared pieces ---------------------------------------------------------------------


def _label(name: str, instance_id: str) -> str:
    return one_line(name) or one_line(instance_id) or "(unnamed instance)"


def _code(text: str, limit: int) -> str:
    """Outside text as inline code, so ``*`` and ``_`` in a glob are not read as bold or
    italic. mrkdwn has no escape for a backtick inside code; a look-alike keeps it whole."""
    return f"`{md(text.replace('`', 'ˋ'), limit) or ' '}`"


def _command(*words: str) -> str:
    """A command the reader can copy; ``words`` are already escaped."""
    return f"`{COMMAND} {' '.join(words)}`"


def _target(name: str, instance_id: str) -> str:
    """How to name the instance in a command: the name when it can be typed, else the id
    (which the grammar accepts too)."""
    for candidate in (name, instance_id):
        if _TYPABLE.fullmatch(candidate):
            return md(candidate, _NAME)
    return escape("<instance>")


def _channel(channel: str) -> str:
    if _CHANNEL_ID.fullmatch(channel):
        return f"This channel (<#{channel}>)"
    if _DM_ID.fullmatch(channel):
        return "This conversation"
    shown = md(channel, _ID)
    return f"This channel ({_code(channel, _ID)})" if shown else "This channel"


def _user(user: str) -> str:
    if _USER_ID.fullmatch(user):
        return f"<@{user}>"
    return md(user, _USER) or "someone"


def _scope_text(scope: Scope, name_glob: str | None) -> str:
    """The outcome and name filter, as the end of "each time a task ... finishes"."""
    text = "finishes FAILED" if scope == "failed" else "finishes (any outcome)"
    if name_glob:
        # Mirrors service.name_matches: wildcards match whole names, plain text anywhere.
        verb = "matches" if any(ch in name_glob for ch in "*?[") else "contains"
        text += f" whose name {verb} {_code(name_glob, _GLOB)}"
    return text


def _subscribe_words(sub: SubscriptionView) -> list[str]:
    words = ["subscribe", _target(sub.instance_name, sub.instance_id), sub.scope]
    if sub.name_glob and _TYPABLE.fullmatch(sub.name_glob):
        words += ["name", md(sub.name_glob, _GLOB)]
    return words


def _emoji(task: Task) -> str:
    return STATUS_EMOJI.get(task.status, UNKNOWN_STATUS_EMOJI)


def _details(instance_id: str, task: Task) -> ButtonElement | None:
    value = TaskRef(instance_id, task.id).encode()
    # A task without an id, or one too long for a button value, cannot be looked up.
    if not task.id or len(value) > BUTTON_VALUE:
        return None
    return _button("Details", DETAILS, value)


def _finished_line(task: Task, tz: tzinfo, now: datetime) -> str:
    """One task: what it is, who started it, when, and how long it ran."""
    parts = [f"{_emoji(task)} *{md(task.name, _NAME)}* {md(task.status, _STATUS)}"]
    parts.append(md(user_text(task), _USER))
    if task.created_at is not None:
        parts.append(f"started {date_token(task.created_at, tz)}")
    duration = task_duration(task, now)
    if duration != "-":
        parts.append(f"took {duration}")
    return " · ".join(parts)


def params_summary(params: Any) -> str | None:
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
            text += f", … (+{len(items) - PARAM_KEYS} more)"
    elif isinstance(shown, str):
        # Text params are not JSON, so redact cannot find the secrets in them; a channel
        # notification is read by many, so text that names one is not shown at all.
        if is_secret_key(shown):
            return "(hidden: may hold a secret; see Details)"
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


# --- subscriptions ---------------------------------------------------------------------


def subscribed_message(sub: SubscriptionView, *, created: bool, tz: tzinfo) -> Message:
    """The confirmation: exactly what will be posted where, and how to stop it."""
    name = _label(sub.instance_name, sub.instance_id)
    what = (
        f"{_channel(sub.channel)} will get a message each time a task on "
        f"*{md(name, _NAME)}* {_scope_text(sub.scope, sub.name_glob)}."
    )
    if created:
        head = f":bell: {what}"
        # The design's baseline rule, said up front so nobody waits for old failures.
        note = "Tasks that finished before now are not replayed."
    else:
        head = f":bell: Updated: {what[0].lower()}{what[1:]}"
        note = "This replaces the channel's earlier subscription to this instance."
    blocks: list[Block] = [
        _section(f"{head}\nWhen many finish at once they come as one digest. {note}"),
        _context(
            f"Set up by {_user(sub.created_by)} {date_token(sub.created_at, tz)}",
            f"Instance `{md(sub.instance_id, _ID)}`",
        ),
        _context(
            f"To stop: {_command('unsubscribe', _target(sub.instance_name, sub.instance_id))}"
            f" · to list: {_command('subscriptions')}"
        ),
    ]
    outcome = "FAILED" if sub.scope == "failed" else "(any outcome)"
    text = f"{'Subscribed' if created else 'Updated'}: tasks on {name} that finish {outcome}"
    if sub.name_glob:
        text += f" whose name matches {one_line(sub.name_glob)}"
    return _message(escape(one_line(text)), blocks)


def unsubscribed_message(sub: SubscriptionView | None, instance: str, channel: str) -> Message:
    """After ``unsubscribe``: what stopped, or that there was nothing to stop."""
    if sub is None:
        name = one_line(instance) or "this instance"
        blocks: list[Block] = [
            _section(
                f"{_channel(channel)} was not subscribed to *{md(name, _NAME)}*; nothing changed."
            ),
            _context(f"See this channel's subscriptions with {_command('subscriptions')}."),
        ]
        return _message(escape(f"This channel was not subscribed to {name}"), blocks)
    name = _label(sub.instance_name, sub.instance_id)
    blocks = [
        _section(
            f":no_bell: {_channel(sub.channel or channel)} will no longer get messages about "
            f"tasks on *{md(name, _NAME)}* (it got one each time a task "
            f"{_scope_text(sub.scope, sub.name_glob)})."
        ),
        _context(f"To subscribe again: {_command(*_subscribe_words(sub))}"),
    ]
    return _message(escape(f"Unsubscribed from {name}"), blocks)


def subscriptions_message(subs: Sequence[SubscriptionView], channel: str, *, tz: tzinfo) -> Message:
    """This channel's subscriptions: what each sends, who set it up and when."""
    example = _command("subscribe", escape("<instance> [failed|all] [name <glob>]"))
    if not subs:
        blocks: list[Block] = [
            _section(
                f"{_channel(channel)} has no task notifications.\n"
                f"Subscribe with {example}, e.g. {_command('subscribe', 'prod-orders', 'failed')}."
            )
        ]
        return _message("This channel has no task notifications", blocks)
    lines = []
    for sub in subs[:MAX_LISTED_SUBSCRIPTIONS]:
        name = _label(sub.instance_name, sub.instance_id)
        scope = "FAILED only" if sub.scope == "failed" else "any outcome"
        line = f"• *{md(name, _NAME)}* `{md(sub.instance_id, _ID)}` · {scope}"
        if sub.name_glob:
            line += f" · name {_code(sub.name_glob, _GLOB)}"
        line += f" · by {_user(sub.created_by)} {date_token(sub.created_at, tz)}"
        lines.append(line)
    # Lines packed into as few sections as fit; 40 short lines need a handful at most.
    sections: list[str] = []
    for line in lines:
        if sections and len(sections[-1]) + 1 + len(line) <= SECTION_TEXT:
            sections[-1] += "\n" + line
        else:
            sections.append(line)
    blocks = [
        _header("Task notifications in this channel"),
        _context(f"{_channel(channel)} · {_plural(len(subs), 'subscription')}"),
        *(_section(text) for text in sections),
    ]
    tail = f"To stop one: {_command('unsubscribe', escape('<instance>'))}"
    if len(subs) > MAX_LISTED_SUBSCRIPTIONS:
        tail = f"… and {len(subs) - MAX_LISTED_SUBSCRIPTIONS} more. " + tail
    blocks.append(_context(tail))
    return _message(f"{_plural(len(subs), 'subscription')} in this channel", blocks)


# --- task-finished notifications -------------------------------------------------------


def task_finished_message(
    task: Task, *, instance_id: str, instance_name: str, tz: tzinfo, now: datetime
) -> Message:
    """One finished task, for a subscribed channel."""
    name = _label(instance_name, instance_id)
    head = (
        f"{_emoji(task)} *{md(task.name, _NAME)}* {md(task.status, _STATUS)} on *{md(name, _NAME)}*"
    )
    details = [md(user_text(task), _USER)]
    if task.created_at is not None:
        details.append(f"started {date_token(task.created_at, tz)}")
    duration = task_duration(task, now)
    if duration != "-":
        details.append(f"took {duration}")
    blocks: list[Block] = [_section(f"{head}\n{' · '.join(details)}", _details(instance_id, task))]
    summary = params_summary(task.params)
    if summary is not None:
        blocks.append(_context(f"params {_code(summary, PARAMS_SUMMARY)}"))
    text = f"{_emoji(task)} {one_line(task.name)} {one_line(task.status)} on {name}"
    if duration != "-":
        text += f" ({duration})"
    return _message(escape(one_line(text)), blocks)


def digest_message(
    tasks: Sequence[Task], *, instance_id: str, instance_name: str, tz: tzinfo, now: datetime
) -> Message:
    """Many tasks finished in one poll: one message, failures first."""
    name = _label(instance_name, instance_id)
    count = _plural(len(tasks), "task")
    counts = _counts_text(tasks)
    blocks: list[Block] = [_header(f"{count} finished on {clip(name, 100, mrkdwn=False)}")]
    if counts:
        blocks.append(_section(counts))
    # Failed first, otherwise in the order given (the poller's, newest first); stable.
    ordered = sorted(tasks, key=lambda t: not t.failed)
    shown, rest = ordered[:DIGEST_LINES], ordered[DIGEST_LINES:]
    for task in shown:
        # Only a failure is worth a click from a digest; a button each would be noise.
        button = _details(instance_id, task) if task.failed else None
        blocks.append(_section(_finished_line(task, tz, now), button))
    if rest:
        # A burst is mostly the same few tasks: a count per name and status reads faster
        # than hundreds of repeats, and leaves room for the rarer ones before the cut.
        same = _tally((t.name, t.status) for t in rest)
        listed = ", ".join(
            f"{md(n, 60)} {md(s, _STATUS)}" + (f" ×{k}" if k > 1 else "")
            for (n, s), k in same.items()
        )
        blocks.append(_section(f"… and {len(rest)} more: {listed}"))
        target = _target(instance_name, instance_id)
        blocks.append(
            _context(f"Any task's details: {_command(target, 'task', escape('<task-id>'))}")
        )
    text = f"{count} finished on {name}"
    if tasks:
        text += ": " + ", ".join(f"{n} {s}" for s, n in _ordered_counts(tasks))
    return _message(clip(escape(one_line(text)), 1000), blocks)


def _ordered_counts(tasks: Sequence[Task]) -> list[tuple[str, int]]:
    counts = {status: n for (status,), n in _tally((t.status,) for t in tasks).items()}
    known = [s.value for s in STATUS_ORDER if s.value in counts]
    return [(s, counts[s]) for s in known + sorted(s for s in counts if s not in known)]


def _tally(keys: Iterable[tuple[str, ...]]) -> Counter[tuple[str, ...]]:
    """Counts by the one-line form of each key. Only distinct keys are normalised: a
    burst repeats the same few names, and DMS text can be long."""
    merged: Counter[tuple[str, ...]] = Counter()
    for key, n in Counter(keys).items():
        merged[tuple(one_line(part) for part in key)] += n
    return merged


def _counts_text(tasks: Sequence[Task]) -> str:
    parts = []
    for status, n in _ordered_counts(tasks):
        emoji = STATUS_EMOJI.get(status, UNKNOWN_STATUS_EMOJI)
        shown = f"{n} {md(status, _STATUS)}"
        parts.append(f"{emoji} *{shown}*" if status == TaskStatus.FAILED else f"{emoji} {shown}")
    return " · ".join(parts)


# --- status threads --------------------------------------------------------------------


def thread_reply_message(
    task: Task, *, instance_id: str, instance_name: str, tz: tzinfo, now: datetime
) -> Message:
    """A followed task has finished: a short reply in the answer's thread."""
    name = md(task.name, _NAME)
    status = md(task.status, _STATUS)
    if task.failed:
        line = f"*{name}* {status}"
    elif task.terminal:
        line = f"*{name}* finished {status}"
    else:
        line = f"*{name}* is now {status}"
    duration = task_duration(task, now)
    if duration != "-":
        line += f" after {duration}" if task.terminal else f" ({duration})"
    if task.terminal and task.updated_at is not None:
        line += f" · {date_token(task.updated_at, tz, '{time_secs}')}"
    blocks = [_section(f"{_emoji(task)} {line}", _details(instance_id, task))]
    text = f"{_emoji(task)} {one_line(task.name)} {one_line(task.status)}"
    if duration != "-":
        text += f" after {duration}"
    text += f" on {_label(instance_name, instance_id)}"
    return _message(escape(one_line(text)), blocks)


def thread_closed_message(
    still_running: Sequence[Task], *, instance_name: str, hours: float, instance_id: str = ""
) -> Message:
    """The last note when a status thread stops being followed.

    ``instance_id`` lets the "ask again" command name the instance by id when its name
    cannot be typed.
    """
    after = _hours_text(hours)
    target = _target(instance_name, instance_id)
    if still_running:
        per_name = _tally((t.name,) for t in still_running)
        named = ", ".join(
            md(n, 60) + (f" ×{k}" if k > 1 else "")
            for (n,), k in list(per_name.items())[:_RUNNING_NAMES]
        )
        if len(per_name) > _RUNNING_NAMES:
            named += f" and {len(per_name) - _RUNNING_NAMES} more"
        state = f"still running: {named}"
    else:
        state = "nothing was left running"
    line = (
        f":zzz: Stopped following after {after}; {state}; "
        f"ask again with {_command(target)} for the latest."
    )
    text = f"Stopped following {_label(instance_name, instance_id)} after {after}"
    return _message(escape(one_line(text)), [_section(line)])


def _hours_text(hours: float) -> str:
    if not math.isfinite(hours) or hours < 0:
        return "a while"
    if hours >= 1 and float(hours).is_integer():
        return f"{int(hours)} h"
    return duration_text(timedelta(hours=min(hours, 10**6)))


# --- DMS reachability ------------------------------------------------------------------


def unreachable_message(instance_name: str, reason: str, *, since: datetime, tz: tzinfo) -> Message:
    """Polling an instance keeps failing: say so once, and that nothing is lost."""
    name = one_line(instance_name) or "the instance"
    why = md(reason, _REASON) or "no answer"
    line = (
        f":warning: Cannot reach *{md(name, _NAME)}* since {date_token(since, tz)}: {why}.\n"
        "Notifications will resume when DMS answers; nothing will be lost."
    )
    text = f"Cannot reach {name}: {one_line(reason) or 'no answer'}"
    return _message(clip(escape(text), 500), [_section(line)])


def reachable_again_message(instance_name: str, *, down_for: timedelta) -> Message:
    name = one_line(instance_name) or "The instance"
    after = duration_text(max(down_for, timedelta(0)))
    line = (
        f":white_check_mark: *{md(name, _NAME)}* is reachable again (after {after}). "
        "Any tasks that finished meanwhile follow."
    )
    return _message(escape(f"{name} is reachable again (after {after})"), [_section(line)])
