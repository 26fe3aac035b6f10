"""Picking the instance a user meant: one rule for one account and for several."""

from __future__ import annotations

import pytest

from bot.core.dms.errors import AmbiguousInstance, UnknownInstance
from bot.core.dms.models import Instance
from bot.core.dms.resolve import pick_instance

ORDERS = Instance("11111111-1111-4111-8111-111111111111", "prod-orders")
ORDERS_DR = Instance("22222222-2222-4222-8222-222222222222", "prod-orders-dr")
PAYMENTS = Instance("33333333-3333-4333-8333-333333333333", "prod-payments")
ONE_ACCOUNT = (ORDERS, ORDERS_DR, PAYMENTS)

PROD_ORDERS = Instance(ORDERS.instance_id, "prod-orders", account="prod", region="cn-north-4")
STAGING_ORDERS = Instance(
    "44444444-4444-4444-8444-444444444444", "prod-orders", account="staging", region="cn-east-3"
)
STAGING_ONLY = Instance(
    "55555555-5555-4555-8555-555555555555", "staging-only", account="staging", region="cn-east-3"
)
TWO_ACCOUNTS = (PROD_ORDERS, STAGING_ORDERS, STAGING_ONLY)


def test_label_names_the_account_only_when_there_is_one() -> None:
    assert ORDERS.label == "prod-orders"
    assert STAGING_ORDERS.label == "prod-orders@staging"


def test_by_id_exact_name_any_case_and_unique_part() -> None:
    assert pick_instance(PAYMENTS.instance_id, ONE_ACCOUNT, where="x") is PAYMENTS
    assert pick_instance(" prod-orders ", ONE_ACCOUNT, where="x") is ORDERS
    assert pick_instance("PROD-PAYMENTS", ONE_ACCOUNT, where="x") is PAYMENTS
    assert pick_instance("payments", ONE_ACCOUNT, where="x") is PAYMENTS


def test_an_unlisted_id_passes_through_for_the_task_call_to_decide() -> None:
    unlisted = "99999999-9999-4999-8999-999999999999"
    assert pick_instance(unlisted, ONE_ACCOUNT, where="x") == Instance(unlisted, unlisted)


def test_a_part_of_several_names_lists_them_by_label() -> None:
    with pytest.raises(AmbiguousInstance) as caught:
        pick_instance("orders", ONE_ACCOUNT, where="x")
    assert caught.value.candidates == (
        ("prod-orders", ORDERS.instance_id),
        ("prod-orders-dr", ORDERS_DR.instance_id),
    )


def test_the_same_name_in_two_accounts_is_a_choice_between_them() -> None:
    with pytest.raises(AmbiguousInstance) as caught:
        pick_instance("prod-orders", TWO_ACCOUNTS, where="x")
    assert caught.value.candidates == (
        ("prod-orders@prod", PROD_ORDERS.instance_id),
        ("prod-orders@staging", STAGING_ORDERS.instance_id),
    )
    assert pick_instance("staging-only", TWO_ACCOUNTS, where="x") is STAGING_ONLY
    assert pick_instance(STAGING_ORDERS.instance_id, TWO_ACCOUNTS, where="x") is STAGING_ORDERS


def test_unknown_names_where_it_looked_and_close_labels() -> None:
    with pytest.raises(UnknownInstance) as one:
        pick_instance("prod-ordrs", ONE_ACCOUNT, where="cn-north-4, project p")
    assert one.value.where == "cn-north-4, project p"
    assert one.value.close[0] == "prod-orders"
    with pytest.raises(UnknownInstance) as two:
        pick_instance("prod-ordrs", TWO_ACCOUNTS, where="accounts prod, staging")
    assert two.value.close == ("prod-orders@prod", "prod-orders@staging")
    assert "accounts prod, staging" in str(two.value)
