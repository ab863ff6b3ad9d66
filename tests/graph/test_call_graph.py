"""The compiled graph on real SQLite checkpoints: steps, replays, restarts, long calls."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple

from booking.compose import Receptionist, fixed_clock, open_receptionist
from business.calendar import BusinessCalendar
from graph.conversation import CallAlreadyStarted, CallEnded
from tests.conftest import NOW, SAM
from tests.store.stored import transcript


def _booked(agent: Receptionist) -> list[str]:
    user = agent.store.find_user_by_phone(SAM)
    assert user is not None
    return [a.id for a in agent.store.list_appointments(user.id)]


def test_each_utterance_is_one_checkpointed_step(agent: Receptionist) -> None:
    """After every caller line the latest checkpoint holds it and waits for the next one."""
    call = agent.conversation("steps")
    call.start(caller_id=SAM)
    for line in ["what do you have Monday morning", "the first one"]:
        call.say(line)
        snapshot = agent.graph.get_state(call.config)
        assert snapshot.values["utterance"] == line
        assert snapshot.next == ("listen",) and len(snapshot.interrupts) == 1


def test_replaying_the_booking_step_does_not_book_twice(agent: Receptionist) -> None:
    """Re-running the write step from its checkpoint returns the first booking, not a second."""
    call = agent.conversation("replay")
    call.start(caller_id=SAM)
    call.say("book Monday at 10am")
    call.say("yes")
    first = _booked(agent)
    assert len(first) == 1
    before_book = next(s for s in agent.graph.get_state_history(call.config) if s.next == ("book",))
    agent.graph.invoke(None, before_book.config, context=agent.context)
    assert _booked(agent) == first


def test_a_call_survives_a_worker_restart(db: Path) -> None:
    """A second process opening the same file continues the call where it stopped."""
    calendar, clock = BusinessCalendar(), fixed_clock(NOW)
    with open_receptionist(db, calendar=calendar, clock=clock) as first:
        first.store.create_user(phone=SAM, name="Sam Lee")
        call = first.conversation("restart")
        call.start(caller_id=SAM)
        offered = call.say("what do you have Monday morning").reply
        assert "Monday, November 30th" in offered
    with open_receptionist(db, calendar=calendar, clock=clock) as second:
        call = second.conversation("restart")
        assert call.waiting() and call.last_reply() == offered
        assert "Monday, November 30th at 9 AM" in call.say("the first one").reply
        assert "booked" in call.say("yes").reply


def test_state_does_not_grow_with_the_length_of_the_call(agent: Receptionist) -> None:
    """Turn 80 checkpoints as much state as turn 10; the full transcript is in the store."""
    call = agent.conversation("long")
    call.start(caller_id=SAM)
    sizes = {}
    for turn in range(1, 81):
        call.say("what do I have booked?")
        if turn in (10, 80):
            sizes[turn] = len(json.dumps(asdict(call.state())))
    assert sizes[80] <= sizes[10] + 8  # only the turn and line counters gain digits
    # the greeting, 80 lines and 79 replies: the last reply is stored with its answer
    assert len(transcript(agent.store, "long")) == 2 * 80
    assert call.state().recent[-1]["role"] == "agent"


def test_goodbye_stores_the_summary_once_and_ends_the_thread(agent: Receptionist) -> None:
    """After goodbye the conversation is summarized and no longer waits for input."""
    call = agent.conversation("bye")
    call.start(caller_id=SAM)
    call.say("book Monday at 10am")
    call.say("yes")
    assert "Goodbye" in call.say("no, that's all").reply
    assert not call.waiting()
    stored = agent.store.get_conversation("bye")
    assert stored is not None and stored.outcome == "booked"
    assert stored.appointments_discussed == _booked(agent)
    assert [line["role"] for line in stored.transcript][:3] == ["agent", "caller", "agent"]


def test_starting_a_started_call_is_refused(agent: Receptionist) -> None:
    """Opening a thread twice would discard its pending question, so it is refused."""
    call = agent.conversation("twice")
    call.start(caller_id=SAM)
    call.say("book Monday at 10am")
    with pytest.raises(CallAlreadyStarted):
        call.start(caller_id=SAM)
    assert call.state().stage == "confirm"


def test_saying_something_after_goodbye_is_refused(agent: Receptionist) -> None:
    """A finished call does not silently start over when spoken to."""
    call = agent.conversation("over")
    call.start(caller_id=SAM)
    call.say("bye")
    with pytest.raises(CallEnded):
        call.say("hello?")


def test_a_barge_in_leaves_what_the_caller_heard_in_checkpoint_and_transcript(
    agent: Receptionist,
) -> None:
    """The reply cut short by the caller is stored as heard, flagged interrupted, not as sent."""
    call = agent.conversation("barge")
    call.start(caller_id=SAM)
    full = call.say("what do you have Monday morning").reply
    heard = full[:20]
    call.say("the first one", heard=heard)
    # the turn's one checkpoint keeps the line as heard, flagged, in the transcript window
    assert {"role": "agent", "text": heard, "interrupted": True} in call.state().recent
    lines = transcript(agent.store, "barge")
    cut = [line for line in lines if line.interrupted]
    assert [(c.text, c.role) for c in cut] == [(heard, "agent")]
    assert full not in [line.text for line in lines]


def test_a_turn_that_books_is_flagged_so_its_reply_is_not_lost(agent: Receptionist) -> None:
    """The reply confirming a write is marked so a voice door plays it uninterruptibly."""
    call = agent.conversation("wrote")
    call.start(caller_id=SAM)
    assert not call.say("book Monday at 10am").wrote
    assert call.say("yes").wrote
    assert not call.say("what do I have booked?").wrote


def test_a_huge_caller_line_is_kept_short_and_still_understood(agent: Receptionist) -> None:
    """A 100 KB line costs the checkpoint and transcript 2 KB, and its start is still read."""
    call = agent.conversation("huge")
    call.start(caller_id=SAM)
    reply = call.say("book Monday at 10am " + "blah " * 20_000).reply
    assert "Monday, November 30th at 10 AM" in reply
    assert len(call.state().utterance) < 2_100
    assert max(len(line.text) for line in transcript(agent.store, "huge")) < 2_100


def test_a_turn_that_cannot_write_is_saved_once_and_keeps_its_path(agent: Receptionist) -> None:
    """Turns with no read-back pending leave one checkpoint, their nodes in `trace`; the yes
    to a read-back is saved node by node, so its write never runs ahead of its checkpoint."""
    call = agent.conversation("once")
    call.start(caller_id=SAM)

    def saved_during(line: str) -> int:
        before = len(list(agent.graph.get_state_history(call.config)))
        call.say(line)
        return len(list(agent.graph.get_state_history(call.config))) - before

    assert saved_during("book Monday at 10am") == 1
    assert [v["node"] for v in call.state().trace] == ["listen", "search", "confirm"]
    assert all(v["ms"] >= 0 for v in call.state().trace)
    assert saved_during("yes") > 1  # listen, then book: one each
    assert [v["node"] for v in call.state().trace] == ["listen", "book"]


def test_a_turn_reads_the_thread_once_its_step_loading_it(
    agent: Receptionist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the door needs of a turn comes from the step's output: the only read of the
    thread is the step loading its checkpoint, even across a write and a barge-in."""
    saver = agent.graph.checkpointer
    assert isinstance(saver, BaseCheckpointSaver)
    call = agent.conversation("one-read")
    call.start(caller_id=SAM)
    reads: list[str] = []
    real = saver.get_tuple

    def counted(config: RunnableConfig) -> CheckpointTuple | None:
        reads.append("read")
        return real(config)

    monkeypatch.setattr(saver, "get_tuple", counted)
    turns = [("book Monday at 10am", None), ("yes", None), ("what do I have?", "You're booked")]
    for line, heard in turns:
        reads.clear()
        said = call.say(line, heard=heard)
        assert said.reply and reads == ["read"], line
    assert call.state().outcomes  # the booking happened, read back here, after the turns
