"""The access rules: who may query, share, subscribe and unsubscribe what, where."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from bot.adapters.audit import AuditEvent
from bot.core.access import (
    Gatekeeper,
    GroupsUnavailable,
    Policy,
    PolicyError,
    Subject,
    Target,
    parse_policy,
)
from bot.core.dms.models import Instance
from bot.core.redact import redact_text

ORDERS = Instance(instance_id="11111111-1111-4111-8111-111111111111", name="prod-orders")
PAYMENTS = Instance(instance_id="22222222-2222-4222-8222-222222222222", name="prod-payments")
SANDBOX = Instance(instance_id="33333333-3333-4333-8333-333333333333", name="dev-sandbox")

RULES = """
default = "deny"

[[access.rules]]
description = "nobody touches payments from the public channel"
effect = "deny"
channels = ["C0PUBLIC"]
instances = ["prod-payments"]

[[access.rules]]
description = "incident channel: everything"
channels = ["C0INCIDENT"]

[[access.rules]]
description = "on-call group may query prod anywhere, not subscribe"
groups = ["S0ONCALL"]
actions = ["query", "share"]
instances = ["prod-*"]

[[access.rules]]
description = "alice may look at the sandbox in her DMs"
users = ["U0ALICE"]
channels = ["DM"]
actions = ["query"]
instances = ["sandbox"]
"""


def policy() -> Policy:
    table = tomllib.loads(RULES.replace("[[access.rules]]", "[[rules]]"))
    return parse_policy(table, aliases={"sandbox": SANDBOX.instance_id})


def allowed(action: str, who: Subject, instance: Instance) -> bool:
    p = policy()
    return p.decide(action, who, p.target(instance)).allowed  # type: ignore[arg-type]


def test_no_rules_lets_everyone_do_everything_and_says_so() -> None:
    open_policy = parse_policy({})
    assert open_policy.open
    who = Subject(user="U1", channel="C1")
    for action in ("query", "share", "subscribe", "unsubscribe"):
        assert open_policy.decide(action, who, open_policy.target(ORDERS)).allowed
    assert "everyone in the workspace" in open_policy.describe()


def test_rules_default_to_deny_and_the_first_matching_rule_decides() -> None:
    anyone_public = Subject(user="U9", channel="C0PUBLIC")
    incident = Subject(user="U9", channel="C0INCIDENT")
    assert not allowed("query", anyone_public, ORDERS)  # no rule: default deny
    assert allowed("subscribe", incident, ORDERS)
    assert allowed("unsubscribe", incident, PAYMENTS)
    # The deny for payments is in the public channel only: the incident rule still allows.
    oncall_public = Subject(user="U9", channel="C0PUBLIC", groups=frozenset({"S0ONCALL"}))
    assert allowed("query", oncall_public, ORDERS)
    assert not allowed("query", oncall_public, PAYMENTS)  # rule 1 comes first
    assert not allowed("subscribe", oncall_public, ORDERS)  # the group rule has no subscribe
    assert not allowed("query", oncall_public, SANDBOX)  # not prod-*


def test_rules_match_aliases_and_direct_messages() -> None:
    alice_dm = Subject(user="U0ALICE", channel="D0ALICE")
    assert allowed("query", alice_dm, SANDBOX)  # named by its alias in the rule
    assert not allowed("share", alice_dm, SANDBOX)
    assert not allowed("query", Subject(user="U0ALICE", channel="C0OTHER"), SANDBOX)
    assert not allowed("query", Subject(user="U0BOB", channel="D0BOB"), SANDBOX)


def test_possible_and_restricted_answer_before_anything_is_looked_up() -> None:
    p = policy()
    nobody = Subject(user="U9", channel="C0ELSEWHERE")
    assert not p.possible("query", nobody)
    incident = Subject(user="U9", channel="C0INCIDENT")
    assert p.possible("query", incident)
    assert not p.restricted("query", incident)  # a rule for every instance allows
    oncall = Subject(user="U9", channel="C0ELSEWHERE", groups=frozenset({"S0ONCALL"}))
    assert p.possible("query", oncall)
    assert p.restricted("query", oncall)
    assert not p.possible("subscribe", oncall)


@pytest.mark.parametrize(
    ("table", "path", "words"),
    [
        ({"defualt": "deny"}, ("defualt",), "unknown key"),
        ({"default": "maybe"}, ("default",), '"allow" or "deny"'),
        ({"rules": [{"effect": "permit"}]}, ("rules", 0, "effect"), '"allow" or "deny"'),
        ({"rules": [{"actions": ["delete"]}]}, ("rules", 0, "actions"), "unknown action"),
        ({"rules": [{"channels": ["#incidents"]}]}, ("rules", 0, "channels"), "channel id"),
        ({"rules": [{"users": ["alice"]}]}, ("rules", 0, "users"), "user id"),
        ({"rules": [{}, {"groups": ["oncall"]}]}, ("rules", 1, "groups"), "user group id"),
        ({"rules": [{"instances": "prod-*", "who": 1}]}, ("rules", 0, "who"), "unknown key"),
        ({"rules": [{"instances": [1]}]}, ("rules", 0, "instances"), "list of non-empty"),
        ({"rules": "everyone"}, ("rules",), "[[access.rules]]"),
    ],
)
def test_a_bad_rule_names_the_key_at_fault_and_what_to_write(
    table: dict[str, object], path: tuple[str | int, ...], words: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(table)
    assert caught.value.path == path
    assert words in caught.value.reason


async def test_group_membership_comes_from_slack_and_a_failure_refuses() -> None:
    asked: list[str] = []

    async def members(group: str) -> Sequence[str]:
        asked.append(group)
        return ["U0CAROL"]

    gate = Gatekeeper(policy(), members)
    carol = await gate.subject("U0CAROL", "C0ELSEWHERE")
    assert carol.groups == {"S0ONCALL"}
    assert asked == ["S0ONCALL"]
    dave = await gate.subject("U0DAVE", "C0ELSEWHERE")
    assert dave.groups == frozenset()

    async def broken(group: str) -> Sequence[str]:
        raise OSError("slack is down")

    with pytest.raises(GroupsUnavailable):
        await Gatekeeper(policy(), broken).subject("U0CAROL", "C0ELSEWHERE")


def test_audit_lines_are_one_json_object_without_secrets() -> None:
    event = AuditEvent(
        kind="slash",
        user="U1",
        channel="C1",
        what="prod-orders last 1h token=xoxb-123-456-abc password: hunter2 AKIAIOSFODNN7EXAMPLE",
        result="ok",
        instance=ORDERS.instance_id,
        request_ids=("r1", "r2", "r1"),
        duration_ms=12.345,
    )
    line = event.line(datetime(2026, 11, 27, tzinfo=UTC))
    record = json.loads(line)
    assert "\n" not in line
    assert record["request_ids"] == ["r1", "r2"]
    assert record["ms"] == 12.3
    for secret in ("xoxb-123", "hunter2", "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in line
    assert record["what"].startswith("prod-orders last 1h")
    assert redact_text("sk=abc") == "sk=••••••"


# --- change: granted only by a rule that names it ------------------------------------

_ALICE = Subject(user="U0ALICE", channel="C0OPS")
_ORDERS = Target(frozenset({"prod-orders"}))


def test_change_is_refused_with_no_rules_or_a_default_allow() -> None:
    assert not Policy().decide("change", _ALICE, _ORDERS).allowed
    assert not Policy().possible("change", _ALICE)
    assert Policy().decide("query", _ALICE, _ORDERS).allowed
    everything = parse_policy({"default": "allow", "rules": [{"users": ["U0ALICE"]}]})
    assert everything.decide("query", _ALICE, _ORDERS).allowed
    assert not everything.decide("change", _ALICE, _ORDERS).allowed


def test_change_is_granted_by_a_rule_naming_it() -> None:
    policy = parse_policy(
        {"rules": [{"users": ["U0ALICE"], "actions": ["change"], "instances": ["prod-*"]}]}
    )
    assert policy.decide("change", _ALICE, _ORDERS).allowed
    assert not policy.decide("change", _ALICE, Target(frozenset({"staging"}))).allowed
    bob = Subject(user="U0BOB", channel="C0OPS")
    assert not policy.decide("change", bob, _ORDERS).allowed


def test_a_deny_rule_without_actions_still_refuses_change() -> None:
    policy = parse_policy(
        {
            "rules": [
                {"effect": "deny", "channels": ["C0OPS"]},
                {"users": ["U0ALICE"], "actions": ["change"]},
            ]
        }
    )
    assert not policy.decide("change", _ALICE, _ORDERS).allowed
