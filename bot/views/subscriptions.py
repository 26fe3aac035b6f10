"""Messages about subscriptions: the confirmation, the unsubscribe, a channel's list.

Each says exactly what will be posted where, and how to stop it. Instance names and
globs come from users and DMS, and are escaped and clipped like every outside text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo

from slack_sdk.models.blocks import Block

from bot.core.records import DailySummary, Scope, Snooze, Subscription
from bot.i18n import Lang, t, tn
from bot.views.holds import with_holds
from bot.views.kit import (
    Message,
    code,
    command,
    context,
    date_token,
    header,
    instance_label,
    md,
    message,
    one_line,
    pack_lines,
    section,
    target,
)
from bot.views.limits import escape
from bot.views.readable import CHANNEL_ID, DM_ID, GLOB, ID, NAME, TYPABLE, USER, USER_ID
from bot.views.snooze import quiet_note

# Subscriptions listed one line each; past this the list is summed up, not shown.
MAX_LISTED_SUBSCRIPTIONS = 40


# --- shared pieces ---------------------------------------------------------------------


def _channel(channel: str, lang: Lang = "en") -> str:
    if CHANNEL_ID.fullmatch(channel):
        return t(lang, "watch.this_channel_id", channel=channel)
    if DM_ID.fullmatch(channel):
        return t(lang, "watch.this_conversation")
    shown = md(channel, ID)
    if shown:
        return t(lang, "watch.this_channel_named", channel=code(channel, ID))
    return t(lang, "watch.this_channel")


def _user(user: str, lang: Lang = "en", people: Mapping[str, str] | None = None) -> str:
    """A person named without notifying them: these lists are posted again and again in
    busy channels, and a ``<@U…>`` mention would ping everyone named each time. Their
    Slack name when known, else their id as plain code (which Slack does not link)."""
    name = (people or {}).get(user, "")
    if name:
        return md(name, USER)
    if USER_ID.fullmatch(user):
        return code(user, USER)
    return md(user, USER) or t(lang, "watch.someone")


def _scope_text(scope: Scope, name_glob: str | None, lang: Lang = "en") -> str:
    """The outcome and name filter, as the end of "each time a task ... finishes"."""
    outcome = "failed" if scope == "failed" else "all"
    if not name_glob:
        return t(lang, f"watch.scope.{outcome}")
    # Mirrors service.name_matches: wildcards match whole names, plain text anywhere.
    verb = "matches" if any(ch in name_glob for ch in "*?[") else "contains"
    return t(lang, f"watch.scope.{outcome}.{verb}", glob=code(name_glob, GLOB))


def _subscribe_words(sub: Subscription) -> list[str]:
    words = ["subscribe", target(sub.instance_name, sub.instance_id), sub.scope]
    if sub.name_glob and TYPABLE.fullmatch(sub.name_glob):
        words += ["name", md(sub.name_glob, GLOB)]
    return words


def subscribed_message(
    sub: Subscription,
    *,
    created: bool,
    tz: tzinfo,
    lang: Lang = "en",
    people: Mapping[str, str] | None = None,
) -> Message:
    """The confirmation: exactly what will be posted where, and how to stop it."""
    name = instance_label(sub.instance_name, sub.instance_id, lang)
    what = t(
        lang,
        "sub.what",
        channel=_channel(sub.channel, lang),
        name=md(name, NAME),
        scope=_scope_text(sub.scope, sub.name_glob, lang),
    )
    if created:
        head = t(lang, "sub.created", what=what)
        # The design's baseline rule, said up front so nobody waits for old failures.
        note = t(lang, "sub.not_replayed")
    else:
        head = t(lang, "sub.updated", what=f"{what[0].lower()}{what[1:]}")
        note = t(lang, "sub.replaces")
    typed = target(sub.instance_name, sub.instance_id)
    blocks: list[Block] = [
        section(t(lang, "sub.body", head=head, note=note)),
        context(
            t(
                lang,
                "sub.set_up_by",
                user=_user(sub.created_by, lang, people),
                date=date_token(sub.created_at, tz),
            ),
            t(lang, "sub.instance", id=md(sub.instance_id, ID)),
        ),
        *([context(quiet_note(sub.quiet, lang=lang))] if sub.quiet else []),
        context(
            t(
                lang,
                "sub.stop_and_list",
                unsubscribe=command("unsubscribe", typed),
                subscriptions=command("subscriptions"),
            )
        ),
    ]
    outcome = "failed" if sub.scope == "failed" else "all"
    text = t(lang, f"sub.text.{'created' if created else 'updated'}.{outcome}", name=name)
    if sub.name_glob:
        text = t(lang, "sub.text.glob", text=text, glob=one_line(sub.name_glob))
    return message(escape(one_line(text)), blocks)


def unsubscribed_message(
    sub: Subscription | None, instance: str, channel: str, *, lang: Lang = "en"
) -> Message:
    """After ``unsubscribe``: what stopped, or that there was nothing to stop."""
    if sub is None:
        name = one_line(instance) or t(lang, "unsub.this_instance")
        blocks: list[Block] = [
            section(
                t(
                    lang,
                    "unsub.not_subscribed",
                    channel=_channel(channel, lang),
                    name=md(name, NAME),
                )
            ),
            context(t(lang, "unsub.see_list", command=command("subscriptions"))),
        ]
        return message(escape(t(lang, "unsub.not_subscribed_text", name=name)), blocks)
    name = instance_label(sub.instance_name, sub.instance_id, lang)
    blocks = [
        section(
            t(
                lang,
                "unsub.done",
                channel=_channel(sub.channel or channel, lang),
                name=md(name, NAME),
                scope=_scope_text(sub.scope, sub.name_glob, lang),
            )
        ),
        context(t(lang, "unsub.again", command=command(*_subscribe_words(sub)))),
    ]
    return message(escape(t(lang, "unsub.done_text", name=name)), blocks)


def subscriptions_message(
    subs: Sequence[Subscription],
    channel: str,
    *,
    tz: tzinfo,
    lang: Lang = "en",
    people: Mapping[str, str] | None = None,
    snoozes: Sequence[Snooze] = (),
    dailies: Sequence[DailySummary] = (),
) -> Message:
    """This channel's subscriptions: what each sends, who set it up and when (named by
    ``people``, user id -> Slack name, without notifying them), which are paused, and
    their quiet hours, ``snoozes`` (those in force) and ``dailies`` (daily summaries)."""
    example = command("subscribe", escape("<instance> [failed|all] [name <glob>]"))
    if not subs:
        blocks: list[Block] = [
            section(
                t(
                    lang,
                    "subs.none",
                    channel=_channel(channel, lang),
                    example=example,
                    command=command("subscribe", "prod-orders", "failed"),
                )
            )
        ]
        return message(t(lang, "subs.none_text"), blocks)
    snoozed = {snooze.instance_id: snooze for snooze in snoozes}
    daily = {summary.instance_id: summary for summary in dailies}
    lines = [
        _list_line(sub, snoozed.get(sub.instance_id), daily.get(sub.instance_id), tz, lang, people)
        for sub in subs[:MAX_LISTED_SUBSCRIPTIONS]
    ]
    # Lines packed into as few sections as fit; 40 short lines need a handful at most.
    sections, _ = pack_lines(lines)
    blocks = [
        header(t(lang, "subs.header")),
        context(tn(lang, "subs.count", len(subs), channel=_channel(channel, lang))),
        *(section(text) for text in sections),
    ]
    tail = t(lang, "subs.stop_one", command=command("unsubscribe", escape("<instance>")))
    if len(subs) > MAX_LISTED_SUBSCRIPTIONS:
        tail = t(lang, "subs.more", count=len(subs) - MAX_LISTED_SUBSCRIPTIONS, tail=tail)
    blocks.append(context(tail))
    return message(tn(lang, "subs.text", len(subs)), blocks)


def _list_line(
    sub: Subscription,
    snooze: Snooze | None,
    daily: DailySummary | None,
    tz: tzinfo,
    lang: Lang,
    people: Mapping[str, str] | None,
) -> str:
    """One subscription of the list: what it sends, who set it up, and what holds it."""
    name = instance_label(sub.instance_name, sub.instance_id, lang)
    scope = t(lang, "subs.failed_only" if sub.scope == "failed" else "subs.any_outcome")
    line = t(lang, "subs.line", name=md(name, NAME), id=md(sub.instance_id, ID), scope=scope)
    if sub.name_glob:
        line = t(lang, "subs.line_glob", line=line, glob=code(sub.name_glob, GLOB))
    line = t(
        lang,
        "subs.line_by",
        line=line,
        user=_user(sub.created_by, lang, people),
        date=date_token(sub.created_at, tz),
    )
    if sub.paused:
        line = t(lang, "subs.line_paused", line=line)

    def person(user: str) -> str:
        return _user(user, lang, people)

    return with_holds(line, sub, snooze=snooze, daily=daily, tz=tz, lang=lang, person=person)
