"""The voice door's edges: plugin wiring, settings, caller ID, hanging up, and its small parts."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from livekit import api, rtc
from livekit.agents import llm
from livekit.agents.metrics import STTModelUsage, TTSModelUsage
from livekit.agents.utils import http_context
from livekit.plugins import cartesia, deepgram, silero
from pydantic import SecretStr

from tests.conftest import SAM
from tests.voice.avatars import LIVEKIT_KEY, LIVEKIT_SECRET, livekit_at
from tests.voice.fakes import Caller
from tests.voice.jobs import job_context
from voice.calls import caller_id_of, keep_room, room_deleter
from voice.costs import merged_costs, voice_costs
from voice.delivery import without_prefix
from voice.graph_llm import GraphLLM
from voice.options import VoiceRates
from voice.session import build_session
from voice.settings import VoiceSettings

pytestmark = pytest.mark.anyio


async def test_deepgram_and_cartesia_are_wired_from_settings() -> None:
    """The production session builds with dummy keys: Deepgram streaming, Cartesia, Silero."""
    settings = VoiceSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        deepgram_api_key=SecretStr("dg-dummy"),
        cartesia_api_key=SecretStr("ca-dummy"),
        cartesia_voice="f786b574-daa5-4673-aa0c-cbe3e8534c02",
        voice_silence_prompt_seconds=7.0,
    )
    session = build_session(settings, vad=silero.VAD.load())
    assert isinstance(session.stt, deepgram.STT)
    assert session.stt.model == "nova-3" and session.stt.capabilities.streaming
    assert isinstance(session.tts, cartesia.TTS)
    assert session.tts.model == "sonic-3" and session.tts.capabilities.aligned_transcript
    assert isinstance(session.llm, GraphLLM)
    assert session.options.preemptive_generation["enabled"] is False
    assert session.options.interruption["mode"] == "vad"
    assert session.options.user_away_timeout == 7.0


async def test_the_speech_providers_need_their_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without DEEPGRAM_API_KEY no call's session can be built: the plugin refuses, by name."""
    monkeypatch.delenv("DEEPGRAM_API_KEY", raising=False)
    settings = VoiceSettings(_env_file=None, cartesia_api_key=SecretStr("ca-dummy"))  # type: ignore[call-arg]  # pydantic-settings init kwarg
    with pytest.raises(ValueError, match=r"(?i)deepgram"):
        build_session(settings, vad=silero.VAD.load())


def test_voice_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each knob is an environment variable, turned into the agent's options."""
    monkeypatch.setenv("VOICE_FILLER_AFTER_SECONDS", "2.5")
    monkeypatch.setenv("VOICE_TTS_USD_PER_1K_CHARS", "0.1")
    options = VoiceSettings(_env_file=None).agent_options()  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert options.filler_after == 2.5
    assert options.rates.tts_usd_per_1k_chars == 0.1


def test_every_voice_setting_is_in_env_example() -> None:
    """.env.example documents each voice setting, so a deployer sees every knob."""
    example = (Path(__file__).parents[2] / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert {name.upper() for name in VoiceSettings.model_fields} <= documented


def test_a_sip_caller_is_identified_by_their_number() -> None:
    """Only a SIP participant's sip.phoneNumber counts; a web caller gets asked."""
    sip = rtc.ParticipantKind.PARTICIPANT_KIND_SIP
    web_kind = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD
    assert caller_id_of(Caller(sip, {"sip.phoneNumber": SAM})) == SAM
    assert caller_id_of(Caller(sip)) is None
    assert caller_id_of(Caller(web_kind, {"sip.phoneNumber": SAM})) is None
    assert caller_id_of(None) is None


@asynccontextmanager
async def room_service(
    reply: Callable[[web.Request], web.Response], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[list[web.Request]]:
    """Serve LiveKit's RoomService/DeleteRoom on localhost, as the worker's LiveKit server.

    Its URL and keys go where the worker puts them for its jobs (LIVEKIT_URL, ...), inside
    the HTTP session context a job runs in; yield the requests it received.
    """
    seen: list[web.Request] = []

    async def delete_room(request: web.Request) -> web.Response:
        await request.read()
        seen.append(request)
        return reply(request)

    app = web.Application()
    app.router.add_post("/twirp/livekit.RoomService/DeleteRoom", delete_room)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    livekit_at(f"http://127.0.0.1:{port}", monkeypatch)
    try:
        async with http_context.open():
            yield seen
    finally:
        await runner.cleanup()


async def test_hanging_up_deletes_the_room_through_livekits_job_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The hang-up is the job's `delete_room()`: RoomService.DeleteRoom for its room, as admin."""

    def ok(_: web.Request) -> web.Response:
        body = api.DeleteRoomResponse().SerializeToString()
        return web.Response(body=body, content_type="application/protobuf")

    async with room_service(ok, monkeypatch) as seen:
        await room_deleter(job_context(room="call-room"))()
    (request,) = seen
    assert api.DeleteRoomRequest.FromString(await request.read()).room == "call-room"
    token = request.headers["Authorization"].removeprefix("Bearer ")
    grants = api.TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET).verify(token).video
    assert grants is not None and grants.room_create


async def test_hanging_up_a_room_already_gone_is_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A room the caller already left (404 not_found) counts as hung up."""

    def gone(_: web.Request) -> web.Response:
        body = json.dumps({"code": "not_found", "msg": "requested room does not exist"})
        return web.Response(status=404, text=body, content_type="application/json")

    async with room_service(gone, monkeypatch) as seen:
        await room_deleter(job_context(room="gone"))()
    assert len(seen) == 1


async def test_a_console_call_deletes_no_room() -> None:
    """Console mode runs a fake job with no room: hanging up deletes nothing."""
    assert room_deleter(job_context(fake=True)) is keep_room


async def test_the_placeholder_llm_is_never_asked() -> None:
    """A reply that bypassed the graph fails loudly instead of calling a model."""
    with pytest.raises(RuntimeError, match="graph"):
        GraphLLM().chat(chat_ctx=llm.ChatContext())


def test_the_filler_is_not_counted_as_heard_reply() -> None:
    """What was played before the reply (the filler) is taken off what the graph heard."""
    filler = "One moment while I check the calendar. "
    assert without_prefix("One moment while I check the calendar. Just to", filler) == "Just to"
    assert without_prefix("One moment while", filler) == ""
    assert without_prefix("Just  to\nconfirm", "") == "Just to confirm"


def test_speech_usage_is_priced_and_added_to_the_graph_costs() -> None:
    """STT minutes and TTS characters are priced; the total adds the graph's LLM cost."""
    usage = [
        STTModelUsage(provider="deepgram", model="nova-3", audio_duration=90.0),
        TTSModelUsage(provider="cartesia", model="sonic-3", characters_count=500),
    ]
    voice = voice_costs(usage, VoiceRates(stt_usd_per_minute=0.01, tts_usd_per_1k_chars=0.05))
    assert voice["stt_usd"] == pytest.approx(0.015)
    assert voice["tts_usd"] == pytest.approx(0.025)
    assert voice["stt_models"] == ["deepgram/nova-3"]
    merged = merged_costs({"llm_usd": 0.002, "turns": 4}, voice=voice, latency={"replies": 5})
    assert merged["turns"] == 4 and merged["latency"] == {"replies": 5}
    assert merged["total_usd"] == pytest.approx(0.042)
