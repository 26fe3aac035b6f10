"""English texts of refusals by the access rules (``access.*`` keys): what the asker
may not do, never whether the instance exists.

Kept beside ``en.py``, which takes them into ``MESSAGES``; ``zh_access.py`` has the
same keys and fields.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "access.refused.query": "You may not look at `{name}` from this channel.",
    "access.refused.share": "Answers about `{name}` may not be shared in this channel.",
    "access.refused.subscribe": "You may not subscribe this channel to `{name}`.",
    "access.refused.unsubscribe": "You may not remove this channel's subscription to `{name}`.",
    "access.refused.change": (
        "You may not change the scheduled tasks of `{name}` from this channel. Changes to "
        "the cloud are refused unless an `[access]` rule of kafka-tasks.toml grants them: "
        '`actions = ["change"]`, with the users (or groups), channels and instances it allows.'
    ),
    "access.ask": (
        "The bot's access rules decide this; ask the people who run kafka-tasks if you need it."
    ),
    "access.title": "kafka-tasks: not allowed",
    "access.only_you": (
        ":lock: Only you can see this: answers about this instance may not be shared here."
    ),
    "access.groups_down": (
        "Could not check your access: Slack did not say who is in the user groups the "
        "access rules name. Try again in a minute."
    ),
}
