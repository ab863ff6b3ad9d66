"""Whole calls through LiveKit's text harness: the graph answers as the voice agent's LLM node."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from livekit.agents import AgentSession
from livekit.agents.voice.run_result import RunResult

from booking.compose import Receptionist
from tests.conftest import SAM
from tests.store.stored import appointments
from tests.voice.conftest import THREAD, spoken, text_session, voice_call
from tests.voice.fakes import SlowUnderstander, until
from voice import phrases
from voice.options import AgentOptions

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("face_mode")]
"""Each call runs voice-only, then with a web caller's avatar on (`conftest.face_mode`)."""

MONDAY_10 = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
"""Monday, November 30th at 10 AM in Los Angeles."""


def statuses(booking: Receptionist) -> list[tuple[datetime, str]]:
    """Return Sam's appointments as (start, status), oldest first."""
    user = booking.store.find_user_by_phone(SAM)
    assert user is not None
    found = appointments(booking.store, user.id)
    return sorted((a.start, a.status) for a in found)


def seed_monday(booking: Receptionist) -> None:
    """Give Sam an appointment on Monday at 10 AM."""
    user = booking.store.find_user_by_phone(SAM)
    assert user is not None
    booking.store.book(user_id=user.id, start=MONDAY_10, duration_min=30, idempotency_key="seed")


async def test_agent_greets_first_and_knows_the_sip_caller(agent: Receptionist) -> None:
    """The graph's greeting is spoken before the caller says a word, with Sam named."""
    async with voice_call(agent) as call:
        assert "Sam Lee" in call.greeting
        said = [
            (item.role, item.text_content)
            for item in call.agent.chat_ctx.items
            if item.type == "message" and item.role != "system"  # the (empty) instructions
        ]
        assert said == [("assistant", call.greeting)]


async def test_web_caller_is_asked_for_their_number(agent: Receptionist) -> None:
    """With no caller ID the graph asks for the number; a spoken one opens Sam's account only
    once the caller has given the name on it and the day of its next appointment."""
    async with voice_call(agent, caller_id=None) as call:
        assert "phone number" in call.greeting
        asked = await call.say("415 555 0123")
        assert "full name" in asked and "Sam" not in asked
        await call.say("Sam Lee")
        assert "Sam Lee" in await call.say("I don't have one")


async def test_a_booking_is_read_back_confirmed_and_written(agent: Receptionist) -> None:
    """Book by voice: the read-back names the absolute day, the yes writes it once."""
    async with voice_call(agent) as call:
        result: RunResult[None] = await call.session.run(user_input="book Monday at 10am")
        readback = result.expect.next_event().is_message(role="assistant").event().item
        assert "Monday, November 30th at 10 AM" in (readback.text_content or "")
        result.expect.no_more_events()
        assert statuses(agent) == []

        result = await call.session.run(user_input="yes")
        confirmation = result.expect.next_event().is_message(role="assistant").event().item
        assert "booked for Monday, November 30th at 10 AM" in (confirmation.text_content or "")
        assert not confirmation.interrupted
        assert statuses(agent) == [(MONDAY_10, "booked")]


async def test_a_cancellation_by_voice(agent: Receptionist) -> None:
    """Cancel by voice: read back, yes, and the appointment is cancelled in the store."""
    seed_monday(agent)
    async with voice_call(agent) as call:
        result: RunResult[None] = await call.session.run(
            user_input="I need to cancel my appointment"
        )
        readback = result.expect.next_event().is_message(role="assistant").event().item
        assert "Monday, November 30th at 10 AM" in (readback.text_content or "")
        result = await call.session.run(user_input="yes")
        done = result.expect.next_event().is_message(role="assistant").event().item
        assert "cancelled" in (done.text_content or "")
        assert statuses(agent) == [(MONDAY_10, "cancelled")]


async def test_a_reschedule_by_voice(agent: Receptionist) -> None:
    """Move by voice: both slots read back, the yes moves it in one write."""
    seed_monday(agent)
    async with voice_call(agent) as call:
        readback = await call.say("can you move my appointment to Tuesday at 2pm")
        assert "from Monday, November 30th at 10 AM to Tuesday, December 1st at 2 PM" in readback
        assert "moved to Tuesday, December 1st at 2 PM" in await call.say("yes")
    tuesday_2 = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
    assert statuses(agent) == [(MONDAY_10, "rescheduled"), (tuesday_2, "booked")]


