"""A graph step that fails or hangs in a voice call: a short apology, never a silent line.

Through LiveKit's text harness, as the other voice calls: a step that raises, one that
runs past the step timeout (its reply follows when it is done, or answers the caller's
next turn), and a call that cannot be opened at the greeting. Each time the session is
kept and the next turn books.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from booking.compose import Receptionist
from graph import apologies
from graph.conversation import Conversation, Said
from graph.understanding import Expecting, Understanding
from nodes.understanding.rules import RuleUnderstander
from tests.voice.conftest import said, text_session, voice_call
from tests.voice.fakes import until
from voice import delivery, phrases
from voice.options import AgentOptions
from voice.unavailable import UnavailableAgent

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("face_mode")]
"""Each call runs voice-only, then with a web caller's avatar on (`conftest.face_mode`)."""

READ_BACK = "Monday, November 30th at 10 AM?"
BOOKED = "booked for Monday, November 30th at 10 AM"
SLOW = AgentOptions(filler_after=0.05, step_timeout=0.5)
"""Timings of a call whose slow steps outlast the step timeout."""


class Bomb:
    """The rule engine, raising on every utterance that says "boom"."""

    def __init__(self) -> None:
        """Understand as the rules do, except "boom"."""
        self._rules = RuleUnderstander()

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Raise on "boom", else understand `text` as the rules do."""
        if "boom" in text:
            raise RuntimeError("the understanding engine broke")
        return self._rules.understand(text, expecting=expecting, now=now, region=region)


class Gate:
    """The rule engine, holding every utterance with "10" in it until `release()`."""

    def __init__(self) -> None:
        """Start closed."""
        self._rules = RuleUnderstander()
        self._open = threading.Event()

    def release(self) -> None:
        """Let held and later utterances through."""
        self._open.set()

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Wait for the gate on "10" (in the graph's worker thread), then understand `text`."""
        if "10" in text:
            self._open.wait(timeout=30)
        return self._rules.understand(text, expecting=expecting, now=now, region=region)


def booked(agent: Receptionist) -> int:
    """Return how many appointments the store holds for the call's caller."""
    return sum(
        len(agent.store.list_appointments(user.id))
        for user in [agent.store.find_user_by_phone("+14155550123")]
        if user is not None
    )


async def test_a_step_that_raises_apologises_and_the_call_goes_on(agent: Receptionist) -> None:
    """A graph step that raises is apologised for with the question again; the next turn books."""
    agent.context = replace(agent.context, understander=Bomb())
    async with voice_call(agent) as call:
        assert READ_BACK in await call.say("book Monday at 10am")
        apology = await call.say("boom")
        assert apology.startswith(apologies.SOMETHING_WENT_WRONG) and READ_BACK in apology
        assert BOOKED in await call.say("yes")
    assert booked(agent) == 1


async def test_a_failure_outside_the_graph_is_a_short_apology(
    agent: Receptionist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even when the turn protocol itself raises, the caller hears an apology, and goes on."""
    say = Conversation.say
    failures = [RuntimeError("the turn protocol broke")]

    def flaky(self: Conversation, utterance: str, **kwargs: Any) -> Said:
        if failures:
            raise failures.pop()
        return say(self, utterance, **kwargs)

    monkeypatch.setattr(Conversation, "say", flaky)
    async with voice_call(agent) as call:
        assert await call.say("book Monday at 10am") == phrases.TROUBLE
        assert READ_BACK in await call.say("book Monday at 10am")
        assert BOOKED in await call.say("yes")
    assert booked(agent) == 1


async def test_a_step_past_the_timeout_apologises_then_says_its_reply(agent: Receptionist) -> None:
    """A hung step gets the filler, then an apology; its reply is said once it is done."""
    gate = Gate()
    agent.context = replace(agent.context, understander=gate)
    spoken: list[str] = []
    session = text_session()
    session.on("conversation_item_added", lambda ev: spoken.append(ev.item.text_content or ""))
    async with voice_call(agent, options=SLOW, session=session) as call:
        reply = await call.say("book Monday at 10am")
        assert reply.startswith(phrases.FILLER) and reply.endswith(phrases.TOO_SLOW)
        gate.release()
        await until(lambda: any(READ_BACK in line for line in spoken))
        assert BOOKED in await call.say("yes")
    assert booked(agent) == 1


async def test_words_said_while_a_step_hangs_get_its_reply(agent: Receptionist) -> None:
    """A caller who speaks while a step runs late hears that step's reply, not a second step."""
    gate = Gate()
    agent.context = replace(agent.context, understander=gate)
    async with voice_call(agent, options=SLOW) as call:
        assert (await call.say("book Monday at 10am")).endswith(phrases.TOO_SLOW)
        asyncio.get_running_loop().call_later(0.05, gate.release)  # while "hello?" waits
        assert READ_BACK in await call.say("hello?")
        assert BOOKED in await call.say("yes")
    assert agent.conversation("call-1").state().turn == 2  # "hello?" never reached the graph


async def test_a_call_that_cannot_be_opened_apologises_and_opens_on_the_next_turn(
    agent: Receptionist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A greeting the graph cannot give is an apology; the caller's next words open the call."""
    open_call = delivery.open_call
    failures = [RuntimeError("the checkpoints are down")]

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return open_call(*args, **kwargs)

    monkeypatch.setattr("voice.agent.open_call", flaky)  # where the agent looks it up
    async with voice_call(agent) as call:
        assert call.greeting == phrases.CANT_OPEN
        assert "Sam Lee" in await call.say("hello?")
        assert READ_BACK in await call.say("book Monday at 10am")
        assert BOOKED in await call.say("yes")
    assert booked(agent) == 1


async def test_a_call_the_service_cannot_take_hears_so_and_is_ended() -> None:
    """With the databases down before any graph exists, the caller hears why, then the hang-up."""
    ended: list[str] = []

    async def end_call() -> None:
        ended.append("room deleted")

    async with text_session() as session:
        started = await session.start(UnavailableAgent(end_call=end_call), capture_run=True)
        assert said(started) == phrases.UNAVAILABLE
        await until(lambda: ended == ["room deleted"])
