"""The worker tells LiveKit when it is full, and on SIGTERM drains: no new call, none cut.

The load is checked as a function first, then on LiveKit's own `AgentServer` as
`voice_bridge` builds it, run without a LiveKit server (`run(unregistered=True)`): calls
are LiveKit's fake jobs (`simulate_job`) on the thread executor, set up by the worker's
own `prewarm`, held on the line until the test hangs them up. What the worker would send
LiveKit (its status, its answer to a dispatch) is read from the queue its connection
sends from. The CLI's SIGTERM path, through to `atexit`, runs in a child process.
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import os
import signal
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from livekit.agents import AgentServer, JobContext, cli
from livekit.agents.job import JobExecutorType
from livekit.agents.utils.aio.channel import ChanEmpty
from livekit.agents.worker import ServerEnvOption
from livekit.protocol import agent, models

import voice_bridge
from booking.databases import Database
from booking.settings import get_settings
from voice.costs import finish_call
from voice.load import WorkerLoad, worker_load
from voice.options import VoiceRates
from voice.settings import VoiceSettings, get_voice_settings

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60
"""Seconds a test waits for a call to start before it fails (a guard, not a measure)."""
FULL, AVAILABLE = agent.WorkerStatus.WS_FULL, agent.WorkerStatus.WS_AVAILABLE


def test_the_load_is_the_cpu_or_the_calls_whichever_is_nearer_full() -> None:
    """The load is the CPU share, or the calls scaled so the last one allowed is the threshold."""

    def load(cpu: float, calls: int) -> float:
        return worker_load(cpu=cpu, calls=calls, max_calls=10, threshold=0.7)

    assert load(0.0, 0) == 0.0
    assert load(0.2, 5) == 0.35  # half the calls: half the threshold
    assert load(0.5, 5) == 0.5  # the CPU is nearer full
    assert load(0.1, 10) == 0.7
    assert load(0.9, 0) == 0.9
    assert load(0.1, 30) == 1.0  # never above what LiveKit expects


def test_the_last_call_allowed_reaches_the_threshold_and_the_one_before_does_not() -> None:
    """For any maximum and threshold, the maximum of calls loads the threshold, one fewer less."""
    for max_calls in range(1, 101):
        for threshold in (0.05, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 1.0):
            full = worker_load(cpu=0.0, calls=max_calls, max_calls=max_calls, threshold=threshold)
            under = worker_load(
                cpu=0.0, calls=max_calls - 1, max_calls=max_calls, threshold=threshold
            )
            assert full == threshold and under < threshold


def test_the_worker_is_built_with_the_settings_load_threshold_and_drain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`voice_bridge.main()` hands LiveKit our load function, threshold and drain, then atexit."""
    monkeypatch.setenv("VOICE_MAX_CALLS_PER_WORKER", "4")
    monkeypatch.setenv("VOICE_LOAD_THRESHOLD", "0.6")
    monkeypatch.setenv("VOICE_DRAIN_SECONDS", "900")
    monkeypatch.setenv("VOICE_JOB_EXECUTOR", "process")
    monkeypatch.setattr(sys, "argv", ["voice_bridge.py", "download-files"])  # no database check
    ran: list[AgentServer] = []
    at_exit: list[object] = []
    monkeypatch.setattr(cli, "run_app", ran.append)
    monkeypatch.setattr(atexit, "register", at_exit.append)
    get_voice_settings.cache_clear()
    try:
        voice_bridge.main()
    finally:
        get_voice_settings.cache_clear()
    (server,) = ran
    assert server.load_fnc == WorkerLoad(max_calls=4, threshold=0.6)
    # AgentServer has no getters for these two: its own fields are read
    assert ServerEnvOption.getvalue(server._load_threshold, devmode=False) == 0.6
    assert ServerEnvOption.getvalue(server._load_threshold, devmode=True) == float("inf")
    assert server._drain_timeout == 900
    assert server._job_executor_type == JobExecutorType.PROCESS
    assert at_exit == [voice_bridge.BOOKING.close]


