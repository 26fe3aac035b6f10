"""What a command or a button press gets back, and the audit result each reply means."""

from __future__ import annotations

from bot.core import actions
from bot.services.guard import Refused
from bot.services.outcome import Failure, Outcome
from bot.services.reply import Reply, error_reply, failed_reply
from bot.views.kit import Message
from tests.unit.services.fakes import ORDERS, buttons


def test_a_reply_says_its_audit_result() -> None:
    answered = Reply(Message("2 tasks", ()), instance=ORDERS.instance_id)
    assert answered.outcome() == Outcome("ok", ORDERS.instance_id)
    failed = error_reply("DMS did not answer in time.", "en")
    assert failed.outcome().result == "error"
    assert "DMS did not answer in time." in str(failed.outcome().detail)
    refused = failed_reply(Failure("", refused=Refused("share", "prod-orders", "rule 1")), "en")
    assert refused.outcome() == Outcome("refused", None, "rule 1")


def test_an_error_goes_to_the_asker_alone() -> None:
    reply = error_reply("No.", "en")
    assert not reply.ok
    assert reply.delivery == "ephemeral"
    assert reply.follow is None


def test_choices_become_pick_buttons_carrying_the_command_to_run() -> None:
    reply = error_reply("Pick one:", "en", choices=[("prod-orders", "id-1 last 2h"), ("x", "")])
    # A choice with nothing to run is not offered.
    assert buttons(reply.message) == [(actions.PICK_INSTANCE, "id-1 last 2h")]


def test_a_refusal_names_what_was_typed_and_not_the_rule() -> None:
    refusal = Failure("", refused=Refused("subscribe", "prod-payments", "rule 3 (finance)"))
    for lang in ("en", "zh"):
        reply = failed_reply(refusal, lang)
        assert reply.refused
        assert "prod-payments" in reply.message.text
        assert "rule 3" not in reply.message.text
        assert "finance" not in reply.message.text
