"""Calls with LiveKit's audio path (silent TTS, real-time speaker): barge-in, protection, usage.

A barge-in is made at a point of the reply (after its first words have played, on a speaker
holding the reply until then), never at a time, so a slow machine cuts in at the same place.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from booking.compose import Receptionist
from tests.conftest import SAM
from tests.store.stored import transcript
from tests.voice.conftest import THREAD, audio_session, voice_call
from tests.voice.fakes import SlowUnderstander, until
from voice.options import AgentOptions, VoiceRates

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("face_mode")]
"""Each call runs voice-only, then with a web caller's avatar on (`conftest.face_mode`)."""

READBACK = "Just to confirm: book you for Monday, November 30th at 10 AM?"
NO_FILLER = AgentOptions(filler_after=30, step_timeout=60)
"""No filler before a reply, however slow the machine: the first words played are the reply's."""


async def test_a_barge_in_tells_the_graph_what_was_heard(agent: Receptionist) -> None:
    """A read-back cut short is recorded as the words played, flagged; a yes to it hears the
    read-back again (the caller never heard the slot), and a yes to that books."""
    audio = audio_session()
    async with voice_call(agent, session=audio.session, options=NO_FILLER) as call:
        audio.speaker.hold = True  # the read-back plays until the caller cuts in
        reply = asyncio.ensure_future(call.say("book Monday at 10am"))
        await audio.transcript.words(3)  # "Just to confirm:" has played
        audio.session.interrupt()
        await reply
        audio.speaker.release()
        assert await call.say("yes") == READBACK
        assert "booked" in await call.say("yes")
    recent = agent.conversation(THREAD).state().recent
    (cut,) = [line for line in recent if line.get("interrupted")]
    assert cut["text"] and READBACK.startswith(cut["text"]) and cut["text"] != READBACK
    stored = [line for line in transcript(agent.store, THREAD) if line.interrupted]
    assert [line.text for line in stored] == [cut["text"]]


async def test_a_confirmation_cannot_be_interrupted(agent: Receptionist) -> None:
    """The reply of a step that wrote plays whole: LiveKit refuses to interrupt it."""
    audio = audio_session()
    async with voice_call(agent, session=audio.session, options=NO_FILLER) as call:
        await call.say("book Monday at 10am")
        audio.speaker.hold = True  # the confirmation plays until released
        reply = asyncio.ensure_future(call.say("yes"))
        await audio.transcript.words(1)  # the confirmation is playing
        with pytest.raises(RuntimeError, match="does not allow interruptions"):
            audio.session.interrupt()
        audio.speaker.release()
        assert "You're booked" in await reply
    assert not any(line.interrupted for line in transcript(agent.store, THREAD))


async def test_a_confirmation_computed_during_a_barge_in_is_still_said(agent: Receptionist) -> None:
    """Cut in while the booking step runs: the step still books and its reply is said."""
    agent.context = replace(agent.context, understander=SlowUnderstander(0.4, "yes".__eq__))
    audio = audio_session()
    spoken: list[str] = []
    audio.session.on(
        "conversation_item_added", lambda ev: spoken.append(ev.item.text_content or "")
    )
    async with voice_call(
        agent, session=audio.session, options=AgentOptions(filler_after=5)
    ) as call:
        await call.say("book Monday at 10am")
        reply = asyncio.ensure_future(call.say("yes"))
        await asyncio.sleep(0.1)  # the step is running, nothing is playing yet
        audio.session.interrupt()
        await reply
        await until(lambda: any("You're booked" in text for text in spoken))
        await call.say("what do I have booked?")
    (confirmation,) = [
        line for line in transcript(agent.store, THREAD) if "booked for" in line.text
    ]
    assert not confirmation.interrupted


async def test_speech_usage_is_priced_into_the_stored_costs(agent: Receptionist) -> None:
    """STT seconds and TTS characters from the session's usage are priced and totalled."""
    audio = audio_session()
    rates = VoiceRates(stt_usd_per_minute=0.6, tts_usd_per_1k_chars=2.0)
    async with voice_call(agent, session=audio.session, options=AgentOptions(rates=rates)) as call:
        audio.stt.report(30.0)  # as Deepgram reports streamed caller audio
        assert "Goodbye" in await call.say("that's all")
        await until(lambda: call.deleted_rooms == [THREAD])
        spoken = len(call.greeting) + len("Thanks for calling. Goodbye!")
    stored = agent.store.get_conversation(THREAD)
    assert stored is not None
    voice = stored.cost_breakdown["voice"]
    assert voice["stt_audio_seconds"] == 30.0
    assert voice["stt_usd"] == pytest.approx(0.3)
    assert 0.9 * spoken <= voice["tts_characters"] <= spoken
    assert voice["tts_usd"] == pytest.approx(voice["tts_characters"] / 1000 * 2.0)
    assert voice["tts_models"] == ["tests/silence"]
    assert stored.cost_breakdown["total_usd"] == pytest.approx(voice["usd"])
    assert {"graph_step_s", "tts_first_byte_s"} <= set(stored.cost_breakdown["latency"]["median"])
    assert stored.user_id == agent.store.find_user_by_phone(SAM).id  # type: ignore[union-attr]
