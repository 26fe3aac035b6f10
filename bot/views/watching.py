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
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal

from slack_sdk.models.blocks import Block, ButtonElement

from bot.core.actions import DETAILS, TaskRef
from bot.core.dms.models import Task, TaskStatus
from bot.core.records import Subscription
from bot.core.redact import mentions_secret, redact
from bot.i18n import Lang, t, tn
from bot.views.blocks import (
    STATUS_EMOJI,
    UNKNOWN_STATUS_EMOJI,
    Message,
    _button,
    _context,
    _header,
    _message,
    _section,
    _times,
    date_token,
    md,
    one_line,
)
from bot.views.format import (
    STATUS_ORDER,
    duration_text,
    shown_name,
    shown_status,
    task_duration,
    user_text,
)
from bot.views.limits import BUTTON_VALUE, SECTION_TEXT, clip, escape
from bot.views.readable import (
    CHANNEL_ID,
    DM_ID,
    GLOB,
    ID,
    NAME,
    REASON,
    STATUS,
    TYPABLE,
    USER,
    USER_ID,
)

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

_NAME, _USER, _STATUS, _ID, _GLOB, _REASON = NAME, USER, STATUS, ID, GLOB, REASON
_CHANNEL_ID, _DM_ID, _USER_ID, _TYPABLE = CHANNEL_ID, DM_ID, USER_ID, TYPABLE


# The store's record is a plain frozen dataclass (no database in it): the views read it
# as it is rather than through a copy of the same fields.
SubscriptionView = Subscription


# --- shared pieces ---------------------------------------------------------------------


def _label(name: str, instance_id: str, lang: Lang = "en") -> str:
    return one_line(name) or one_line(instance_id) or t(lang, "unnamed_instance")


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


def _channel(channel: str, lang: Lang = "en") -> str:
    if _CHANNEL_ID.fullmatch(channel):
        return t(lang, "watch.this_channel_id", channel=channel)
    if _DM_ID.fullmatch(channel):
        return t(lang, "watch.this_conversation")
    shown = md(channel, _ID)
    if shown:
        return t(lang, "watch.this_channel_named", channel=_code(channel, _ID))
    return t(lang, "watch.this_channel")


def _user(user: str, lang: Lang = "en", people: Mapping[str, str] | None = None) -> str:
    """A person named without notifying them: these lists are posted again and again in
    busy channels, and a ``<@U…>`` mention would ping everyone named each time. Their
    Slack name when known, else their id as plain code (which Slack does not link)."""
    name = (people or {}).get(user, "")
    if name:
        return md(name, _USER)
    if _USER_ID.fullmatch(user):
        return _code(user, _USER)
    return md(user, _USER) or t(lang, "watch.someone")


def _scope_text(scope: Scope, name_glob: str | None, lang: Lang = "en") -> str:
    """The outcome and name filter, as the end of "each time a task ... finishes"."""
    outcome = "failed" if scope == "failed" else "all"
    if not name_glob:
        return t(lang, f"watch.scope.{outcome}")
    # Mirrors service.name_matches: wildcards match whole names, plain text anywhere.
    verb = "matches" if any(ch in name_glob for ch in "*?[") else "contains"
    return t(lang, f"watch.scope.{outcome}.{verb}", glob=_code(name_glob, _GLOB))


def _subscribe_words(sub: SubscriptionView) -> list[str]:
    words = ["subscribe", _target(sub.instance_name, sub.instance_id), sub.scope]
    if sub.name_glob and _TYPABLE.fullmatch(sub.name_glob):
        words += ["name", md(sub.name_glob, _GLOB)]
    return words


def _emoji(task: Task) -> str:
    return STATUS_EMOJI.get(task.status, UNKNOWN_STATUS_EMOJI)


def _details(instance_id: str, task: Task, lang: Lang = "en") -> ButtonElement | None:
    value = TaskRef(instance_id, task.id).encode()
    # A task without an id, or one too long for a button value, cannot be looked up.
    if not task.id or len(value) > BUTTON_VALUE:
        return None
    return _button(t(lang, "button.details"), DETAILS, value, lang=lang)


