"""The LiveKit Agents worker callers talk to: `python voice_bridge.py dev | start | console`.

The voice door's composition root: it reads the settings, opens the store and the
checkpoints, compiles the graph, identifies the caller and starts the session. What a
call does lives in `voice/` (the agent, the session, silence, hanging up, costs).
Configured from the environment / `.env`: see .env.example (Voice section and the rest).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging

from booking.extras import MissingExtra, needs

try:
    with needs("voice", "voice_bridge.py"):
        from livekit.agents import AgentServer, JobContext, JobProcess, cli, room_io
        from livekit.agents.types import NOT_GIVEN
        from livekit.plugins import silero

        from voice.agent import BookingAgent
        from voice.calls import EndCall, caller_id_of, keep_room, room_deleter
        from voice.session import build_session
        from voice.settings import get_voice_settings, secret
        from voice.unavailable import UnavailableAgent
except MissingExtra as missing:  # an install without the voice extra: one sentence
    raise SystemExit(f"voice_bridge.py: {missing}") from None

from booking.compose import open_configured
from booking.logs import configure as configure_logging
from booking.settings import get_settings
from graph.checkpointer import CheckpointsUnavailable
from store.errors import StoreUnavailable

log = logging.getLogger(__name__)


def prewarm(process: JobProcess) -> None:
    """Load Silero's VAD once per worker process (its model ships in the wheel)."""
    process.userdata["vad"] = silero.VAD.load()


async def entrypoint(ctx: JobContext) -> None:
    """Serve one call, from the caller's first word to the stored summary."""
    settings, voice = get_settings(), get_voice_settings()
    configure_logging(settings.log_level)
    await ctx.connect()
    # console mode runs a fake job: no room participant, no room to delete
    participant = None if ctx.is_fake_job() else await ctx.wait_for_participant()
    end_call: EndCall = keep_room
    if not ctx.is_fake_job():
        delete_room = room_deleter(
            url=voice.livekit_url,
            api_key=secret(voice.livekit_api_key),
            api_secret=secret(voice.livekit_api_secret),
        )
        end_call = functools.partial(delete_room, ctx.room.name)
    opened = contextlib.ExitStack()
    try:
        receptionist = await asyncio.to_thread(opened.enter_context, open_configured(settings))
    except (StoreUnavailable, CheckpointsUnavailable) as error:
        # the databases are down: the caller hears so, rather than silence (logged once)
        log.error("call %s: the booking service cannot be opened: %s", ctx.job.id, error)
        unavailable = UnavailableAgent(end_call=end_call)
        session = build_session(voice, vad=ctx.proc.userdata["vad"])
        await session.start(unavailable, room=ctx.room)
        return

    async def close_store() -> None:
        await asyncio.to_thread(opened.close)

    # shutdown callbacks run after LiveKit has closed the session, so the agent's exit
    # work (summary, costs) still finds the store open
    ctx.add_shutdown_callback(close_store)
    # the room's sid names the conversation: unique per call, and unlike a SIP room's name
    # it carries no phone number
    call = receptionist.conversation(ctx.job.room.sid or ctx.job.id)
    agent = BookingAgent(
        call, caller_id=caller_id_of(participant), end_call=end_call, options=voice.agent_options()
    )
    session = build_session(voice, vad=ctx.proc.userdata["vad"])
    identity = participant.identity if participant else NOT_GIVEN
    await session.start(
        agent, room=ctx.room, room_options=room_io.RoomOptions(participant_identity=identity)
    )


def main() -> None:
    """Register the worker under its agent name and hand over to LiveKit's CLI."""
    server = AgentServer(setup_fnc=prewarm)
    server.rtc_session(entrypoint, agent_name=get_voice_settings().livekit_agent_name)
    cli.run_app(server)


if __name__ == "__main__":
    main()
