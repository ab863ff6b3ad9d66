"""LiveKit job contexts and job-process logging as livekit-agents 1.8.9 makes them, no server.

`job_context()` builds the `JobContext` a job process builds when the worker hands it a
job (`ipc/job_proc_lazy_main._JobProc._start_job`): a real, unconnected `rtc.Room` named
as the job's room. `job_process_logging()` gives the root logger what a job process
starts with (`proc_main`): only LiveKit's `LogQueueHandler`, forwarding each record,
pickled, to the worker, which `forwarded()` reads back as the worker would.
"""

from __future__ import annotations

import logging
import pickle
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from livekit import api, rtc
from livekit.agents.ipc.log_queue import LogQueueHandler
from livekit.agents.job import (
    JobAcceptArguments,
    JobContext,
    JobExecutorType,
    JobProcess,
    RunningJobInfo,
)
from livekit.agents.log import _add_global_log_fields
from livekit.agents.utils.aio import duplex_unix
from livekit.protocol import agent, models

ROOM_SID = "RM_call7Xq2"
"""The sid of a job's room: the call's id."""
AGENT_IDENTITY = "agent-AJ_test"
"""The agent's identity in the room, from the token the worker hands the job."""


def job_context(
    *,
    room: str = "call-room",
    room_sid: str = ROOM_SID,
    fake: bool = False,
    executor: JobExecutorType = JobExecutorType.PROCESS,
) -> JobContext:
    """Return the context LiveKit gives a job's entrypoint (`fake`: a console job)."""
    lk_room = rtc.Room()
    lk_room._info.name = room  # as _start_job names it before the entrypoint connects
    info = RunningJobInfo(
        accept_arguments=JobAcceptArguments(name="agent", identity="agent", metadata=""),
        job=agent.Job(id="AJ_test", room=models.Room(sid=room_sid, name=room)),
        url="ws://127.0.0.1:7880",
        # the job's own token, as LiveKit's server signs it (only its claims are read)
        token=api.AccessToken("key", "s" * 32).with_identity(AGENT_IDENTITY).to_jwt(),
        worker_id="AW_test",
        fake_job=fake,
    )
    return JobContext(
        proc=JobProcess(executor_type=executor, user_arguments=None, http_proxy=None),
        info=info,
        room=lk_room,
        on_connect=lambda: None,
        on_shutdown=lambda _reason: None,
        inference_executor=None,  # type: ignore[arg-type]  # no inference runner is asked
    )


@dataclass
class WorkerEnd:
    """The worker's end of a job process's log channel."""

    handler: LogQueueHandler
    """The handler LiveKit put on the job process's root logger."""
    channel: duplex_unix._Duplex

    def forwarded(self) -> logging.LogRecord:
        """Return the next record the job process sent to the worker."""
        record = pickle.loads(self.channel.recv_bytes())
        assert isinstance(record, logging.LogRecord)
        return record


@contextmanager
def job_process_logging() -> Iterator[WorkerEnd]:
    """Give the root logger only LiveKit's job-process handler, as `proc_main` does."""
    job_end, worker_end = socket.socketpair()
    handler = LogQueueHandler(duplex_unix._Duplex.open(job_end))
    _add_global_log_fields(handler)
    root = logging.getLogger()
    kept = root.handlers[:]
    root.handlers = [handler]
    channel = duplex_unix._Duplex.open(worker_end)
    try:
        yield WorkerEnd(handler, channel)
    finally:
        root.handlers = kept
        handler.close()
        channel.close()
