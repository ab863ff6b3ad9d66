"""A web caller's video avatar: started before the greeting, never holding the call up.

The real Bey and Tavus plugins talk to a local stand-in of each provider's API
(`avatars.provider_api`), signed into the call's room with the worker's LiveKit keys.
No LiveKit server runs here, so no provider's avatar can join: what happens once a face
is in the room (the voice through it, a face that comes late or leaves) is played by
`avatars.AvatarStandIn`, a LiveKit avatar plugin whose arrival raises the room's events.
"""

from __future__ import annotations

import asyncio
import logging
import sys

import pytest
from livekit import api, rtc
from livekit.agents.voice.avatar import DataStreamAudioOutput
from livekit.agents.voice.room_io import ATTRIBUTE_PUBLISH_ON_BEHALF
from pydantic import SecretStr

import voice_bridge
from bench import avatar_greeting
from booking.compose import Receptionist
from tests.store.stored import transcript
from tests.voice.avatars import (
    LIVEKIT_KEY,
    LIVEKIT_SECRET,
    LIVEKIT_URL,
    PHONE_CALLER,
    TAVUS_CONVERSATION,
    WEB_CALLER,
    Answer,
    AvatarStandIn,
    Clock,
    Joined,
    Publication,
    avatar_settings,
    closed_port_url,
    face_of,
    in_a_job,
    livekit_at,
    provider_api,
    web_face,
    web_room,
)
from tests.voice.conftest import THREAD, audio_session, spoken, text_session, voice_call
from tests.voice.fakes import until
from tests.voice.jobs import AGENT_IDENTITY
from voice.avatar import avatar_for, tail_of
from voice.options import AgentOptions, VoiceRates
from voice.settings import AvatarMisconfigured, VoiceSettings, get_voice_settings

pytestmark = pytest.mark.anyio

START_PATHS = {"bey": "/v1/sessions", "tavus": "/v2/conversations"}
IDENTITIES = {"bey": "bey-avatar-agent", "tavus": "tavus-avatar-agent"}
READ_BACK = "Just to confirm: book you for Monday, November 30th at 10 AM?"
NO_FILLER = AgentOptions(filler_after=30, step_timeout=60)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the records at WARNING and above of the worker and the avatar plugins.

    (LiveKit's session warns of its own about the test's speakers, which cannot pause.)
    """
    return [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING
        and record.name.startswith(("voice", "graph", "booking", "livekit.plugins"))
    ]


@pytest.mark.parametrize("provider", ["bey", "tavus"])
async def test_a_web_call_starts_the_avatar_with_its_ids_before_the_greeting(
    agent: Receptionist, provider: str
) -> None:
    """The provider is asked for the configured avatar, with a token for the call's room
    that lets it speak for the agent, before the caller hears anything; a Tavus
    conversation is ended with the call (Tavus bills it until then)."""
    session = text_session()
    lines = spoken(session)
    async with provider_api() as stand_in, in_a_job(room="web-room"):
        stand_in.witness = lambda: list(lines)
        face = web_face(provider, stand_in.url, call=THREAD)
        async with voice_call(agent, caller_id=None, session=session, face=face) as call:
            assert "phone number" in call.greeting
            (started,) = stand_in.to(START_PATHS[provider])
            assert started.witnessed == []  # asked before the greeting was said
            assert not stand_in.to(f"/v2/conversations/{TAVUS_CONVERSATION}/end")
    assert started.headers["x-api-key"] == f"{provider}-dummy"
    body = started.body
    if provider == "bey":
        assert (body["avatar_id"], body["url"], body["transport"]) == (
            "av-7",
            LIVEKIT_URL,
            "livekit",
        )
        token = body["token"]
    else:
        assert (body["face_id"], body["pal_id"]) == ("r-face-1", "p-pal-1")
        assert body["properties"]["livekit_ws_url"] == LIVEKIT_URL
        token = body["properties"]["livekit_room_token"]
        (ended,) = stand_in.to(f"/v2/conversations/{TAVUS_CONVERSATION}/end")
        assert ended.headers["x-api-key"] == "tavus-dummy"
    claims = api.TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET).verify(token)
    assert claims.identity == IDENTITIES[provider]
    assert claims.video is not None and claims.video.room_join and claims.video.room == "web-room"
    assert (claims.attributes or {}).get(ATTRIBUTE_PUBLISH_ON_BEHALF) == AGENT_IDENTITY


async def test_phone_calls_and_a_worker_without_avatar_get_none() -> None:
    """A SIP caller cannot see a face, console mode has no room: no provider is asked."""
    async with provider_api() as stand_in, in_a_job():
        settings = avatar_settings("bey", stand_in.url)
        assert avatar_for(PHONE_CALLER, settings, room=web_room(), call=THREAD) is None
        assert avatar_for(None, settings, room=web_room(), call=THREAD) is None
        off = VoiceSettings(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg
        assert avatar_for(WEB_CALLER, off, room=web_room(), call=THREAD) is None
        assert avatar_for(WEB_CALLER, settings, room=web_room(), call=THREAD) is not None
    assert stand_in.sent == []


@pytest.mark.parametrize("provider", ["bey", "tavus"])
async def test_the_voice_waits_for_the_avatars_video_then_goes_through_it(
    agent: Receptionist, provider: str
) -> None:
    """The provider said yes, but its avatar is not in the room yet: the greeting plays on
    the room's audio (the plugin's output would hold it until the video comes); once the
    video is published, the voice streams to the avatar at the provider's sample rate."""
    audio = audio_session()
    async with provider_api() as stand_in, in_a_job():
        room = web_room()
        # long enough for the stand-in's yes on a busy machine, however long the video takes
        face = web_face(provider, stand_in.url, wait=1.0, room=room, call=THREAD)
        async with voice_call(agent, session=audio.session, face=face) as call:
            assert audio.speaker.played == 1  # the greeting, on the room's audio
            assert tail_of(audio.session.output) is audio.speaker
            assert face.status == "waiting"
            assert "booked" not in await call.say("book Monday at 10am")  # the call goes on
            assert audio.speaker.played == 2
            avatar = Joined(IDENTITIES[provider])
            room.emit("track_published", Publication(rtc.TrackKind.KIND_VIDEO), avatar)
            tail = tail_of(audio.session.output)
            assert isinstance(tail, DataStreamAudioOutput)
            assert tail.sample_rate == (16000 if provider == "bey" else 24000)
            assert face.usage().outcome == "shown"
            # no avatar is really there to play the goodbye: give the room's audio back
            audio.session.output.replace_audio_tail(audio.speaker)


