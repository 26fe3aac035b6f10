"""Short replies: the instance list, help, errors with their choices, the placeholder."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.actions import PICK_INSTANCE, RETRY, QueryState
from bot.core.dms.models import Instance
from bot.core.help import USAGE
from bot.i18n import LANGS, Lang
from bot.views.limits import check_message, escape
from bot.views.replies import error_message, help_message, instances_message, looking_up_message
from tests.unit.views import any_input
from tests.unit.views.support import (
    NOW,
    all_text,
    answer_for,
    button,
    buttons_of,
    state_for,
    texts,
    valid,
)


def test_instances_are_listed_by_name_and_id_even_hundreds() -> None:
    instances = [
        Instance.from_api({"instance_id": f"id-{i:04d}", "name": f"kafka-{i}", "status": "RUNNING"})
        for i in range(600)
    ]
    message = instances_message(instances, "cn-north-4")
    blocks = valid(message)
    text = all_text(blocks)
    assert "*kafka-0* `id-0000` · RUNNING" in text
    assert "more" in text or "kafka-599" in text
    assert message.text == "600 Kafka instances in cn-north-4"
    assert "No Kafka instances in cn-north-4." in all_text(
        valid(instances_message([], "cn-north-4"))
    )


def test_help_shows_usage_and_the_note() -> None:
    blocks = valid(help_message("Demo mode: answers come from the built-in simulator."))
    assert f"```\n{escape(USAGE.rstrip())}\n```" in texts(blocks)
    assert blocks[-1]["type"] == "context"
    assert "Demo mode" in all_text(blocks[-1:])
    assert all(b["type"] != "context" for b in valid(help_message()))


def test_error_offers_choices_as_buttons_and_retry() -> None:
    retry = state_for(answer_for([]))
    choices = [("prod-orders", "id-1 last 1h"), ("prod-orders-eu", "id-2 last 1h")]
    message = error_message('"prod" matches 2 instances. Pick one:', retry=retry, choices=choices)
    blocks = valid(message)
    assert blocks[0]["text"]["text"] == ':warning: "prod" matches 2 instances. Pick one:'
    picks = [b for b in buttons_of(blocks) if b["action_id"] == PICK_INSTANCE]
    assert [(b["text"]["text"], b["value"]) for b in picks] == choices
    retry_button = button(blocks, RETRY)
    assert retry_button is not None
    assert QueryState.decode(retry_button["value"]) == retry
    assert "Pick one" in message.text


def test_error_with_hundreds_of_choices_and_hostile_text_fits() -> None:
    choices = [(f"kafka-{i} " + "n" * 100, f"id-{i}") for i in range(300)]
    message = error_message("couldn't read <@U1> & " + "x" * 5000, choices=choices)
    blocks = valid(message)
    assert "&lt;@U1&gt; &amp;" in blocks[0]["text"]["text"]
    assert "more" in all_text(blocks)
    assert all(len(b["text"]["text"]) <= 75 for b in buttons_of(blocks))


def test_looking_up_names_what_is_asked() -> None:
    message = looking_up_message("prod-orders · last 1h")
    valid(message)
    assert message.text == ":hourglass_flowing_sand: Looking up prod-orders · last 1h…"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), lang=st.sampled_from(LANGS))
def test_every_reply_fits_slack_for_any_input(data: st.DataObject, lang: Lang) -> None:
    text = any_input.texts
    choices = data.draw(st.lists(st.tuples(text, text), max_size=200), label="choices")
    state = QueryState(
        instance=data.draw(text, label="instance"),
        window_text=data.draw(text, label="window_text"),
        begin=NOW - timedelta(hours=1),
        end=NOW,
        zone=data.draw(text, label="zone"),
        statuses=frozenset(data.draw(st.lists(any_input.statuses, max_size=3))),
        name_glob=data.draw(st.none() | text, label="glob"),
        page=data.draw(st.integers(1, 10**6), label="page"),
    )
    messages = [
        instances_message(
            [Instance(instance_id=i, name=n, status=n) for i, n in choices],
            data.draw(text, label="where"),
            lang=lang,
        ),
        help_message(data.draw(st.none() | text, label="note"), lang=lang),
        error_message(
            data.draw(text, label="error"),
            retry=data.draw(st.none() | st.just(state)),
            choices=choices,
            title=data.draw(st.none() | text, label="title"),
            lang=lang,
        ),
        looking_up_message(data.draw(text, label="what"), lang=lang),
    ]
    for message in messages:
        assert check_message(message.block_dicts(), message.text) == []
