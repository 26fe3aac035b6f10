"""What a subscription's line says about when its channel hears: its quiet hours, a
snooze in force, its daily summary.

One rendering for every place that lists subscriptions (the ``subscriptions`` command,
the Home tab), so someone wondering why a channel heard nothing reads the same words
wherever they look.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from bot.core.records import DailySummary, Snooze, Subscription
from bot.i18n import Lang, t
from bot.views.kit import date_token, md
from bot.views.readable import ZONE

# A daily summary's "HH:MM" as the store keeps it; anything longer was not written by
# the bot, and is clipped rather than trusted.
_CLOCK = 16


def with_holds(
    line: str,
    sub: Subscription,
    *,
    snooze: Snooze | None,
    daily: DailySummary | None,
    tz: tzinfo,
    lang: Lang,
    person: Callable[[str], str],
) -> str:
    """``line`` with the subscription's quiet hours, its ``snooze`` (ending in ``tz``,
    its presser named by ``person``) and its ``daily`` summary, those it has.

    The caller passes only a snooze still in force: an ended one holds nothing back.
    """
    if sub.quiet is not None:
        key = "subs.line_quiet_all" if sub.quiet.everything else "subs.line_quiet"
        line = t(lang, key, line=line, range=sub.quiet.range_text, zone=md(sub.quiet.zone, ZONE))
    if snooze is not None:
        until = date_token(snooze.until, tz)
        line = t(lang, "subs.line_snoozed", line=line, until=until, user=person(snooze.by_user))
    if daily is not None:
        line = t(
            lang,
            "subs.line_daily",
            line=line,
            time=md(daily.clock, _CLOCK),
            zone=md(daily.zone, ZONE),
        )
    return line