@pytest.mark.parametrize("provider", ["bey", "tavus"])
@pytest.mark.parametrize("answer", ["refuse", "fail", "stall", "down"])
async def test_an_avatar_that_cannot_start_leaves_the_call_voice_only(
    agent: Receptionist, provider: str, answer: Answer | str, caplog: pytest.LogCaptureFixture
) -> None:
    """A bad key (401), a provider error (500), a provider that does not answer or one that
    is down: the caller is greeted at once, on voice, the call books, and one warning says
    why, with no key in it; no avatar time is billed."""
    caplog.set_level(logging.INFO)
    options = AgentOptions(rates=VoiceRates(avatar_usd_per_minute=0.3))
    async with provider_api() as stand_in, in_a_job():
        url = closed_port_url() if answer == "down" else stand_in.url
        if answer != "down":
            stand_in.answer = answer  # type: ignore[assignment]
        # only a stall waits it out: the others are answered (or refused) well within it
        face = web_face(provider, url, wait=1.0 if answer == "stall" else 10.0, call=THREAD)
        async with voice_call(agent, face=face, options=options) as call:
            if answer == "stall":  # greeted while the provider still holds the request
                assert stand_in.stalled.is_set() and not stand_in.release.is_set()
            assert "Welcome back, Sam" in call.greeting
            assert face.status == "failed"
            assert await call.say("book Monday at 10am") == READ_BACK
            assert "booked" in await call.say("yes")
            assert "Goodbye" in await call.say("that's all")
            await until(lambda: call.deleted_rooms == [THREAD])
    (warning,) = warnings_of(caplog)
    assert warning.name == "voice.avatar"
    reason = {"refuse": "HTTP 401", "fail": "HTTP 500", "stall": "no answer in 1 s"}
    assert reason.get(answer, "APIConnectionError") in warning.getMessage()
    assert "voice-only" in warning.getMessage() and "dummy" not in caplog.text
    stored = agent.store.get_conversation(THREAD)
    assert stored is not None
    billed = stored.cost_breakdown["voice"]["avatar"]
    assert billed == {"provider": provider, "outcome": "failed", "seconds": 0.0, "usd": 0.0}


