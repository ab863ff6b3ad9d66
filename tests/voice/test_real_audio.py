"""A real-audio call with no room: espeak-ng caller, Silero VAD, pocketsphinx, graph, espeak-ng.

Everything between the caller's audio and the agent's audio is the production pipeline
(LiveKit's `AgentSession`, `BookingAgent`, the checkpointed graph, the SQLite store); only
the microphone and speaker are replaced, by the harness's clip input and capture
(`tests/voice/harness/`).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from booking.compose import Receptionist
from graph.state import CallState
from tests.conftest import SAM
from tests.store.stored import transcript
from tests.voice.harness.call import CallerLine, OfflineCall, run_offline_call

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("espeak_ng")]

CALL = [
    CallerLine("book monday at ten a.m."),
    CallerLine("yes"),
    CallerLine("what can you help me with"),
    # cuts into the long list of what the agent can do
    CallerLine("what do i have booked", barge_in_after=1.5),
]


@pytest.mark.parametrize("with_face", [False, True], ids=["voice-only", "with-avatar"])
def test_a_spoken_call_books_and_keeps_what_a_barge_in_cut_off(
    agent: Receptionist, with_face: bool
) -> None:
    """Caller ID identifies Sam; the spoken booking lands; the cut reply is kept as heard.
    With a web caller's avatar, all of it goes through the face, and none of the room's
    own audio plays."""
    call: OfflineCall = asyncio.run(
        run_offline_call(agent, CALL, thread_id="voice-1", caller_id=SAM, with_face=with_face)
    )
    if with_face:
        assert call.face is not None and call.face.usage().outcome == "shown"
        assert call.room_speaker.frames == [] and len(call.speaker.playbacks) == 5

    user = agent.store.find_user_by_phone(SAM)
    assert user is not None
    (booked,) = agent.store.list_appointments(user.id)
    assert booked.start == datetime(2026, 11, 30, 10, 0, tzinfo=agent.context.calendar.tz)

    # the help reply was cut by the caller, the others played in full
    replies = [turn.reply for turn in call.turns]
    assert [r.interrupted for r in replies] == [False, False, True, False]
    assert 1.5 < (replies[2].played or 0) < replies[2].pushed

    thread = agent.conversation("voice-1")
    (cut,) = [line for line in thread.state().recent if line.get("interrupted")]
    # the reply as the graph first wrote it, before the barge-in cut it down
    full = {
        line["text"]
        for snapshot in agent.graph.get_state_history(thread.config)
        for line in CallState(**snapshot.values).recent
        if line["role"] == "agent" and not line.get("interrupted")
    }
    assert cut["text"] and any(
        text.startswith(cut["text"]) and text != cut["text"] for text in full
    )

    stored = [line for line in transcript(agent.store, "voice-1") if line.interrupted]
    assert [line.text for line in stored] == [cut["text"]]