def _ran(task: Task, tz: tzinfo, now: datetime, lang: Lang) -> list[str]:
    """When the task started and how long it ran, as the parts a line shows."""
    parts = []
    if task.created_at is not None:
        parts.append(t(lang, "started_at", date=date_token(task.created_at, tz)))
    duration = task_duration(task, now, lang)
    if duration != "-":
        parts.append(t(lang, "took", duration=duration))
    return parts


def _finished_line(task: Task, tz: tzinfo, now: datetime, lang: Lang) -> str:
    """One task: what it is, who started it, when, and how long it ran."""
    name = md(shown_name(task.name, lang), _NAME)
    # The status a field of its own, as in an answer's rows: not run into the name.
    parts = [f"{_emoji(task)} *{name}*", md(shown_status(task.status, lang), _STATUS)]
    parts.append(md(user_text(task), _USER))
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


# --- subscriptions ---------------------------------------------------------------------


def subscribed_message(
    sub: SubscriptionView,
    *,
    created: bool,
    tz: tzinfo,
    lang: Lang = "en",
    people: Mapping[str, str] | None = None,
) -> Message:
    """The confirmation: exactly what will be posted where, and how to stop it."""
    name = _label(sub.instance_name, sub.instance_id, lang)
    what = t(
        lang,
        "sub.what",
        channel=_channel(sub.channel, lang),
        name=md(name, _NAME),
        scope=_scope_text(sub.scope, sub.name_glob, lang),
    )
    if created:
        head = t(lang, "sub.created", what=what)
        # The design's baseline rule, said up front so nobody waits for old failures.
        note = t(lang, "sub.not_replayed")
    else:
        head = t(lang, "sub.updated", what=f"{what[0].lower()}{what[1:]}")
        note = t(lang, "sub.replaces")
    target = _target(sub.instance_name, sub.instance_id)
    blocks: list[Block] = [
        _section(t(lang, "sub.body", head=head, note=note)),
        _context(
            t(
                lang,
                "sub.set_up_by",
                user=_user(sub.created_by, lang, people),
                date=date_token(sub.created_at, tz),
            ),
            t(lang, "sub.instance", id=md(sub.instance_id, _ID)),
        ),
        _context(
            t(
                lang,
                "sub.stop_and_list",
                unsubscribe=_command("unsubscribe", target),
                subscriptions=_command("subscriptions"),
            )
        ),
    ]
    outcome = "failed" if sub.scope == "failed" else "all"
    text = t(lang, f"sub.text.{'created' if created else 'updated'}.{outcome}", name=name)
    if sub.name_glob:
        text = t(lang, "sub.text.glob", text=text, glob=one_line(sub.name_glob))
    return _message(escape(one_line(text)), blocks)


def unsubscribed_message(
    sub: SubscriptionView | None, instance: str, channel: str, *, lang: Lang = "en"
) -> Message:
    """After ``unsubscribe``: what stopped, or that there was nothing to stop."""
    if sub is None:
        name = one_line(instance) or t(lang, "unsub.this_instance")
        blocks: list[Block] = [
            _section(
                t(
                    lang,
                    "unsub.not_subscribed",
                    channel=_channel(channel, lang),
                    name=md(name, _NAME),
                )
            ),
            _context(t(lang, "unsub.see_list", command=_command("subscriptions"))),
        ]
        return _message(escape(t(lang, "unsub.not_subscribed_text", name=name)), blocks)
    name = _label(sub.instance_name, sub.instance_id, lang)
    blocks = [
        _section(
            t(
                lang,
                "unsub.done",
                channel=_channel(sub.channel or channel, lang),
                name=md(name, _NAME),
                scope=_scope_text(sub.scope, sub.name_glob, lang),
            )
        ),
        _context(t(lang, "unsub.again", command=_command(*_subscribe_words(sub)))),
    ]
    return _message(escape(t(lang, "unsub.done_text", name=name)), blocks)


