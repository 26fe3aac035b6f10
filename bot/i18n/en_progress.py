"""English words for the progress of a running task (a scale-out): its steps and the
time left (``progress.*`` keys). Kept beside ``en.py``, which takes them into
``MESSAGES``; ``zh_progress.py`` has the same keys.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # The steps DMS names in a scale-out's progress; another name is shown as sent.
    "progress.step.pre_check": "pre-check",
    "progress.step.disk_expansion": "disk expansion",
    "progress.step.post_check": "post-check",
    "progress.step.rolling_scaling": "rolling scaling",
    "progress.step_failed": "{step} failed",
    "progress.steps_more": "+{count} more",
    "progress.left.soon": "less than a minute left",
    "progress.left.minutes": "about {minutes} min left",
    "progress.left.hours": "about {hours} h {minutes} min left",
    "details.progress": "Progress",
    "details.steps": "Steps",
}