async def test_an_avatar_that_turns_up_after_its_start_failed_is_shown_out(
    agent: Receptionist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The provider answered too late, but its avatar joins anyway: the worker asks LiveKit
    to remove it, rather than leave a face without a voice (and its bill) in the call."""
    async with provider_api() as stand_in:
        livekit_at(stand_in.url, monkeypatch)  # the job's LiveKit API: the same stand-in
        async with in_a_job():
            stand_in.answer = "stall"
            room = web_room()
            face = web_face("bey", stand_in.url, wait=0.2, room=room, call=THREAD)
            async with voice_call(agent, face=face):
                room.emit("participant_connected", Joined(IDENTITIES["bey"]))
                remove = "/twirp/livekit.RoomService/RemoveParticipant"
                await until(lambda: bool(stand_in.to(remove)))
    (removed,) = stand_in.to(remove)
    assert (removed.body.room, removed.body.identity) == ("web-room", "bey-avatar-agent")
    assert removed.headers["Authorization"].startswith("Bearer ")


async def test_a_face_that_comes_after_the_greeting_takes_the_voice_between_sentences(
    agent: Receptionist,
) -> None:
    """The avatar's video arrives while a reply plays on the room's audio: that reply
    plays to its end there, and the next one goes through the face."""
    audio = audio_session()
    room_speaker = audio.speaker
    stand_in = AvatarStandIn(web_room(), joins=False)
    face = face_of(stand_in, provider="bey", wait=0.1, call=THREAD)
    async with voice_call(agent, session=audio.session, face=face, options=NO_FILLER) as call:
        assert (room_speaker.played, stand_in.speaker.played) == (1, 0)
        room_speaker.hold = True
        reply = asyncio.ensure_future(call.say("book Monday at 10am"))
        await audio.transcript.words(2)  # the read-back is playing
        stand_in.join()
        assert face.status == "waiting"  # not in the middle of a sentence
        room_speaker.release()
        assert await reply == READ_BACK
        await until(lambda: face.status == "shown")
        assert "booked" in await call.say("yes")
        assert (room_speaker.played, stand_in.speaker.played) == (2, 1)
    assert not any(line.interrupted for line in transcript(agent.store, THREAD))


async def test_a_face_that_leaves_mid_call_hands_the_voice_back(
    agent: Receptionist, caplog: pytest.LogCaptureFixture
) -> None:
    """The avatar's participant leaves: the next reply is on the room's audio, one warning
    says so, and the minutes billed stop when it left."""
    audio = audio_session()
    clock = Clock()
    stand_in = AvatarStandIn(web_room())
    face = face_of(stand_in, provider="tavus", wait=1, call=THREAD, clock=clock)
    options = AgentOptions(rates=VoiceRates(avatar_usd_per_minute=0.3))
    async with voice_call(agent, session=audio.session, face=face, options=options) as call:
        assert (audio.speaker.played, stand_in.speaker.played) == (0, 1)  # greeted by the face
        clock.now = 90.0
        stand_in.leave()
        clock.now = 600.0
        assert await call.say("book Monday at 10am") == READ_BACK
        assert (audio.speaker.played, stand_in.speaker.played) == (1, 1)
        assert "booked" in await call.say("yes")
        assert "Goodbye" in await call.say("that's all")
        await until(lambda: call.deleted_rooms == [THREAD])
    (warning,) = warnings_of(caplog)
    assert "left the call" in warning.getMessage()
    stored = agent.store.get_conversation(THREAD)
    assert stored is not None
    costs = stored.cost_breakdown
    assert costs["voice"]["avatar"] == {
        "provider": "tavus", "outcome": "left", "seconds": 90.0, "usd": 0.45,
    }  # fmt: skip
    assert costs["voice"]["usd"] >= 0.45
    assert costs["total_usd"] == pytest.approx(costs["llm_usd"] + costs["voice"]["usd"])


async def test_a_face_whose_video_never_comes_is_billed_and_warned_about_once(
    agent: Receptionist, caplog: pytest.LogCaptureFixture
) -> None:
    """The provider said yes and bills, but no video ever came: the call was voice-only,
    one warning at its end says so, and its minutes are kept as never shown."""
    clock = Clock()
    stand_in = AvatarStandIn(web_room(), joins=False)
    face = face_of(stand_in, provider="bey", wait=0.05, call=THREAD, clock=clock)
    options = AgentOptions(rates=VoiceRates(avatar_usd_per_minute=0.2))
    async with voice_call(agent, face=face, options=options) as call:
        clock.now = 30.0
        assert "Goodbye" in await call.say("that's all")
        await until(lambda: call.deleted_rooms == [THREAD])
    (warning,) = warnings_of(caplog)
    assert "never came" in warning.getMessage()
    stored = agent.store.get_conversation(THREAD)
    assert stored is not None
    avatar = stored.cost_breakdown["voice"]["avatar"]
    assert (avatar["outcome"], avatar["seconds"], avatar["usd"]) == ("never_shown", 30.0, 0.1)


def test_an_avatar_needs_its_key_and_its_price() -> None:
    """VOICE_AVATAR without the provider's key, or without a price per minute, is refused
    by name; Tavus's former names for the face and PAL are read too."""
    with pytest.raises(AvatarMisconfigured, match="VOICE_AVATAR=bey needs BEY_API_KEY"):
        VoiceSettings(_env_file=None, voice_avatar="bey", voice_avatar_usd_per_minute=0.1)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    with pytest.raises(AvatarMisconfigured, match="VOICE_AVATAR_USD_PER_MINUTE"):
        VoiceSettings(_env_file=None, voice_avatar="tavus", tavus_api_key=SecretStr("t"))  # type: ignore[call-arg]  # pydantic-settings init kwarg


def test_tavus_former_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """TAVUS_REPLICA_ID and TAVUS_PERSONA_ID (the names before face and PAL) still work."""
    monkeypatch.setenv("TAVUS_REPLICA_ID", "r-old")
    monkeypatch.setenv("TAVUS_PERSONA_ID", "p-old")
    settings = VoiceSettings(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert (settings.tavus_face_id, settings.tavus_pal_id) == ("r-old", "p-old")


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"VOICE_AVATAR": "bey"}, "VOICE_AVATAR=bey needs BEY_API_KEY"),
        (
            {"VOICE_AVATAR": "tavus", "TAVUS_API_KEY": "t", "VOICE_AVATAR_USD_PER_MINUTE": "0.1"},
            "install the 'avatar' extra: pip install 'booking-agent[avatar]'",
        ),
    ],
    ids=["no-key", "no-plugin"],
)
def test_the_worker_will_not_start_with_an_avatar_it_cannot_show(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], said: str
) -> None:
    """`voice_bridge.py start` stops with one sentence, before it takes any call."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setitem(sys.modules, "livekit.plugins.tavus", None)  # not installed
    monkeypatch.setattr(sys, "argv", ["voice_bridge.py", "start"])
    monkeypatch.chdir("/")  # no .env
    get_voice_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as stopped:
            voice_bridge.main()
    finally:
        get_voice_settings.cache_clear()
    message = str(stopped.value)
    assert message.startswith("voice_bridge.py: ") and said in message


@pytest.mark.slow  # two of its cases wait the whole wait
async def test_the_greeting_bench_in_small_sees_each_face_go_its_way() -> None:
    """`bench.avatar_greeting`: each case's face ends as the case says, every call greeted."""
    timed, outcomes = await avatar_greeting.run(calls=1, wait=2.0)
    assert {case: dict(went) for case, went in outcomes.items()} == {
        "voice-only": {"none": 1},
        "at once": {"shown": 1},
        "slow provider": {"shown": 1},
        "no video": {"never_shown": 1},
        "stalled": {"failed": 1},
    }
    assert all(len(ms) == 1 for ms in timed.values())


async def test_a_tavus_conversation_that_cannot_be_ended_still_leaves_the_call_kept(
    agent: Receptionist, caplog: pytest.LogCaptureFixture
) -> None:
    """Ending the Tavus conversation fails (500): one warning says Tavus ends it on its own
    timeout; the call's summary and costs are stored all the same."""
    async with provider_api() as stand_in, in_a_job():
        face = web_face("tavus", stand_in.url, wait=1.0, call=THREAD)
        async with voice_call(agent, face=face) as call:
            stand_in.answer = "fail"  # from now on, Tavus errs
            assert "Goodbye" in await call.say("that's all")
            await until(lambda: call.deleted_rooms == [THREAD])
    assert len(stand_in.to(f"/v2/conversations/{TAVUS_CONVERSATION}/end")) == 1
    messages = [record.getMessage() for record in warnings_of(caplog)]
    assert [m for m in messages if "could not be ended (HTTP 500)" in m] != []
    assert len(messages) == 2  # and the video that never came (no LiveKit server here)
    stored = agent.store.get_conversation(THREAD)
    assert stored is not None and stored.outcome is not None
    assert stored.cost_breakdown["voice"]["avatar"]["outcome"] == "never_shown"