def subscriptions_message(
    subs: Sequence[SubscriptionView],
    channel: str,
    *,
    tz: tzinfo,
    lang: Lang = "en",
    people: Mapping[str, str] | None = None,
) -> Message:
    """This channel's subscriptions: what each sends, who set it up and when (named by
    ``people``, user id -> Slack name, without notifying them), and which are paused."""
    example = _command("subscribe", escape("<instance> [failed|all] [name <glob>]"))
    if not subs:
        blocks: list[Block] = [
            _section(
                t(
                    lang,
                    "subs.none",
                    channel=_channel(channel, lang),
                    example=example,
                    command=_command("subscribe", "prod-orders", "failed"),
                )
            )
        ]
        return _message(t(lang, "subs.none_text"), blocks)
    lines = []
    for sub in subs[:MAX_LISTED_SUBSCRIPTIONS]:
        name = _label(sub.instance_name, sub.instance_id, lang)
        scope = t(lang, "subs.failed_only" if sub.scope == "failed" else "subs.any_outcome")
        line = t(lang, "subs.line", name=md(name, _NAME), id=md(sub.instance_id, _ID), scope=scope)
        if sub.name_glob:
            line = t(lang, "subs.line_glob", line=line, glob=_code(sub.name_glob, _GLOB))
        line = t(
            lang,
            "subs.line_by",
            line=line,
            user=_user(sub.created_by, lang, people),
            date=date_token(sub.created_at, tz),
        )
        if sub.paused:
            line = t(lang, "subs.line_paused", line=line)
        lines.append(line)
    # Lines packed into as few sections as fit; 40 short lines need a handful at most.
    sections: list[str] = []
    for line in lines:
        if sections and len(sections[-1]) + 1 + len(line) <= SECTION_TEXT:
            sections[-1] += "\n" + line
        else:
            sections.append(line)
    blocks = [
        _header(t(lang, "subs.header")),
        _context(tn(lang, "subs.count", len(subs), channel=_channel(channel, lang))),
        *(_section(text) for text in sections),
    ]
    tail = t(lang, "subs.stop_one", command=_command("unsubscribe", escape("<instance>")))
    if len(subs) > MAX_LISTED_SUBSCRIPTIONS:
        tail = t(lang, "subs.more", count=len(subs) - MAX_LISTED_SUBSCRIPTIONS, tail=tail)
    blocks.append(_context(tail))
    return _message(tn(lang, "subs.text", len(subs)), blocks)


# --- task-finished notifications -------------------------------------------------------


def task_finished_message(
    task: Task,
    *,
    instance_id: str,
    instance_name: str,
    tz: tzinfo,
    now: datetime,
    lang: Lang = "en",
) -> Message:
    """One finished task, for a subscribed channel."""
    name = _label(instance_name, instance_id, lang)
    task_name, status = shown_name(task.name, lang), shown_status(task.status, lang)
    head = t(
        lang,
        "finished.head",
        emoji=_emoji(task),
        task=md(task_name, _NAME),
        status=md(status, _STATUS),
        instance=md(name, _NAME),
    )
    details = [md(user_text(task), _USER), *_ran(task, tz, now, lang)]
    blocks: list[Block] = [
        _section(f"{head}\n{' · '.join(details)}", _details(instance_id, task, lang))
    ]
    summary = params_summary(task.params, lang=lang)
    if summary is not None:
        blocks.append(_context(t(lang, "watch.params", summary=_code(summary, PARAMS_SUMMARY))))
    duration = task_duration(task, now, lang)
    text = _outcome_text(
        "finished.text", "finished.text_took", task, task_name, status, name, duration, lang
    )
    return _message(escape(one_line(text)), blocks)


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
    name = _label(instance_name, instance_id, lang)
    counts = _counts_text(tasks, lang)
    header = tn(lang, "digest.header", len(tasks), instance=clip(name, 100, mrkdwn=False))
    blocks: list[Block] = [_header(header)]
    if counts:
        blocks.append(_section(counts))
    # Failed first, otherwise in the order given (the poller's, newest first); stable.
    ordered = sorted(tasks, key=lambda task: not task.failed)
    shown, rest = ordered[:DIGEST_LINES], ordered[DIGEST_LINES:]
    for task in shown:
        # Only a failure is worth a click from a digest; a button each would be noise.
        button = _details(instance_id, task, lang) if task.failed else None
        blocks.append(_section(_finished_line(task, tz, now, lang), button))
    if rest:
        # A burst is mostly the same few tasks: a count per name and status reads faster
        # than hundreds of repeats, and leaves room for the rarer ones before the cut.
        same = _tally(
            (shown_name(task.name, lang), shown_status(task.status, lang)) for task in rest
        )
        listed = t(lang, "sep.list").join(
            _times(f"{md(n, 60)} {md(s, _STATUS)}", k, lang) for (n, s), k in same.items()
        )
        blocks.append(_section(t(lang, "digest.more", count=len(rest), listed=listed)))
        target = _target(instance_name, instance_id)
        command = _command(target, "task", escape("<task-id>"))
        blocks.append(_context(t(lang, "digest.any_details", command=command)))
    text = tn(lang, "digest.header", len(tasks), instance=name)
    if tasks:
        text += t(lang, "sep.colon") + t(lang, "sep.list").join(
            t(lang, "count_status", count=n, status=shown_status(s, lang))
            for s, n in _ordered_counts(tasks)
        )
    return _message(clip(escape(one_line(text)), 1000), blocks)


