"""bot.core.grammar.misread: a first word that names no instance, read as what it most
likely was (a command, or a button's label)."""

from __future__ import annotations

import pytest

from bot.core.dms.errors import UnknownInstance
from bot.core.grammar.misread import NotAnInstance, meant_command, misread
from bot.core.grammar.slack_text import command_words


@pytest.mark.parametrize(
    ("typed", "meant", "button"),
    [
        ("detials 2", "details 2", "button.details"),
        # A label alone: Details is one button per task, so the first is offered.
        ("details", "details 1", "button.details"),
        ("nxt", "next", "button.next"),
        ("refersh", "refresh", "button.refresh"),
        ("instnaces", "instances", None),
        ("hepl", "help", None),
        ("subscibe", "subscribe", None),
        ("lst 1h", "<instance> last 1h", None),
        ("yesterdy", "<instance> yesterday", None),
    ],
)
def test_a_first_word_close_to_a_command_or_a_button_is_read_as_meant(
    typed: str, meant: str, button: str | None
) -> None:
    assert meant_command(command_words(typed)) == (meant, button)


@pytest.mark.parametrize("typed", ["asdf qwer", "prod-ordrs 1h", "tasks prod-orders", ""])
def test_a_first_word_close_to_nothing_is_just_not_an_instance(typed: str) -> None:
    assert meant_command(command_words(typed)) is None


def test_an_unknown_instance_says_the_command_it_most_likely_was() -> None:
    unknown = UnknownInstance("detials", "the demo simulator", request_id="r-1")
    said = misread(unknown, command_words("detials 2"))
    assert isinstance(said, NotAnInstance)
    # The instance first, then what was meant, and the request id stays last.
    assert str(said) == (
        'No Kafka instance named "detials" in the demo simulator. Run `instances` to list '
        "them. Did you mean the Details button? Buttons are on answers (ask `<instance> "
        "last 1h`); in the shell, type one's label to press it: `details 2`. (request id r-1)"
    )
    assert str(misread(UnknownInstance("lst", "x"), command_words("lst 1h"))).endswith(
        "Did you mean `<instance> last 1h`?"
    )
    # Not about the first word typed, or close to nothing: left as it is.
    assert misread(unknown, command_words("prod-orders task 1")) is unknown
    other = UnknownInstance("asdf", "x")
    assert misread(other, command_words("asdf 1h")) is other
