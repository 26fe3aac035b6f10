"""The App Home tab: the viewer's subscriptions and what their instances are doing,
and the Details modal its buttons open.

A Home view is published per user and stays until the next publish, so it must be
valid for any input: Slack refuses a view of more than 100 blocks, or with one bad
block, and the user then sees the previous view (or none) with no word why. When there
is more than fits, instances are drawn compactly and then summed up.

The builders take the data already fetched (``bot.views.home_page``); ``bot.services.home``
fetches it. One instance is drawn by ``bot.views.home_instance``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock
from slack_sdk.models.views import View

from bot.i18n import Lang, t
from bot.views.home_instance import (
    LABEL_NAME,
    Draw,
    Ids,
    channel_text,
    name_of,
    order,
)
from bot.views.home_page import (
    DETAILS_CALLBACK,
    HOME_CALLBACK,
    REFRESH,
    HomePage,
    InstanceHome,
    Notice,
)
from bot.views.kit import (
    Message,
    button,
    command,
    context,
    date_token,
    header,
    md,
    plain_object,
    section,
)
from bot.views.limits import MAX_BLOCKS, check_message
from bot.views.readable import DM_ID, ID, NAME, REASON

# What the services layer holds and hands back: a view, without importing slack_sdk.
HomeView = View

# Slack's limits for views (the 50 of limits.MAX_BLOCKS are for messages).
MAX_HOME_BLOCKS = 100
VIEW_TITLE = 24
PRIVATE_METADATA = 3000

# Names of the instances left out, listed in the summary line.
_LEFT_OUT_NAMES = 20


def im_channel_of(private_metadata: str | None) -> str | None:
    """The DM channel a published Home view was built with (see ``HomePage.im_channel``)."""
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        return None
    channel = data.get("im") if isinstance(data, dict) else None
    return channel if isinstance(channel, str) and DM_ID.fullmatch(channel) else None


# --- the tab -----------------------------------------------------------------------------------


def _head(page: HomePage, *, tz: tzinfo, lang: Lang) -> list[Block]:
    blocks: list[Block] = [
        header(t(lang, "home.title")),
        context(
            t(lang, "home.intro", hours=page.window_hours, when=date_token(page.updated_at, tz))
        ),
        ActionsBlock(elements=[button(t(lang, "home.refresh"), REFRESH, "refresh", lang=lang)]),
    ]
    if page.notice is not None:
        blocks.append(section(_notice_text(page.notice, lang)))
    if page.channels_problem is not None:
        detail = md(page.channels_detail, ID) or "-"
        blocks.append(context(t(lang, f"home.channels_{page.channels_problem}", detail=detail)))
    blocks.append(DividerBlock())
    return blocks


def _notice_text(notice: Notice, lang: Lang) -> str:
    return t(
        lang,
        f"home.notice_{notice.kind}",
        channel=channel_text(notice.channel, lang),
        name=md(notice.instance_name, NAME) or "-",
    )


def _empty(lang: Lang) -> list[Block]:
    return [
        section(
            t(lang, "home.empty_title")
            + "\n"
            + t(lang, "home.empty_body", example=command("subscribe", "prod-orders", "failed"))
        ),
        context(
            t(
                lang,
                "home.empty_more",
                ask=command("prod-orders", "last", "1h"),
                help=command("help"),
            )
        ),
    ]


def _footer(lang: Lang) -> list[Block]:
    subscribe = command("subscribe", "&lt;instance&gt;", "failed")
    return [context(t(lang, "home.footer", subscribe=subscribe, list=command("subscriptions")))]


def home_blocks(page: HomePage, *, lang: Lang, tz: tzinfo, now: datetime) -> list[Block]:
    """The tab's blocks, never more than Slack's 100.

    Every instance is drawn in full while that fits; when it does not, the instances
    with the most blocks are drawn compactly (three or four blocks each) one by one until
    it fits, and if even that is too many, the last instances are named in one line.
    """
    head = _head(page, tz=tz, lang=lang)
    if not page.instances:
        return [*head, *_empty(lang)]
    foot = _footer(lang)
    # One block kept back for the line that names instances left out.
    budget = MAX_HOME_BLOCKS - len(head) - len(foot) - 1
    items = order(page.instances)
    draw = Draw(hours=page.window_hours, tz=tz, now=now, lang=lang)
    drawn, compact = _fitted(items, draw, budget)
    kept, used = 0, 0
    for blocks in drawn:
        if used + len(blocks) > budget:
            break
        kept, used = kept + 1, used + len(blocks)
    ids = Ids()
    body: list[Block] = []
    for item, small in zip(items[:kept], compact[:kept], strict=True):
        body.extend(draw.compact(item, ids) if small else draw.full(item, ids))
    left_out = items[kept:]
    if left_out:
        named = left_out[:_LEFT_OUT_NAMES]
        names = ", ".join(f"*{md(name_of(i.instance), LABEL_NAME)}*" for i in named)
        if len(left_out) > len(named):
            names += ", …"
        body.append(
            section(
                t(
                    lang,
                    "home.more_instances",
                    count=len(left_out),
                    names=names,
                    list=command("subscriptions"),
                )
            )
        )
    return [*head, *body, *foot]


def _fitted(
    items: Sequence[InstanceHome], draw: Draw, budget: int
) -> tuple[list[list[Block]], list[bool]]:
    """Each instance's blocks, the widest drawn compactly until they fit in ``budget``
    (or none is left that compacting makes smaller); and which are compact.

    Drawn to count blocks only: the final drawing hands out the action ids afresh.
    """
    drawn = [draw.full(item, Ids()) for item in items]
    compact = [False] * len(items)
    small: list[list[Block]] = []
    while sum(len(b) for b in drawn) > budget:
        small = small or [draw.compact(item, Ids()) for item in items]
        fuller = [i for i in range(len(items)) if not compact[i] and len(drawn[i]) > len(small[i])]
        if not fuller:
            break
        widest = max(fuller, key=lambda i: len(drawn[i]))
        drawn[widest] = small[widest]
        compact[widest] = True
    return drawn, compact


def home_view(page: HomePage, *, lang: Lang, tz: tzinfo, now: datetime) -> View:
    metadata = json.dumps({"im": page.im_channel}) if page.im_channel else None
    return View(
        type="home",
        callback_id=HOME_CALLBACK,
        blocks=home_blocks(page, lang=lang, tz=tz, now=now),
        private_metadata=metadata,
    )


def loading_home_view(lang: Lang) -> View:
    """Shown on a first visit while a slow DMS is read, instead of an empty tab."""
    return View(
        type="home",
        callback_id=HOME_CALLBACK,
        blocks=[
            header(t(lang, "home.title")),
            section(t(lang, "home.loading_home")),
        ],
    )


def broken_home_view(incident: str, lang: Lang, *, im_channel: str | None = None) -> View:
    """The tab when it could not be built at all: still a way to try again."""
    return View(
        type="home",
        callback_id=HOME_CALLBACK,
        blocks=[
            header(t(lang, "home.title")),
            section(t(lang, "home.broken", incident=md(incident, ID))),
            ActionsBlock(elements=[button(t(lang, "home.refresh"), REFRESH, "refresh", lang=lang)]),
        ],
        private_metadata=json.dumps({"im": im_channel}) if im_channel else None,
    )


# --- the Details modal ---------------------------------------------------------------------------


def _modal(blocks: Sequence[Block], lang: Lang) -> View:
    return View(
        type="modal",
        callback_id=DETAILS_CALLBACK,
        title=plain_object(t(lang, "home.details_title"), VIEW_TITLE),
        close=plain_object(t(lang, "home.close"), VIEW_TITLE),
        blocks=list(blocks)[:MAX_HOME_BLOCKS],
    )


def details_modal(message: Message, lang: Lang) -> View:
    """The task details an answer's Details button posts, in a modal instead."""
    return _modal(message.blocks, lang)