async def test_a_slow_step_says_the_filler_first(agent: Receptionist) -> None:
    """A step slower than the threshold is preceded by the filler, then the reply."""
    agent.context = replace(agent.context, understander=SlowUnderstander(0.3))
    async with voice_call(agent, options=AgentOptions(filler_after=0.05)) as call:
        reply = await call.say("book Monday at 10am")
        assert reply.startswith(phrases.FILLER)
        assert reply.endswith("Monday, November 30th at 10 AM?")
        filler_turn = call.agent.latency.summary()["turns"][-1]
        assert filler_turn["filler"] is True
        assert filler_turn["graph_step_s"] >= 0.3
    # the graph recorded its own reply, not the filler
    assert not agent.conversation(THREAD).state().reply.startswith(phrases.FILLER)


async def test_goodbye_ends_the_call_and_keeps_its_costs(agent: Receptionist) -> None:
    """After the goodbye is spoken the room is deleted, and the costs join the summary."""
    async with voice_call(agent) as call:
        await call.say("book Monday at 10am")
        await call.say("yes")
        assert "Goodbye" in await call.say("no, that is all")
        await until(lambda: call.deleted_rooms == [THREAD])
    stored = agent.store.get_conversation(THREAD)
    assert stored is not None
    assert stored.outcome == "booked"
    costs = stored.cost_breakdown
    assert costs["turns"] == 3  # the graph's own fields are kept
    assert costs["voice"]["usd"] == 0.0  # a text call uses no speech
    assert costs["latency"]["replies"] == 4
    assert set(costs["latency"]["median"]) >= {"graph_step_s", "first_text_s"}


async def test_a_caller_who_hangs_up_leaves_an_abandoned_summary(agent: Receptionist) -> None:
    """Closing the session before goodbye hangs up on the graph; nothing deletes the room."""
    async with voice_call(agent) as call:
        await call.say("book Monday at 10am")
    assert call.deleted_rooms == []
    stored = agent.store.get_conversation(THREAD)
    assert stored is not None
    assert stored.outcome == "abandoned"
    assert "voice" in stored.cost_breakdown
    assert statuses(agent) == []


def start_silence_clock(session: AgentSession[None], *, after: float) -> None:
    """Start LiveKit's own away countdown now: `after` seconds of silence make the caller away.

    The session is made without one, so the countdown starts once the greeting has been
    said, however long the graph takes to open the call on a busy machine.
    """
    session.options.user_away_timeout = after
    session.reset_away_timer()


async def test_a_silent_caller_is_prompted_then_the_call_ends(agent: Receptionist) -> None:
    """Silence brings "Are you still there?", then a polite goodbye and the hang-up."""
    session = text_session()
    said = spoken(session)
    async with voice_call(
        agent, session=session, options=AgentOptions(silence_hangup_after=0.1)
    ) as call:
        start_silence_clock(session, after=0.1)
        await until(lambda: call.deleted_rooms == [THREAD])
    assert said[-2:] == [phrases.STILL_THERE, phrases.SILENCE_GOODBYE]
    stored = agent.store.get_conversation(THREAD)
    assert stored is not None and stored.outcome == "abandoned"


async def test_answering_the_prompt_keeps_the_call(agent: Receptionist) -> None:
    """A caller who answers "Are you still there?" is not hung up on."""
    session = text_session()
    said = spoken(session)
    # a second to answer in, even on a busy machine; then wait out the hang-up it cancelled
    options = AgentOptions(silence_hangup_after=1.0)
    async with voice_call(agent, session=session, options=options) as call:
        start_silence_clock(session, after=0.1)
        await until(lambda: phrases.STILL_THERE in said)
        assert "Monday, November 30th" in await call.say("book Monday at 10am")
        await asyncio.sleep(1.2)
        assert call.deleted_rooms == []
        assert phrases.SILENCE_GOODBYE not in said


async def test_words_of_a_turn_dropped_before_its_reply_reach_the_graph(
    agent: Receptionist,
) -> None:
    """A caller turn LiveKit never answered goes into the graph with the next one."""
    async with voice_call(agent) as call:
        unanswered = call.agent.chat_ctx.copy()
        unanswered.add_message(role="user", content="book Monday")
        await call.agent.update_chat_ctx(unanswered)
        assert "Monday, November 30th at 10 AM" in await call.say("at 10am")
    assert agent.conversation(THREAD).state().turn == 1


async def test_a_reply_without_new_caller_words_runs_no_step(agent: Receptionist) -> None:
    """LiveKit asking for a reply with no new caller message never re-sends an old one."""
    async with voice_call(agent) as call:
        await call.say("book Monday at 10am")
        before = agent.conversation(THREAD).state().turn
        await call.session.generate_reply()
        assert agent.conversation(THREAD).state().turn == before
