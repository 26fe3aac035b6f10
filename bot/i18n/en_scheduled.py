"""English texts of scheduled tasks (``scheduled.*`` keys): the list, its Reschedule
modal and Cancel dialog, and what the channel is told of a change.

Kept beside ``en.py``, which takes them into ``MESSAGES``; ``zh_scheduled.py`` has the
same keys and fields.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "button.reschedule": "Reschedule",
    "button.cancel_scheduled": "Cancel",
    "scheduled.title": "{instance} · scheduled changes",
    "scheduled.text.one": "{count} change scheduled on {instance}",
    "scheduled.text.other": "{count} changes scheduled on {instance}",
    "scheduled.none": "Nothing is scheduled on {instance}.",
    "scheduled.row": "*{task}* · {when} ({relative}) · set by {user}",
    "scheduled.in": "in {duration}",
    "scheduled.due": "due now",
    "scheduled.no_time": "time not readable",
    "scheduled.outside": (
        ":warning: Outside the maintenance window ({begin}–{end} UTC): it would run "
        "while the instance is in use."
    ),
    "scheduled.window": "Maintenance window {begin}–{end} UTC (DMS names no zone; read as UTC).",
    "scheduled.window_unknown": "The maintenance window is not known: DMS did not say.",
    "scheduled.truncated": "Only the first {count} are shown.",
    "scheduled.slack_only": "Reschedule and Cancel are buttons in Slack.",
    "scheduled.confirm_title": "Cancel this change?",
    "scheduled.confirm_text": (
        "*{task}* on `{instance}` will not run at {when}. This changes the instance's plan "
        "in DMS, for everyone."
    ),
    "scheduled.confirm_yes": "Cancel it",
    "scheduled.confirm_no": "Keep it",
    "scheduled.modal_title": "Reschedule",
    "scheduled.modal_intro": (
        "*{task}* on `{instance}` is set for {when}. Pick the new date and time, in your "
        "time zone ({zone})."
    ),
    "scheduled.modal_date": "Date",
    "scheduled.modal_time": "Time",
    "scheduled.modal_submit": "Reschedule",
    "scheduled.modal_close": "Back",
    "scheduled.past": "Pick a time in the future.",
    "scheduled.cancelled": (
        ":no_entry_sign: {user} cancelled *{task}* on `{instance}` (it was to run {when})."
    ),
    "scheduled.rescheduled": (
        ":calendar: {user} rescheduled *{task}* on `{instance}` from {before} to {after}."
    ),
    "scheduled.changed.text": "{task} on {instance} changed by {user}",
    "scheduled.request_id": "DMS request id {id}",
    "scheduled.twice": (
        "This change was asked for already (the button was pressed twice): it is made once."
    ),
    "scheduled.gone": "*{task}* on `{instance}` can no longer be changed: it is {status} now.",
    "scheduled.missing": "DMS no longer lists this scheduled task on `{instance}`.",
    "scheduled.moved": (
        "*{task}* on `{instance}` was moved since this list was shown: ask {command} again."
    ),
}
