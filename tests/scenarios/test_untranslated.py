"""Every kind of message, in Chinese and in English, holds no word of the other language.

A Chinese answer may carry English only where it is a name or code: what DMS sent
(instance and task names, users, ids, statuses, specifications), what the user types
(in backticks or a code block), setting names, time zones, addresses, and the few
product words Huawei's own Chinese console writes in English (see ``TERMS``). Any other
ASCII word is a word left untranslated, and fails here. An English answer may carry no
Chinese at all (the demo has no Chinese names).

The messages are the real ones: answers, presses and errors through the conversation
against the simulator (DMS failures injected there), and the notifications, the Home
tab and the access replies rendered from the simulator's own tasks.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.dms.client import DmsClient
from bot.adapters.store.store import Store
from bot.core.dms.accounts import Credentials
from bot.core.dms.errors import DmsUnreachable
from bot.core.dms.models import Instance, Task
from bot.core.dms.place import Place
from bot.core.dms.source import ClientOptions
from bot.core.quiet import QuietHours
from bot.core.records import DailySummary, Snooze, Subscription
from bot.i18n import LANGS, Lang, t
from bot.main.runtime import DEMO_NOTE
from bot.services.ask import Ask
from bot.services.conversation import Conversation
from bot.simulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Simulator
from bot.simulator.data import generate_demo
from bot.views import home, home_page
from bot.views.access import groups_unavailable_message, only_you, refused_message
from bot.views.errors import describe_error
from bot.views.kit import Message
from bot.views.replies import error_message, help_message
from bot.views.watching import (
    digest_message,
    reachable_again_message,
    task_finished_message,
    thread_closed_message,
    thread_reply_message,
    unreachable_message,
)
from tests.conftest import SIMULATOR_START
from tests.scenarios.slack_harness import free_port, walk

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
DEMO_TASK = "1abfa4763e932df9007a100d22753234"
ASKER = Ask(user="U0WORDS", channel="C0WORDS", via="slash")

# English a Chinese answer keeps on purpose, each for a reason.
TERMS = frozenset(
    {
        # Products, as Huawei's Chinese console and documents write them.
        "Kafka",
        "DMS",
        # Cloud Trace Service and Cloud Eye, by the abbreviations Huawei's Chinese console
        # shows beside 云审计服务 and 云监控服务 (the timeline's sources).
        "CTS",
        "CES",
        "Slack",
        "Topic",  # 创建 Topic: the console's own words for a Kafka topic
        "ID",
        "JSON",  # the name of a format, kept in Chinese technical writing
        "API",  # "the API's own form" of a time: the DMS API, by that name
        "AK",
        "SK",
        # The bot's own name, and the time zone every answer can be read in.
        "kafka-tasks",
        "UTC",
        "GMT",
    }
)
# Code outside backticks: YYYYMMDDHHmmss and the like are forms to type.
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
_SLACK = re.compile(r"<[@#!][^>]*>|<https?://[^>]*>")
_EMOJI = re.compile(r"(?<![A-Za-z0-9]):[a-z0-9_+-]+:(?![A-Za-z0-9])")
# DMS's own words (its error_msg after the status and code) are quoted as they came:
# translating them could change what they say.
_DMS_SAID = re.compile(r"((?:DMS 返回 \d+(?: [A-Z]+\.\d+)?|DMS 拒绝了凭据（[^）]*）)：)[^。]*")
_ERROR_CODE = re.compile(r"[A-Z]+\.\d+")  # APIGW.0301, DMS.00404022
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/@+:'*-]*")
_SETTING = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")  # HUAWEICLOUD_SDK_AK, DMS_ENDPOINT
_HEX = re.compile(r"[0-9a-fA-F-]{8,}")
# A URL as the bot shows it in Slack: broken (http[:]//) so that Slack does not link it.
_URL = re.compile(r"https?(?::|\[:\])//\S+")
_QUOTED = re.compile(r"“[^”]*”")


def dms_names() -> frozenset[str]:
    """Every word DMS sends for the demo: names, ids, users, statuses, specs, params."""
    words: set[str] = set()
    for generated in generate_demo(7, SIMULATOR_START):
        record = generated.instance
        values = [record.instance_id, record.name, record.engine_version, record.specification]
        for task in generated.tasks:
            values += [task.id, task.name, task.user_name, task.user_id, task.final_status]
            values += list(_strings(json.loads(task.params)))
        for value in values:
            words.update(_TOKEN.findall(value))
    words.update(("CREATED", "EXECUTING", "SUCCESS", "FAILED", "DELETED", "CANCELLED", "RUNNING"))
    return frozenset(words)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
    else:
        yield str(value)


NAMES = dms_names()


def english_words(text: str) -> list[str]:
    """The words of ``text`` a Chinese reader would read as English, names and code aside."""
    text = _CODE.sub(" ", text)
    text = _DMS_SAID.sub(lambda m: m[1], text)
    # What the user typed, quoted back (“fr” is not a language) is theirs, not ours.
    text = _QUOTED.sub(" ", text)
    text = _DATE.sub(lambda m: m[1], text)
    text = _SLACK.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = _URL.sub(" ", text)
    found = []
    for token in _TOKEN.findall(text):
        # Stripped of a sentence's stop and of mrkdwn's bold and italic marks, which
        # close right after a word ("_… 暂停到 2026-11-27 08:00:00 UTC_").
        word = token.rstrip(".:'-*_")
        if not re.search("[A-Za-z]", word) or word in TERMS or word in NAMES:
            continue
        if _SETTING.fullmatch(word) or _HEX.fullmatch(word) or _ERROR_CODE.fullmatch(word):
            continue  # a setting's name, an id, DMS's error code
        if "/" in word:
            continue  # a zone (Asia/Shanghai) or a path
        found.append(word)
    return found


def texts_of(message: Message | dict[str, Any]) -> list[str]:
    if isinstance(message, Message):
        blocks: Any = message.block_dicts()
        head = [message.text]
    else:
        blocks, head = message, []
    return head + [str(n["text"]) for n in walk(blocks) if isinstance(n.get("text"), str)]


# --- every message --------------------------------------------------------------------


@pytest.fixture
async def talk(simulator: Simulator, tmp_path: Path) -> AsyncIterator[Conversation]:
    store = Store.open(f"sqlite:///{tmp_path}/bot.db")
    client = DmsClient.create(
        simulator.url,
        Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID),
        where=Place(demo=True),
        # One attempt: an injected failure is answered at once.
        options=ClientOptions(max_attempts=1, cache_ttl=60),
    )
    async with client:
        yield Conversation.of(client, store=store, clock=lambda: SIMULATOR_START, note=DEMO_NOTE)
    store.close()


COMMANDS = {
    "summary": "prod-orders last 1h",
    "cached summary": "prod-orders last 1h",
    "filtered": "prod-orders failed last 7d",
    "filtered by name": "prod-orders last 24h status success,cancelled name restart*",
    "filtered to nothing": "prod-orders last 1h status cancelled",
    "empty": "staging-orders since 02:59",
    "past the last page": "prod-orders page 99",
    "one task": f"prod-orders task {DEMO_TASK}",
    "instances": "instances",
    "help": "help",
    "subscribed": "subscribe prod-orders failed name restart*",
    "subscribed again": "subscribe prod-orders all",
    "subscriptions": "subscriptions",
    "unsubscribed": "unsubscribe prod-orders",
    "not subscribed": "unsubscribe prod-payments",
    "no subscriptions": "subscriptions",
    "no such instance": "asdf qwer zxcv",
    "a button typed wrong": "detials 2",
    "a command typed wrong": "lst 1h",
    "an unknown instance": "prod-ordrs last 1h",
    "a bad window": "prod-orders qwer",
    "a window in the future": "prod-orders since 2099-01-01",
    "a window backwards": "prod-orders from 10:00 to 09:00",
    "a window too long": "prod-orders last 100d",
    "several instances": "orders last 1h",
    "no such task": "prod-orders task " + "f" * 32,
    "a bad status": "prod-orders status foo",
    "a bad page": "prod-orders page 0",
    "subscribe to nothing": "subscribe",
    "a bad subscription": "subscribe prod-orders sometimes",
    "a bad language": "subscribe prod-orders lang fr",
    "a window first": "last 1h",
    "something after instances": "instances please",
}
FAULTS = {"credentials refused": "401", "throttled": "429", "DMS down": "503"}
FAULTS |= {"not JSON": "malformed", "connection dropped": "drop"}


async def every_message(
    talk: Conversation, simulator: Simulator, lang: Lang
) -> dict[str, Message | dict[str, Any]]:
    said: dict[str, Message | dict[str, Any]] = {}

    async def ask(name: str, text: str, asker: Ask = ASKER) -> Message:
        reply = await talk.answer(text, dataclasses.replace(asker, lang=lang))
        said[name] = reply.message
        return reply.message

    summary = await ask("summary", COMMANDS["summary"])
    for name, text in COMMANDS.items():
        await ask(name, text)
    await ask("subscriptions outside Slack", "subscribe prod-orders failed", asker=Ask())
    said["looking up"] = talk.looking_up("prod-orders last 1h", lang=lang)
    for button in (n for n in walk(summary.block_dicts()) if n.get("type") == "button"):
        reply = await talk.press(
            button["action_id"], button["value"], dataclasses.replace(ASKER, lang=lang)
        )
        said[f"pressed {button['action_id']}"] = reply.message
    for name, kind in FAULTS.items():
        simulator.faults.add(kind, count=3)
        # A window not asked yet, so that DMS is asked, not the cache.
        await ask(name, f"prod-payments last {len(said)}h")
        simulator.faults.clear()
    closed = DmsClient.create(
        f"http://127.0.0.1:{free_port()}",
        Credentials(DEMO_AK, DEMO_SK, DEMO_PROJECT_ID),
        endpoint_setting="DMS_ENDPOINT",
        options=ClientOptions(max_attempts=1),
    )
    async with closed:
        reply = await Conversation.of(closed).answer("prod-orders", Ask(lang=lang))
        said["DMS unreachable"] = reply.message
    said |= rendered(lang)
    return said


def rendered(lang: Lang) -> dict[str, Message | dict[str, Any]]:
    """What is rendered without a conversation: notifications, the Home tab, refusals."""
    orders = generate_demo(7, SIMULATOR_START)[0]
    tasks = [
        Task.from_api(record.to_api(SIMULATOR_START + timedelta(hours=4)))
        for record in orders.tasks[:6]
    ]
    iid, name = orders.instance.instance_id, orders.instance.name
    now = SIMULATOR_START + timedelta(hours=4)
    failed = next(task for task in tasks if task.failed)
    running = [Task.from_api(r.to_api(SIMULATOR_START)) for r in orders.tasks[-12:-8]]
    unreachable = DmsUnreachable("http://127.0.0.1:9", "refused", setting="DMS_ENDPOINT")
    watched = Instance(instance_id=iid, name=name)
    subscription = Subscription(
        channel="C0WORDS",
        instance_id=iid,
        instance_name=name,
        scope="failed",
        name_glob="restart*",
        created_by="U0WORDS",
        created_at=SIMULATOR_START,
        quiet=QuietHours(time(22), time(8), "Asia/Shanghai"),
    )
    # Everything that can hold a subscription back, said on its line.
    held = home_page.HomeSubscription(
        subscription,
        channel_name="oncall",
        snooze=Snooze("C0WORDS", iid, now + timedelta(hours=1), "U0WORDS"),
        daily=DailySummary("C0WORDS", iid, "09:00", "Asia/Shanghai", SIMULATOR_START),
    )
    listed = home_page.InstanceHome(
        watched,
        (held,),
        running=tuple(running),
        failures=(failed,),
        channel="C0WORDS",
    )
    broken = home_page.InstanceHome(
        Instance(instance_id="i-2", name="prod-payments"),
        (),
        problem="dms",
        reason=describe_error(unreachable, "en"),
        reason_zh=describe_error(unreachable, "zh"),
    )

    def tab(*items: home_page.InstanceHome, **extra: Any) -> Any:
        shown = home_page.HomePage(instances=items, updated_at=now, **extra)
        return home.home_view(shown, lang=lang, tz=UTC, now=now).to_dict()["blocks"]

    said: dict[str, Message | dict[str, Any]] = {
        "task finished": task_finished_message(
            failed, instance_id=iid, instance_name=name, tz=UTC, now=now, lang=lang
        ),
        "digest": digest_message(
            tasks, instance_id=iid, instance_name=name, tz=UTC, now=now, lang=lang
        ),
        "thread reply": thread_reply_message(
            failed, instance_id=iid, instance_name=name, tz=UTC, now=now, lang=lang
        ),
        "thread closed": thread_closed_message(running, instance_name=name, hours=6, lang=lang),
        "unreachable": unreachable_message(
            name, describe_error(unreachable, lang), since=SIMULATOR_START, tz=UTC, lang=lang
        ),
        "reachable": reachable_again_message(name, down_for=timedelta(minutes=12), lang=lang),
        "groups unavailable": groups_unavailable_message(lang=lang),
        "only you": only_you(help_message(lang=lang), lang=lang),
        "home": tab(listed, broken, notice=home_page.Notice("unsubscribed", "C0WORDS", name)),
        "empty home": tab(),
        "home loading": home.loading_home_view(lang).to_dict()["blocks"],
        "home broken": home.broken_home_view("1f2e3d4c", lang).to_dict()["blocks"],
        "mention, answered privately": Message(t(lang, "mention.private_answer", user="U1"), ()),
        "mention, failed privately": Message(t(lang, "mention.private_error", user="U1"), ()),
        "mention, unconfirmed privately": Message(
            t(lang, "mention.private_unconfirmed", user="U1"), ()
        ),
    }
    for where in ("share", "thread"):
        said[f"{where} unconfirmed"] = error_message(
            t(lang, f"button.unconfirmed_{where}"), title=t(lang, "button.unconfirmed"), lang=lang
        )
    for action in ("query", "share", "subscribe", "unsubscribe"):
        said[f"refused {action}"] = refused_message(action, "prod-payments", lang=lang)
    return said


@pytest.mark.parametrize("lang", LANGS)
async def test_no_message_holds_a_word_of_the_other_language(
    talk: Conversation, simulator: Simulator, lang: Lang
) -> None:
    messages = await every_message(talk, simulator, lang)
    assert len(messages) > 50
    leaks: dict[str, list[tuple[list[str], str]]] = {}
    for name, message in messages.items():
        for text in texts_of(message):
            wrong = CJK.findall(text) if lang == "en" else english_words(text)
            if wrong:
                leaks.setdefault(name, []).append((wrong, text))
    assert leaks == {}


def test_the_check_finds_english_words_and_lets_names_and_code_be() -> None:
    assert english_words("实例 `abc` 位于 the demo simulator") == ["the", "demo", "simulator"]
    assert english_words("prod-orders · 过去 1 小时 · `last 24h`") == []
    assert english_words(f"{DEMO_TASK} · 请检查 DMS_ENDPOINT · Asia/Shanghai · UTC") == []
    assert english_words("<!date^1^{time}|2026-11-27 03:00 UTC> :red_circle: 失败") == []
    # Italics close right after a word: the mark is not part of it, either way.
    assert english_words("_<@U1> 暂停到 <!date^1^{time}|2026-11-27 03:00 UTC>_") == []
    assert english_words("_snoozed until_ 14:00") == ["snoozed", "until"]
    assert english_words("DMS 在 10 秒内没有响应（ReadTimeout）") == ["ReadTimeout"]
