"""The outbox depth /metrics reports: every row not yet delivered, whatever its state."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.store import Store
from tests.unit.adapters.store.support import START

CLAIM = timedelta(seconds=60)


def test_depth_counts_waiting_claimed_and_retrying_rows_and_not_delivered_ones(
    store: Store,
) -> None:
    assert store.outbox_depth() == 0
    for key, channel in [("a1", "CA"), ("a2", "CA"), ("b1", "CB"), ("c1", "CC")]:
        assert store.enqueue(key, channel, None, "task_finished", "{}")
    assert store.outbox_depth() == 4

    claimed = {item.key: item for item in store.claim_due("r1", START, 10, CLAIM)}
    assert sorted(claimed) == ["a1", "b1", "c1"]
    assert store.outbox_depth() == 4, "a claimed row is still waiting for Slack"

    assert store.mark_failed(claimed["b1"].id, "r1", "ratelimited", START + timedelta(hours=1))
    assert store.outbox_depth() == 4, "a row waiting for its retry is still waiting"

    assert store.mark_delivered(claimed["a1"].id, "r1", "171.1")
    assert store.mark_delivered(claimed["c1"].id, "r1", None)  # set aside: not waiting
    assert store.outbox_depth() == 2
