"""The simulator as a separate process, as real DMS would be.

In-process (a thread) the simulator would share the client's interpreter lock and its
CPU time would count against the client; a process of its own keeps the figures honest.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Upstream:
    url: str

    def add_instance(self, name: str, tasks: int, span_hours: float) -> str:
        response = httpx.post(
            f"{self.url}/_sim/instances",
            json={"name": name, "tasks": tasks, "span_hours": span_hours},
            timeout=60,
        )
        response.raise_for_status()
        return str(response.json()["instance_id"])

    def stats(self) -> dict[str, object]:
        body = httpx.get(f"{self.url}/_sim/stats", timeout=10).json()
        return dict(body)

    def reset_stats(self) -> None:
        httpx.post(f"{self.url}/_sim/stats/reset", timeout=10).raise_for_status()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def simulator_process(*options: str) -> Iterator[Upstream]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "simulator", "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    upstream = Upstream(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{upstream.url}/_sim/stats", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"the simulator did not start: {err}") from None
                time.sleep(0.05)
        yield upstream
    finally:
        proc.terminate()
        proc.wait(timeout=10)
