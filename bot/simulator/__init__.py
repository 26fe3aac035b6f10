"""A DMS for Kafka simulator: the same API, AK/SK check, faults, latency and demo data.

Used by the demo mode (no credentials), by the tests and by the benchmarks::

    async with Simulator(SimulatorConfig(seed=7)) as sim:
        ...  # point a client at sim.url, signing with DEMO_AK / DEMO_SK / DEMO_PROJECT_ID
"""

from bot.simulator.clock import Clock, ManualClock, SystemClock
from bot.simulator.config import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, SimulatorConfig
from bot.simulator.faults import FAULT_KINDS, Fault, Faults
from bot.simulator.model import InstanceRecord, TaskRecord
from bot.simulator.runner import Simulator, SimulatorThread
from bot.simulator.state import SimulatorState, TaskPage
from bot.simulator.stats import Stats, StatsSnapshot

__all__ = [
    "DEMO_AK",
    "DEMO_PROJECT_ID",
    "DEMO_SK",
    "FAULT_KINDS",
    "Clock",
    "Fault",
    "Faults",
    "InstanceRecord",
    "ManualClock",
    "Simulator",
    "SimulatorConfig",
    "SimulatorState",
    "SimulatorThread",
    "Stats",
    "StatsSnapshot",
    "SystemClock",
    "TaskPage",
    "TaskRecord",
]
