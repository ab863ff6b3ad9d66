"""The LiveKit Agents worker callers talk to: `python voice_bridge.py dev | start | console`.

The voice door's composition root. Once per worker process (`prewarm`, LiveKit's
`setup_fnc`, before any call reaches the process) it reads the settings, opens the store
and the checkpoints and compiles the graph (`BOOKING`, lent through `JobProcess.userdata`);
a call (`entrypoint`) then only identifies the caller and starts its session on its own
thread of that graph. What a call does lives in `voice/` (the agent, the session,
silence, hanging up, costs).

Schema work never happens in a call: before serving, the worker checks that `booking db
migrate` has brought the database up to date, and refuses to start otherwise.
Configured from the environment / `.env`: see .env.example (Voice section and the rest).
"""

from __future__ import annotations

import asyncio
import atexit
import importlib
import logging
import math
import sys
from contextlib import AbstractContextManager

from booking.extras import MissingExtra, needs

try:
    with needs("voice", "voice_bridge.py"):
        from livekit.agents import AgentServer, JobContext, JobProcess, cli, room_io
        from livekit.agents.job import JobExecutorType
        from livekit.agents.types import NOT_GIVEN
        from livekit.agents.worker import ServerEnvOption
        from livekit.plugins import silero

        from voice.agent import BookingAgent
        from voice.avatar import avatar_for
        from voice.calls import caller_id_of, room_deleter, sip_transferrer, transfer_for
        from voice.load import WorkerLoad
        from voice.session import build_session
        from voice.settings import AvatarMisconfigured, VoiceSettings, get_voice_settings, secret
        from voice.unavailable import UnavailableAgent
except MissingExtra as missing:  # an install without the voice extra: one sentence
    raise SystemExit(f"voice_bridge.py: {missing}") from None

from booking.compose import Receptionist, SharedReceptionist, open_configured
from booking.databases import Database
from booking.logs import configure_job as configure_logging
from booking.settings import Settings, get_settings
from business.config import BusinessFileError
from graph.checkpointer import CheckpointsUnavailable
from store.errors import StoreUnavailable
from tokens.strength import WeakSecret

log = logging.getLogger("voice_bridge")  # not __name__: "__main__" or "__mp_main__" here

SERVING = frozenset({"dev", "start", "console", "connect"})
"""The LiveKit CLI commands that take calls: only they check the database first."""
NOT_MIGRATED = "the database is not ready for calls: run `booking db migrate`"
EXECUTORS = {"thread": JobExecutorType.THREAD, "process": JobExecutorType.PROCESS}
"""VOICE_JOB_EXECUTOR: threads share one composed receptionist; a process per call does not."""
GAVE_UP = "failed to connect to livekit"
"""How livekit-agents 1.8.9 words giving up on the server, after `VOICE_CONNECT_RETRIES`."""


class QuietGiveUp(logging.Filter):
    """Keep LiveKit's line about giving up on the server to its message: `main` says the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop the traceback of a give-up; every other record passes as it is."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, RuntimeError) and str(error).startswith(GAVE_UP):
            record.exc_info, record.exc_text = None, None
        return True


def open_for_calls(settings: Settings) -> AbstractContextManager[Receptionist]:
    """Open the receptionist calls share, on a database `booking db migrate` brought up to date.

    One direct connection checks first: a server that refuses connections fails this in
    milliseconds (the pools would retry for seconds, past LiveKit's 10 s limit on a
    process set-up, and keep a caller in silence), and a schema behind is named.
    """
    if pending := Database.from_settings(settings).pending_migrations():
        raise StoreUnavailable(f"{NOT_MIGRATED} (pending: {', '.join(pending)})")
    return open_configured(settings, create=False)


BOOKING = SharedReceptionist(lambda: open_for_calls(get_settings()))
"""This process's receptionist: opened by `prewarm`, lent to every call the process runs."""


def prewarm(process: JobProcess) -> None:
    """Set up a worker process before its calls: Silero's VAD and the booking service.

    With the thread executor (`VOICE_JOB_EXECUTOR=thread`, ours by default) every call of
    the worker shares the one `BOOKING`, opened by the first set-up; with LiveKit's process
    executor each call's process opens its own here, while it waits warm, off the call's
    path. A database down now is tried again by the next call, which hears that the
    appointment book can't be reached if it still is.
    """
    settings = get_settings()
    configure_logging(settings.log_level)
    process.userdata["vad"] = silero.VAD.load()
    process.userdata["booking"] = BOOKING
    try:
        BOOKING.get()
    except (StoreUnavailable, CheckpointsUnavailable) as error:
        log.error("the booking service cannot be opened yet: %s", error)


