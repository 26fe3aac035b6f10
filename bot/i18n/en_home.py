"""English texts of the App Home tab and its Details modal (``home.*`` keys).

Kept beside ``en.py``, which takes them into ``MESSAGES``; ``zh_home.py`` has the same
keys and fields. Values put into {placeholders} are already mrkdwn-safe (escaped, or
the views' own tokens).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "home.title": "Kafka tasks",
    "home.intro": (
        "Subscriptions in your channels, and what their instances did in the last "
        "{hours} h · updated {when}"
    ),
    "home.refresh": "Refresh",
    "home.empty_title": "*No task notifications in your channels yet.*",
    "home.empty_body": (
        "In a channel that should hear when tasks finish, type {example} (or `all` "
        "instead of `failed`). Its subscriptions then show up here, with the tasks in "
        "progress and the latest failures on each instance."
    ),
    "home.empty_more": "Ask any time: {ask} · everything the bot understands: {help}",
    "home.footer": "Subscribe a channel: {subscribe} · a channel's subscriptions: {list}",
    "home.counts": "{running} in progress · {failed} failed in the last {hours} h",
    "home.quiet": "Nothing in progress and no failures in the last {hours} h.",
    "home.hidden": (
        ":lock: Tasks not shown: the bot's access rules do not let you see this "
        "instance's tasks in these channels."
    ),
    "home.problem_timeout": (
        ":warning: Tasks could not be read: DMS did not answer in time. Press Refresh to try again."
    ),
    "home.problem_dms": ":warning: Tasks could not be read: {reason}",
    "home.problem_internal": (
        ":warning: Tasks could not be read (incident {reason}); it is in the bot's log."
    ),
    "home.sub_line": "{channel} · {scope} · set up by {user} {when}",
    "home.scope_failed": "failed tasks",
    "home.scope_all": "every finished task",
    "home.scope_glob": "{scope} named {glob}",
    "home.unsubscribe": "Unsubscribe",
    "home.unsubscribe_named": "Unsubscribe #{channel}",
    "home.confirm_title": "Stop these notifications?",
    "home.confirm_text": "{channel} will stop getting messages about tasks on *{name}*.",
    "home.confirm_yes": "Unsubscribe",
    "home.confirm_no": "Cancel",
    "home.details": "Details",
    "home.details_named": "Details: {name}",
    "home.started": "started {when}",
    "home.more_running": "… and {count} more in progress",
    "home.more_failures": "… and {count} more failed: {command}",
    "home.more_instances": (
        "… and {count} more instances, too many to show here: {names}. A channel's own list: {list}"
    ),
    "home.notice_unsubscribed": (
        ":no_bell: {channel} will no longer get messages about tasks on *{name}*."
    ),
    "home.notice_not_subscribed": "{channel} was not subscribed to *{name}*; nothing changed.",
    "home.notice_refused_unsubscribe": (
        ":no_entry: You may not unsubscribe {channel} from *{name}*; nothing changed. "
        "The bot's owners set who may."
    ),
    "home.notice_unreadable": (
        "That button's data could not be read (it may come from an older version of "
        "the bot). The tab below is up to date."
    ),
    "home.channels_unreadable": (
        ":warning: Could not read which channels you are in ({detail}), so no "
        "subscriptions are shown. The app needs the `channels:read` and `groups:read` "
        "scopes."
    ),
    "home.channels_partial": "Showing subscriptions in the first {detail} of your channels.",
    "home.this_dm": "your DM with the bot",
    "home.a_channel": "a channel",
    "home.loading_home": ":hourglass_flowing_sand: Loading your subscriptions and their tasks…",
    "home.details_title": "Task details",
    "home.close": "Close",
    "home.loading_task": ":hourglass_flowing_sand: Loading the task…",
    "home.details_refused": (
        ":lock: The bot's access rules do not let you see this instance's tasks."
    ),
    "home.details_failed": ":warning: The task could not be read: {reason}",
    "home.details_timeout": (
        ":warning: The task could not be read: DMS did not answer in time. Close this "
        "and press Details again."
    ),
    "home.details_unreadable": (
        "This button's data could not be read (it may come from an older version of "
        "the bot). Press Refresh in the Home tab."
    ),
    "home.details_broken": (
        ":warning: The task could not be shown (incident {incident}); it is in the bot's log."
    ),
    "home.broken": (
        ":warning: Your Home tab could not be built (incident {incident}); it is in the "
        "bot's log. Press Refresh to try again."
    ),
}
