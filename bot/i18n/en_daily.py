"""English texts of slow-task notes and daily summaries (``slow.*``, ``daily.*``).

Kept beside ``en.py``, which takes them into ``MESSAGES``; ``zh_daily.py`` has the same
keys.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "slow.note": "took {took}, usually {usual}",
    "daily.head": "Daily summary of {instance} for {day}",
    "daily.late": "Sent late: the bot was not running at {time}.",
    "daily.none": "No tasks finished that day.",
    "daily.counts": "{count} finished: {counts}",
    "daily.failures": "*Failed*",
    "daily.failures_more": "and {count} more",
    "daily.slowest": "*Slowest*",
    "daily.slow_row": "{task} took {took}",
    "daily.slow_row_usual": "{task} took {took}, usually {usual}",
    "daily.text": "Daily summary of {instance} for {day}: {count} tasks finished, {failed} failed",
    "daily.scheduled": "*Scheduled for the next 24 h*",
    "daily.scheduled_none": "Nothing is scheduled for the next 24 h.",
    "daily.scheduled_unknown": "What is scheduled for the next 24 h could not be read.",
    "daily.set": "Daily summary at {time}.",
}
