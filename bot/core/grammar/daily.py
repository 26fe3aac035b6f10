"""The subscribe command's ``daily HH:MM [zone]`` option (Chinese: ``每天 09:00``)."""

from __future__ import annotations

from bot.core.daily import DailyAt
from bot.core.grammar.errors import CommandError
from bot.core.grammar.window import zone_name
from bot.core.grammar.window_parts import Unreadable, read_point, read_zone
from bot.i18n import Said

KEYWORD = "daily"

__all__ = ["DailyAt", "take_daily"]


def take_daily(args: list[str], instance: str) -> tuple[list[str], DailyAt | None]:
    """``args`` without the daily option, and the option read; its zone is "" when none
    is written (the subscriber's own, which the caller knows)."""
    lowered = [a.lower() for a in args]
    if KEYWORD not in lowered:
        return args, None
    start = lowered.index(KEYWORD)
    example = f"subscribe {instance} daily 09:00"
    if KEYWORD in lowered[start + 1 :]:
        raise CommandError(args[start], example, Said.of("grammar.why.twice", keyword=KEYWORD))
    clock_text = args[start + 1] if start + 1 < len(args) else None
    if clock_text is None:
        raise CommandError(args[start], example, reading="option")
    try:
        point = read_point([clock_text])
    except Unreadable:
        raise CommandError(clock_text, example, reading="option") from None
    if point.clock is None or not point.is_bare_clock:
        raise CommandError(clock_text, example, reading="option")
    zone = point.zone
    used = 2
    if zone is None and start + 2 < len(args):
        try:
            zone = read_zone(args[start + 2])
        except Unreadable as exc:
            fix = f"{example} {exc.fix or 'UTC'}"
            raise CommandError(args[start + 2], fix, exc.why, reading="option") from None
        used = 3 if zone is not None else 2
    rest = args[:start] + args[start + used :]
    clock = point.clock.replace(second=0, microsecond=0)
    return rest, DailyAt(clock, zone_name(zone) if zone is not None else "")