def loading_modal(lang: Lang) -> View:
    # Opened at once: a trigger_id is good for 3 s, and DMS may take longer than that.
    return _modal([section(t(lang, "home.loading_task"))], lang)


def notice_modal(key: str, lang: Lang, **values: str) -> View:
    """A modal that only says something: ``details_refused``, ``details_timeout``..."""
    safe = {k: md(v, ID) for k, v in values.items()}
    return _modal([section(t(lang, f"home.{key}", **safe))], lang)


def failed_modal(reason: str, lang: Lang) -> View:
    return _modal([section(t(lang, "home.details_failed", reason=md(reason, REASON) or "-"))], lang)


# --- checks ----------------------------------------------------------------------------------


def view_problems(view: Mapping[str, Any]) -> list[str]:
    """Every Slack limit a view breaks, as readable lines; empty when it is fine.

    ``limits.check_message`` knows every block rule but counts against a message's 50
    blocks; here blocks are checked in message-sized runs and counted against 100.
    """
    problems: list[str] = []
    blocks = view.get("blocks") or []
    if not 0 < len(blocks) <= MAX_HOME_BLOCKS:
        problems.append(f"{len(blocks)} blocks (a view takes 1 to {MAX_HOME_BLOCKS})")
    for start in range(0, len(blocks), MAX_BLOCKS):
        run = blocks[start : start + MAX_BLOCKS]
        problems += [f"from block {start}: {p}" for p in check_message(run, "view")]
    if view.get("type") == "modal":
        title = (view.get("title") or {}).get("text") or ""
        if not 0 < len(title) <= VIEW_TITLE:
            problems.append(f"modal title has {len(title)} characters (1 to {VIEW_TITLE})")
    metadata = view.get("private_metadata") or ""
    if len(metadata) > PRIVATE_METADATA:
        problems.append(f"private_metadata has {len(metadata)} characters")
    return problems