def test_the_defaults_are_ten_calls_livekits_threshold_and_half_an_hour() -> None:
    """Unset, a worker takes 10 calls, in threads sharing its receptionist, is full at 70 %
    CPU, and drains for up to 30 minutes."""
    voice = VoiceSettings(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert voice_bridge.build_server(voice)._job_executor_type == JobExecutorType.THREAD
    assert voice.voice_max_calls_per_worker == 10
    assert voice.voice_load_threshold == 0.7
    assert voice.voice_drain_seconds == 1800


@dataclass
class Cpu:
    """The machine's CPU share as the worker's load function sees it, set by the test."""

    share: float = 0.0

    def __call__(self, server: AgentServer) -> float:
        """Return the share set."""
        return self.share


@dataclass
class HeldCalls:
    """Calls that stay on the line until the test hangs them up, then store their summary.

    Each starts on the graph with the receptionist the worker's `prewarm` lent it; as a
    real call's agent does, it stores its summary while its job shuts down
    (`voice.costs.finish_call`), and `ended` keeps why the job ended.
    """

    started: dict[str, threading.Event] = field(default_factory=dict)
    hung_up: dict[str, threading.Event] = field(default_factory=dict)
    ended: dict[str, str] = field(default_factory=dict)

    async def entrypoint(self, ctx: JobContext) -> None:
        """Answer a call, stay on it until hung up, store its summary as the job ends."""
        sid = ctx.job.room.sid
        receptionist = await asyncio.to_thread(ctx.proc.userdata["booking"].get)
        call = receptionist.conversation(sid)
        await asyncio.to_thread(call.start)

        async def store_summary(reason: str) -> None:
            await asyncio.to_thread(
                finish_call, call, heard=None, model_usage=[], rates=VoiceRates(), latency={}
            )
            self.ended[sid] = reason

        ctx.add_shutdown_callback(store_summary)
        await ctx.connect()
        self.started[sid].set()
        await asyncio.to_thread(self.hung_up[sid].wait)
        ctx.shutdown("caller hung up")

    async def take(self, server: AgentServer, sid: str) -> None:
        """Put a call through to `server` (as LiveKit's console does) and wait until it starts."""
        self.started[sid], self.hung_up[sid] = threading.Event(), threading.Event()
        room = models.Room(sid=sid, name=f"room-{sid}")
        await server.simulate_job(room.name, fake_job=True, room_info=room)
        assert await asyncio.to_thread(self.started[sid].wait, WAIT)

    async def hang_up(self, server: AgentServer, sid: str) -> None:
        """Hang a call up and wait until its job has ended, summary stored."""
        # LiveKit's executor of the call's job: joined once the job's thread has ended
        (job,) = (
            p
            for p in server._proc_pool.processes
            if p.running_job and p.running_job.job.room.sid == sid
        )
        self.hung_up[sid].set()
        await job.join()

    def hang_up_all(self) -> None:
        """Hang up every call (a call still held would keep its job thread alive)."""
        for event in self.hung_up.values():
            event.set()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HeldCalls]:
    """Yield the held calls, on a SQLite receptionist of their own; close it after."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BOOKING_DB", str(tmp_path / "worker.db"))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    held = HeldCalls()
    yield held
    held.hang_up_all()
    voice_bridge.BOOKING.close()
    get_settings.cache_clear()


@asynccontextmanager
async def running(
    calls: HeldCalls, *, max_calls: int = 10, cpu: Cpu | None = None
) -> AsyncIterator[AgentServer]:
    """Run the worker `voice_bridge` builds, unregistered, taking `calls` on its threads.

    The CPU share is the test's (`cpu`), so the load is known; the rest is as built.
    """
    voice = VoiceSettings(_env_file=None, voice_max_calls_per_worker=max_calls)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    server = voice_bridge.build_server(voice)
    assert isinstance(server.load_fnc, WorkerLoad)
    server.load_fnc = dataclasses.replace(server.load_fnc, cpu=cpu or Cpu())
    server.rtc_session(calls.entrypoint, agent_name=voice.livekit_agent_name)
    # Calls on threads of this process, sharing its receptionist; none kept warm: LiveKit
    # 1.8.9 hangs closing a thread executor whose spare is still in its set-up.
    server.update_options(job_executor_type=JobExecutorType.THREAD, num_idle_processes=0)
    server._port = 0  # the health check's port has no option after construction; 0: any free
    started = asyncio.Event()
    server.once("worker_started", started.set)
    run = asyncio.create_task(server.run(devmode=False, unregistered=True))
    await asyncio.wait(
        {run, asyncio.ensure_future(started.wait())}, return_when=asyncio.FIRST_COMPLETED
    )
    assert not run.done(), run.exception()
    try:
        yield server
    finally:
        calls.hang_up_all()
        await server.aclose()
        await run


def sent(server: AgentServer) -> list[agent.WorkerMessage]:
    """Return what the worker queued for LiveKit since the last look (its connection's queue)."""
    messages: list[agent.WorkerMessage] = []
    while True:
        try:
            messages.append(server._msg_chan.recv_nowait())
        except ChanEmpty:
            return messages


async def status(server: AgentServer) -> int:
    """Return the status the worker tells LiveKit now (as its 2.5 s status loop would)."""
    await server._refresh_worker_load()
    await server._update_worker_status()
    updates = [m.update_worker for m in sent(server) if m.HasField("update_worker")]
    return updates[-1].status


async def takes(server: AgentServer, job_id: str) -> bool:
    """Return whether the worker takes a call LiveKit offers it (its availability answer)."""
    offer = agent.AvailabilityRequest(job=agent.Job(id=job_id, room=models.Room(sid="RM_next")))
    server._handle_availability(offer)
    await asyncio.gather(*server._job_lifecycle_tasks)
    (answer,) = (m.availability for m in sent(server) if m.HasField("availability"))
    assert answer.job_id == job_id
    return answer.available


async def test_a_worker_with_its_maximum_of_calls_reports_full_and_refuses_the_next(
    calls: HeldCalls,
) -> None:
    """With `VOICE_MAX_CALLS_PER_WORKER` calls on, LiveKit hears "full" and is refused the next."""
    async with running(calls, max_calls=2, cpu=Cpu(0.05)) as server:
        assert await status(server) == AVAILABLE
        await calls.take(server, "RM_first")
        assert await status(server) == AVAILABLE
        await calls.take(server, "RM_second")
        assert len(server.active_jobs) == 2
        assert await status(server) == FULL
        assert not await takes(server, "AJ_third")
        await calls.hang_up(server, "RM_first")
        assert await status(server) == AVAILABLE  # a call ended: room for the next


async def test_a_busy_cpu_makes_the_worker_full_whatever_its_calls(calls: HeldCalls) -> None:
    """At the threshold's CPU share the worker is full with no call; below it, available."""
    cpu = Cpu(0.7)
    async with running(calls, cpu=cpu) as server:
        assert await status(server) == FULL
        assert not await takes(server, "AJ_busy")
        cpu.share = 0.69
        assert await status(server) == AVAILABLE


async def test_a_draining_worker_refuses_new_calls_and_waits_for_the_call_on_the_line(
    calls: HeldCalls,
) -> None:
    """Draining, the worker takes no call; the one on the line goes on and stores its summary."""
    async with running(calls) as server:
        await calls.take(server, "RM_onthe")
        drain = asyncio.create_task(server.drain())
        while not server.draining:
            await asyncio.sleep(0)
        assert await status(server) == FULL
        assert not await takes(server, "AJ_during_drain")
        assert not drain.done() and calls.ended == {}  # the call is still on the line
        calls.hung_up["RM_onthe"].set()
        await drain
        assert calls.ended == {"RM_onthe": "caller hung up"}  # not cut off by the worker
        stored = voice_bridge.BOOKING.get().store.get_conversation("RM_onthe")
        assert stored is not None and stored.outcome == "abandoned" and stored.summary
        assert "voice" in stored.cost_breakdown


CHILD = """
import asyncio, sys, threading
import voice_bridge
from livekit.agents import cli
from livekit.agents.job import JobExecutorType
from livekit.protocol import models
from tests.voice.test_worker_load import HeldCalls

calls, run_app, close, server = HeldCalls(), cli.run_app, voice_bridge.BOOKING.close, []

async def entrypoint(ctx):
    sid = ctx.job.room.sid
    calls.started[sid], calls.hung_up[sid] = threading.Event(), threading.Event()
    on_the_line = asyncio.ensure_future(calls.entrypoint(ctx))
    await asyncio.to_thread(calls.started[sid].wait)
    print("call started", flush=True)
    while not server[0].draining:
        await asyncio.sleep(0.01)
    print("on the line while draining", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    calls.hung_up[sid].set()
    await on_the_line

def closing():
    print(f"receptionist closed after: {sorted(calls.ended.items())}", flush=True)
    close()

def run(worker):
    server.append(worker)
    worker.update_options(job_executor_type=JobExecutorType.THREAD, num_idle_processes=0)
    worker._port = 0
    room = models.Room(sid="RM_sigterm", name="room-sigterm")
    worker.once("worker_started", lambda: asyncio.ensure_future(
        worker.simulate_job(room.name, fake_job=True, room_info=room)))
    run_app(worker)

voice_bridge.entrypoint, voice_bridge.BOOKING.close, cli.run_app = entrypoint, closing, run
sys.argv = ["voice_bridge.py", "start"]
voice_bridge.main()
"""
"""`voice_bridge.py start` with a call held (stdin hangs it up) and the closing of the shared
receptionist reported; LiveKit unreachable, so the only call is the one put through."""


def ours(lines: str) -> list[str]:
    """Return the child's own lines, without LiveKit's log records (JSON under `start`)."""
    return [line for line in lines.splitlines() if not line.startswith("{")]


@pytest.mark.slow  # a fresh worker process, through LiveKit's CLI and a signal
def test_sigterm_drains_the_call_then_closes_the_receptionist_at_exit(tmp_path: Path) -> None:
    """`voice_bridge.py start`, SIGTERM: the call goes on and stores its summary, then atexit."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "BOOKING_DB": str(tmp_path / "worker.db"),
        "LOG_LEVEL": "WARNING",
        "LIVEKIT_URL": "ws://127.0.0.1:1",  # refused: the worker retries while it runs
        "LIVEKIT_API_KEY": "devkey",
        "LIVEKIT_API_SECRET": "a-secret-that-is-long-enough-for-livekit",
    }
    with (tmp_path / "stderr").open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert child.stdin is not None and child.stdout is not None

    def next_said() -> str:
        assert child.stdout is not None
        while line := child.stdout.readline():
            if ours(line):
                return line.rstrip("\n")
        return ""  # the child ended

    try:
        assert next_said() == "call started"
        child.send_signal(signal.SIGTERM)
        assert next_said() == "on the line while draining"
        assert child.poll() is None
        rest, _ = child.communicate("hang up\n", timeout=WAIT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, (tmp_path / "stderr").read_text()
    assert ours(rest) == ["receptionist closed after: [('RM_sigterm', 'caller hung up')]"]
    with Database(sqlite_path=tmp_path / "worker.db").open_store() as store:
        stored = store.get_conversation("RM_sigterm")
    assert stored is not None and stored.summary