def _ordered_counts(tasks: Sequence[Task]) -> list[tuple[str, int]]:
    counts = {status: n for (status,), n in _tally((task.status,) for task in tasks).items()}
    known = [s.value for s in STATUS_ORDER if s.value in counts]
    return [(s, counts[s]) for s in known + sorted(s for s in counts if s not in known)]


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
        shown = t(lang, "count_status", count=n, status=md(shown_status(status, lang), _STATUS))
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
    name, shown_status_ = md(task_name, _NAME), md(status, _STATUS)
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
    blocks = [_section(f"{_emoji(task)} {line}", _details(instance_id, task, lang))]
    instance = _label(instance_name, instance_id, lang)
    text = _outcome_text(
        "reply.text", "reply.text_after", task, task_name, status, instance, duration, lang
    )
    return _message(escape(one_line(text)), blocks)


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
        "emoji": _emoji(task),
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
    target = _target(instance_name, instance_id)
    if still_running:
        per_name = _tally((shown_name(task.name, lang),) for task in still_running)
        named = t(lang, "sep.list").join(
            _times(md(n, 60), k, lang) for (n,), k in list(per_name.items())[:_RUNNING_NAMES]
        )
        if len(per_name) > _RUNNING_NAMES:
            named = t(lang, "closed.names_more", named=named, count=len(per_name) - _RUNNING_NAMES)
        state = t(lang, "closed.still_running", named=named)
    else:
        state = t(lang, "closed.none_running")
    line = t(lang, "closed.line", after=after, state=state, command=_command(target))
    text = t(lang, "closed.text", instance=_label(instance_name, instance_id, lang), after=after)
    return _message(escape(one_line(text)), [_section(line)])


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
        instance=md(name, _NAME),
        date=date_token(since, tz),
        why=md(reason, _REASON) or no_answer,
    )
    text = t(lang, "unreachable.text", instance=name, why=one_line(reason) or no_answer)
    return _message(clip(escape(text), 500), [_section(line)])


def reachable_again_message(
    instance_name: str, *, down_for: timedelta, lang: Lang = "en"
) -> Message:
    name = one_line(instance_name) or t(lang, "reachable.the_instance")
    after = duration_text(max(down_for, timedelta(0)), lang)
    line = t(lang, "reachable.line", instance=md(name, _NAME), after=after)
    return _message(escape(t(lang, "reachable.text", instance=name, after=after)), [_section(line)])


# --- paused by the access rules ----------------------------------------------------------


def subscription_paused_message(instance_name: str, *, lang: Lang = "en") -> Message:
    """Said once when the rules stop a subscription: why the channel goes quiet."""
    return _access_notice("paused", instance_name, lang)


def subscription_resumed_message(instance_name: str, *, lang: Lang = "en") -> Message:
    return _access_notice("resumed", instance_name, lang)


def _access_notice(kind: str, instance_name: str, lang: Lang) -> Message:
    name = one_line(instance_name) or t(lang, "unnamed_instance")
    line = t(lang, f"{kind}.line", instance=md(name, _NAME))
    return _message(escape(t(lang, f"{kind}.text", instance=name)), [_section(line)])
