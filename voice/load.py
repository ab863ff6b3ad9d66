"""How full this worker is, told to LiveKit so the next call goes to a worker with room.

LiveKit calls the worker's `load_fnc` every half second and again before it answers a
dispatch, and marks the worker full (`WorkerStatus.WS_FULL`: no new calls) once the load
reaches `load_threshold`. Two things fill a worker: the machine's CPU (LiveKit's own
measurement: cgroup-aware, averaged over 2.5 s) and its calls, at most
`VOICE_MAX_CALLS_PER_WORKER`. The load is whichever is nearer full, the calls scaled so
that the last call allowed lands exactly on the threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from livekit.agents import AgentServer

# LiveKit's default load: the CPU share in 0..1, averaged by one background thread. It has
# no public name; reusing it keeps LiveKit's cgroup handling and smoothing.
from livekit.agents.worker import _DefaultLoadCalc

CpuLoad = Callable[[AgentServer], float]
"""The machine's CPU in use, 0..1, as LiveKit measures it for a worker."""


def worker_load(*, cpu: float, calls: int, max_calls: int, threshold: float) -> float:
    """Return the worker's load in 0..1: its CPU share, or its calls scaled to the threshold.

    `calls == max_calls` gives exactly `threshold`, so LiveKit marks the worker full at
    that call and not before (it compares `load >= threshold`); CPU is compared as
    LiveKit's default compares it.
    """
    return min(max(cpu, threshold * (calls / max_calls)), 1.0)


@dataclass(frozen=True)
class WorkerLoad:
    """LiveKit's `load_fnc` for this worker: CPU or calls, whichever is nearer full."""

    max_calls: int
    """Calls the worker takes at once (`VOICE_MAX_CALLS_PER_WORKER`)."""
    threshold: float
    """The load at which LiveKit marks the worker full (`VOICE_LOAD_THRESHOLD`)."""
    cpu: CpuLoad = _DefaultLoadCalc.get_load

    def __call__(self, server: AgentServer) -> float:
        """Return the load of `server` now (LiveKit runs this on a thread of its own)."""
        return worker_load(
            cpu=self.cpu(server),
            calls=len(server.active_jobs),
            max_calls=self.max_calls,
            threshold=self.threshold,
        )
