"""What the App Home tab shows: the data ``bot.services.home`` fetches for one viewer,
and the action ids of the tab's buttons. The blocks are drawn in ``bot.views.home``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.dms.models import Instance, Task
from bot.core.records import DailySummary, Snooze, Subscription

# Action ids. handlers/buttons.py takes every ``^kt_`` action for answers in messages;
# ``kth_`` does not match that pattern (its third character is "h", not "_"), so a
# Home button reaches only the Home listeners.
PREFIX = "kth_"
REFRESH = "kth_refresh"
UNSUBSCRIBE = "kth_unsubscribe"
DETAILS = "kth_details"
HOME_CALLBACK = "kth_home"
DETAILS_CALLBACK = "kth_task"

Problem = Literal["timeout", "dms", "internal"]
ChannelsProblem = Literal["unreadable", "partial"]
NoticeKind = Literal["unsubscribed", "not_subscribed", "refused_unsubscribe", "unreadable"]


@dataclass(frozen=True)
class HomeSubscription:
    sub: Subscription
    # The channel's name from users.conversations, for button labels (plain text cannot
    # mention a channel); "" when unknown.
    channel_name: str = ""
    can_unsubscribe: bool = True
    # Why the channel may be hearing less than it expects: a snooze in force when the
    # page was read (never an ended one), and its daily summary, if it has one.
    snooze: Snooze | None = None
    daily: DailySummary | None = None


@dataclass(frozen=True)
class InstanceHome:
    """One watched instance: the viewer's subscriptions to it and its recent tasks."""

    instance: Instance
    subscriptions: tuple[HomeSubscription, ...]
    # Newest first, every one in the window; the view shows the first few.
    running: tuple[Task, ...] = ()
    failures: tuple[Task, ...] = ()
    # The access rules let the viewer see this instance's tasks in none of the channels.
    hidden: bool = False
    problem: Problem | None = None
    # One line: DMS's own reason for "dms", the incident id for "internal".
    reason: str = ""
    # The "dms" reason in Chinese (the page is built before its reader's language is
    # known to matter, so both are kept).
    reason_zh: str = ""
    # The channel whose rules let the viewer see the tasks: Details buttons carry it, so
    # the press is checked against the same rules.
    channel: str = ""


@dataclass(frozen=True)
class Notice:
    """The outcome of a button press, shown at the top of the republished tab."""

    kind: NoticeKind
    channel: str = ""
    instance_name: str = ""


@dataclass(frozen=True)
class HomePage:
    instances: tuple[InstanceHome, ...]
    updated_at: datetime
    window_hours: int = 24
    channels_problem: ChannelsProblem | None = None
    # For "unreadable": Slack's error code; for "partial": how many channels were read.
    channels_detail: str = ""
    notice: Notice | None = None
    # The viewer's DM with the app, kept in the view so a Refresh still counts it.
    im_channel: str | None = None