async def entrypoint(ctx: JobContext) -> None:
    """Serve one call, from the caller's first word to the stored summary."""
    settings, voice = get_settings(), get_voice_settings()
    call_id = log_call(ctx, level=settings.log_level)
    booking: SharedReceptionist = ctx.proc.userdata["booking"]
    await ctx.connect()
    # console mode runs a fake job: no room participant, no room to delete
    participant = None if ctx.is_fake_job() else await ctx.wait_for_participant()
    end_call = room_deleter(ctx)
    session = build_session(voice, vad=ctx.proc.userdata["vad"])
    try:
        receptionist = await asyncio.to_thread(booking.get)  # opened already, unless it failed
    except (StoreUnavailable, CheckpointsUnavailable) as error:
        # the databases are down: the caller hears so, rather than silence (logged once)
        log.error("call %s: the booking service cannot be opened: %s", call_id, error)
        await session.start(UnavailableAgent(end_call=end_call), room=ctx.room)
        return
    if ctx.proc.executor_type == JobExecutorType.PROCESS:
        # This process exits after its one call: close the pools rather than drop them.
        # Shutdown callbacks run after LiveKit has closed the session, so the agent's exit
        # work (summary, costs) still finds the store open.
        async def close_booking() -> None:
            await asyncio.to_thread(booking.close)

        ctx.add_shutdown_callback(close_booking)
    transfer = transfer_for(
        participant,
        to=voice.voice_transfer_to,
        build=lambda: sip_transferrer(
            ctx.api.sip,
            room=ctx.room.name,
            participant=participant.identity if participant else "",
            to=voice.voice_transfer_to,
            timeout=voice.voice_transfer_timeout_seconds,
        ),
    )
    agent = BookingAgent(
        receptionist.conversation(call_id),
        caller_id=caller_id_of(participant),
        end_call=end_call,
        transfer=transfer,
        # a web caller's face, shown while the call opens (phone callers get none)
        face=avatar_for(participant, voice, room=ctx.room, call=call_id),
        options=voice.agent_options(),
    )
    identity = participant.identity if participant else NOT_GIVEN
    await session.start(
        agent, room=ctx.room, room_options=room_io.RoomOptions(participant_identity=identity)
    )
    configure_logging(settings.log_level)  # a handler the session added (cloud logs) masks too


def log_call(ctx: JobContext, *, level: str) -> str:
    """Name the call in every log line of its job, mask phone numbers; return the call's id.

    The room's sid names the call (and its conversation): unique per call, and unlike a
    SIP room's name it carries no phone number. LiveKit's handlers add the job's context
    fields to each record; the handlers themselves are kept (`booking.logs.configure_job`).
    """
    call_id = ctx.job.room.sid or ctx.job.id
    ctx.log_context_fields = {**ctx.log_context_fields, "call_id": call_id}
    configure_logging(level)
    return call_id


def check_avatar(voice: VoiceSettings) -> None:
    """Refuse to start with VOICE_AVATAR set when its plugin (the avatar extra) is missing."""
    if voice.voice_avatar != "none":
        with needs("avatar", f"VOICE_AVATAR={voice.voice_avatar}"):
            importlib.import_module(f"livekit.plugins.{voice.voice_avatar}")


def check_database() -> None:
    """Refuse to take calls on a database `booking db migrate` has not brought up to date."""
    try:
        pending = Database.from_settings(get_settings()).pending_migrations()
    except StoreUnavailable as error:
        # Not a reason to stay down: calls hear that the appointment book can't be reached
        # until it answers, and the first one after that opens it.
        print(f"voice_bridge.py: starting without the database: {error}", file=sys.stderr)
        return
    if pending:
        raise SystemExit(f"voice_bridge.py: {NOT_MIGRATED} (pending: {', '.join(pending)})")


def build_server(voice: VoiceSettings) -> AgentServer:
    """Return the LiveKit worker: its keys, its process set-up, when it is full, its drain.

    LiveKit Cloud replaces the load function and threshold with its own (CPU at 0.7).
    """
    return AgentServer(
        setup_fnc=prewarm,
        # LiveKit reads these from the environment itself; from the settings `.env` works too
        ws_url=voice.livekit_url or None,
        api_key=secret(voice.livekit_api_key) or None,
        api_secret=secret(voice.livekit_api_secret) or None,
        load_fnc=WorkerLoad(
            max_calls=voice.voice_max_calls_per_worker, threshold=voice.voice_load_threshold
        ),
        # as LiveKit's own default: a development worker is never full
        load_threshold=ServerEnvOption(
            dev_default=math.inf, prod_default=voice.voice_load_threshold
        ),
        drain_timeout=voice.voice_drain_seconds,
        max_retry=voice.voice_connect_retries,
        job_executor_type=EXECUTORS[voice.voice_job_executor],
    )


def main() -> None:
    """Check the database, register the worker under its agent name, hand over to LiveKit.

    On SIGTERM (`start`) LiveKit drains the worker: it takes no new call and waits for
    those in progress, up to `VOICE_DRAIN_SECONDS`, then ends the rest; each call's own
    shutdown stores its summary. The receptionist the thread executor's calls share is
    closed at exit: Python runs `atexit` after the CLI has returned from the drain and
    after every job thread has ended.
    """
    try:
        voice = get_voice_settings()
        if SERVING.intersection(sys.argv[1:2]):
            check_avatar(voice)
            check_database()
    except (WeakSecret, MissingExtra, BusinessFileError, AvatarMisconfigured) as error:
        raise SystemExit(f"voice_bridge.py: {error}") from None  # a setting or an extra
    server = build_server(voice)
    server.rtc_session(entrypoint, agent_name=voice.livekit_agent_name)
    atexit.register(BOOKING.close)
    logging.getLogger("livekit.agents").addFilter(QuietGiveUp())
    try:
        cli.run_app(server)  # returns (exit 0) even when the worker gave up on LiveKit
    finally:
        if server._connection_failed:  # livekit-agents 1.8.9 has no public name for it
            raise SystemExit(
                f"voice_bridge.py: cannot reach LiveKit at {voice.livekit_url or 'LIVEKIT_URL'}:"
                " check LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET, and that the"
                " server is up"
            )


if __name__ == "__main__":
    main()
