"""English texts of snoozes and quiet hours (``snooze.*`` and ``quiet.*`` keys).

Kept beside ``en.py``, which takes them into ``MESSAGES``; ``zh_quiet.py`` has the same
keys and fields.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "grammar.why.quiet_range": "quiet hours are a range of clock times, e.g. {example}",
    "snooze.placeholder": "Snooze",
    "snooze.1h": "Snooze for 1 hour",
    "snooze.4h": "Snooze for 4 hours",
    "snooze.morning": "Snooze until 09:00 tomorrow",
    "snooze.done": (
        ":zzz: {user} snoozed notifications about *{name}* in this channel until {until}. "
        "Tasks that finish meanwhile come as one message then."
    ),
    "snooze.done_text": "{name} snoozed until {until}",
    "snooze.undo": "Undo",
    "snooze.lifted": (
        ":bell: {user} ended the snooze on *{name}*: notifications come again, and what it "
        "held comes now."
    ),
    "snooze.lifted_text": "Snooze on {name} ended",
    "snooze.not_snoozed": "*{name}* is not snoozed in this channel (over, or ended already).",
    "snooze.not_snoozed_text": "{name} is not snoozed here",
    "snooze.held": "Held while notifications were snoozed or quiet, until {until}",
    "subs.line_snoozed": "{line} · :zzz: _snoozed until {until} by {user}_",
    "subs.line_quiet": "{line} · :crescent_moon: quiet {range} ({zone})",
    "subs.line_quiet_all": "{line} · :crescent_moon: quiet {range} ({zone}), failures too",
    "subs.line_daily": "{line} · :spiral_calendar_pad: daily summary at {time} ({zone})",
    "quiet.note": (
        ":crescent_moon: Quiet {range} ({zone}): what finishes then comes as one message "
        "when they end; failures come at once."
    ),
    "quiet.note_all": (
        ":crescent_moon: Quiet {range} ({zone}): what finishes then, failures too, comes "
        "as one message when they end."
    ),
}
