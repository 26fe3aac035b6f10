"""The demo instances: what each looks like and how busy it is."""

from __future__ import annotations

from dataclasses import dataclass

SPECS = (
    "kafka.2u4g.cluster * 3 broker",
    "kafka.4u8g.cluster * 3 broker",
    "kafka.8u16g.cluster * 3 broker",
    "kafka.12u24g.cluster * 3 broker",
)


@dataclass(frozen=True)
class InstanceProfile:
    """What an instance looks like and how busy it is in each part of the timeline."""

    name: str
    engine_version: str
    specification: str
    description: str
    topics: tuple[str, ...]
    age_days: int
    last_hour: int  # created in the hour before the anchor
    last_day: int  # created 1 h to 24 h before the anchor
    history: int  # created 1 d to 30 d before the anchor
    in_progress: int  # created shortly before the anchor, finishing after it
    future: int  # created after the anchor: they appear as the clock passes


_ORDER_TOPICS = (
    "orders.created",
    "orders.paid",
    "orders.shipped",
    "orders.cancelled",
    "orders.dlq",
)

DEMO_PROFILES: tuple[InstanceProfile, ...] = (
    InstanceProfile(
        "prod-orders", "3.x", SPECS[2], "Order events, production", _ORDER_TOPICS,
        age_days=410, last_hour=18, last_day=70, history=320, in_progress=4, future=8,
    ),
    InstanceProfile(
        "prod-orders-dr", "3.x", SPECS[2], "Disaster-recovery replica of prod-orders",
        _ORDER_TOPICS, age_days=300, last_hour=3, last_day=20, history=180, in_progress=1,
        future=2,
    ),
    InstanceProfile(
        "prod-payments", "3.x", SPECS[1], "Payments, production",
        ("payments.authorized", "payments.captured", "payments.refunds", "payments.audit"),
        age_days=520, last_hour=8, last_day=45, history=260, in_progress=2, future=4,
    ),
    InstanceProfile(
        "staging-orders", "3.x", SPECS[0], "Order events, staging", _ORDER_TOPICS,
        age_days=200, last_hour=5, last_day=30, history=220, in_progress=1, future=3,
    ),
    InstanceProfile(
        "dev-sandbox", "2.7", SPECS[0], "Shared sandbox; anything goes",
        ("test", "tmp-load-test", "scratch", "connect-offsets"),
        age_days=90, last_hour=4, last_day=25, history=300, in_progress=1, future=2,
    ),
    InstanceProfile(
        "analytics-events", "2.7", SPECS[3], "Clickstream and metrics pipeline",
        ("clickstream.raw", "clickstream.sessions", "events.enriched", "metrics.rollup"),
        age_days=700, last_hour=6, last_day=35, history=240, in_progress=2, future=3,
    ),
)  # fmt: skip
