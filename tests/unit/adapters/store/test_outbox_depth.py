"""The outbox depth /metrics reports: every row not yet delivered, whatever its state."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.store import Store
from tests.unit.adapters.store.support import START

CLAIM = timedelta(seconds=60)


def test_depth_counts_waiting_claimed_and_retrying_rows_and_not_delivered_ones(
    store: Store,
) -> None:
    assert store.outbox.depth.sync() == 0
    for key, channel in [("a1", "CA"), ("a2", "CA"), ("b1", "CB"), ("c1", "CC")]:
        assert store.outbox.enqueue.sync(key, channel, None, "task_finished", "{}")
    assert store.outbox.depth.sync() == 4

    claimed = {item.key: item for item in store.outbox.claim_due.sync("r1", START, 10, CLAIM)}
    assert sorted(claimed) == ["a1", "b1", "c1"]
    assert store.outbox.depth.sync() == 4, "a claimed row is still waiting for Slack"

    assert store.outbox.mark_failed.sync(
        claimed["b1"].id, "r1", "ratelimited", START + timedelta(hours=1)
    )
    assert store.outbox.depth.sync() == 4, "a row waiting for its retry is still waiting"

    assert store.outbox.mark_delivered.sync(claimed["a1"].id, "r1", "171.1")
    assert store.outbox.mark_delivered.sync(claimed["c1"].id, "r1", None)  # set aside: not waiting
    assert store.outbox.depth.sync() == 2
