"""What a simulator is started with: credentials, seed, limits and standing faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

# Public on purpose: the demo mode signs with these, and nothing real accepts them.
DEMO_AK = "DEMOAKKAFKATASKS0000"
DEMO_SK = "DemoSecretKeyForTheKafkaTasksSimulator00"
DEMO_PROJECT_ID = "0f5d1c6a3b7e4d9a8c2b6e1f0a9d8c7b"

DEFAULT_MAX_SKEW = timedelta(minutes=15)


@dataclass(frozen=True)
class SimulatorConfig:
    seed: int = 7
    latency_ms: float = 0
    fail_rate: float = 0.0
    ak: str = DEMO_AK
    sk: str = field(default=DEMO_SK, repr=False)
    project_id: str = DEMO_PROJECT_ID
    security_token: str | None = field(default=None, repr=False)
    # The real limit cap is undocumented; capping silently (not refusing) is the
    # behaviour that breaks a client which trusts its own page size, so we model it.
    max_limit: int = 1000
    max_skew: timedelta = DEFAULT_MAX_SKEW
    # Which query parameter the server reads as the 1-based first task index. The SDK
    # and Terraform send `start`; newer docs name it `offset`. "offset" models a server
    # that ignores `start`, which a client must notice rather than loop on page one.
    start_param: str = "start"
    # Services this region lacks (e.g. {"ces"}): their paths answer 404 APIGW.0101, as
    # a gateway without that API does. Changeable at run time (POST /_sim/settings).
    absent_services: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        problems = []
        if self.latency_ms < 0:
            problems.append(f"latency_ms must be >= 0, got {self.latency_ms}")
        if not 0.0 <= self.fail_rate <= 1.0:
            problems.append(f"fail_rate must be within [0, 1], got {self.fail_rate}")
        if self.max_limit < 1:
            problems.append(f"max_limit must be >= 1, got {self.max_limit}")
        if self.start_param not in ("start", "offset"):
            problems.append(f"start_param must be 'start' or 'offset', got {self.start_param!r}")
        if not self.absent_services <= {"dms", "cts", "ces"}:
            problems.append(f"absent_services must be among dms, cts, ces: {self.absent_services}")
        if self.max_skew <= timedelta(0):
            problems.append(f"max_skew must be positive, got {self.max_skew}")
        if not self.ak or not self.sk:
            problems.append("ak and sk must be non-empty")
        if not self.project_id or "/" in self.project_id:
            problems.append(f"project_id must be a non-empty path segment, got {self.project_id!r}")
        if problems:
            raise ValueError("invalid SimulatorConfig: " + "; ".join(problems))
