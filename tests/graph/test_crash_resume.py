"""A "yes" interrupted at every point of its step, then resumed as the doors resume a call.

Each scenario reads a booking back, arms one fault (`tests.graph.faults`) at one call the
"yes" step makes to the store or the checkpointer (before it or after it), says "yes",
and then behaves as a caller and a door would: after a crash a new `Conversation` on the
same databases resumes the call (as `booking chat --thread` does, as a voice re-join does,
or with the caller speaking first); after a failure the same call goes on. The caller
answers a read-back with "yes" and anything else with "hello?" until they hear the
booking confirmed. Every point must end with the call waiting, exactly one booking row,
and the confirmation heard exactly once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import pytest

from booking.compose import fixed_clock
from business.calendar import BusinessCalendar
from graph.builder import build_graph
from graph.context import CallContext
from graph.conversation import Conversation
from nodes.understanding.rules import RuleUnderstander
from tests.conftest import NOW, SAM
from tests.graph.faults import Crash, Fault, Faults, FaultySaver, FaultyStore
from voice.delivery import open_call

THREAD = "crash-call"
READ_BACK = "book you for Monday, November 30th at 10 AM?"
CONFIRMED = "booked for Monday, November 30th at 10 AM"
Door = Literal["chat", "voice"]


@dataclass
class Call:
    """A call on faulty databases, and what the caller heard after the read-back."""

    faults: Faults
    store: FaultyStore
    context: CallContext
    conversation: Conversation
    heard: list[str] = field(default_factory=list)

    def reopen(self) -> Conversation:
        """Return the call as a new process finds it after a crash."""
        self.faults.revive()
        self.conversation = Conversation(
            self.conversation.graph, self.context, self.conversation.thread_id
        )
        return self.conversation

    def booked(self) -> int:
        """Return how many booked appointments the store holds."""
        user = self.store.find_user_by_phone(SAM)
        assert user is not None
        return len(self.store.list_appointments(user.id))


def open_read_back() -> Call:
    """Return Sam's call waiting for a yes to Monday at 10 AM."""
    faults = Faults()
    store = FaultyStore(":memory:", faults)
    store.set_user_name(store.create_user(phone=SAM).id, "Sam Lee")
    context = CallContext(
        store=store,
        understander=RuleUnderstander(),
        calendar=BusinessCalendar(),
        clock=fixed_clock(NOW),
    )
    graph = build_graph().compile(checkpointer=FaultySaver(faults))
    conversation = Conversation(graph, context, THREAD)
    conversation.start(caller_id=SAM)
    assert READ_BACK in conversation.say("book Monday at 10am").reply
    return Call(faults, store, context, conversation)


@pytest.fixture
def read_back() -> Iterator[Call]:
    """Yield Sam's call waiting for a yes to Monday at 10 AM."""
    call = open_read_back()
    yield call
    call.store.close()


def yes_step_calls() -> list[tuple[str, int]]:
    """Return each (target, nth) call the "yes" step makes, recorded on a healthy call."""
    call = open_read_back()
    call.faults.arm(None)
    assert CONFIRMED in call.conversation.say("yes").reply
    call.store.close()
    seen: dict[str, int] = {}
    points = []
    for target in call.faults.calls:
        seen[target] = seen.get(target, 0) + 1
        points.append((target, seen[target]))
    return points


POINTS = [
    Fault(target, nth, when, mode)
    for target, nth in yes_step_calls()
    for when in ("before", "after")
    for mode in ("fail", "crash")
]


def resume(call: Call, door: Door) -> str:
    """Resume the call in a new process as `door` does, and return what the caller hears."""
    conversation = call.reopen()
    if door == "chat":  # booking chat --thread: the unheard reply, else the pending question
        return conversation.recover() or conversation.last_reply()
    return open_call(conversation, SAM)[0]  # a caller rejoining the room hears this first


def play(call: Call, fault: Fault, door: Door) -> None:
    """Say yes with `fault` armed, resume through `door`, and go on until confirmed."""
    call.faults.arm(fault)
    try:
        call.heard.append(call.conversation.say("yes").reply)
    except Crash:
        call.heard.append(resume(call, door))
    for _ in range(3):
        if CONFIRMED in call.heard[-1]:
            break
        answer = "yes" if READ_BACK in call.heard[-1] else "hello?"
        call.heard.append(call.conversation.say(answer).reply)


def verdict(call: Call) -> list[str]:
    """Return what went wrong for the caller: stuck, written twice, unconfirmed."""
    wrong = []
    if not call.conversation.waiting() or not all(call.heard):
        wrong.append("stuck")
    if call.booked() != 1:
        wrong.append(f"{call.booked()} bookings")
    if sum(CONFIRMED in reply for reply in call.heard) != 1:
        wrong.append(f"confirmation heard {sum(CONFIRMED in reply for reply in call.heard)} times")
    for reply in call.heard:
        if "nothing" in reply and READ_BACK not in reply:  # an apology must ask again
            wrong.append(f"no question after {reply!r}")
    outcomes = [o for o in call.conversation.state().outcomes if o["kind"] == "booked"]
    if len(outcomes) != 1:
        wrong.append(f"{len(outcomes)} booked outcomes in the checkpoint")
    return wrong


@pytest.mark.parametrize("fault", POINTS, ids=str)
def test_a_yes_interrupted_anywhere_books_once_and_is_confirmed(
    read_back: Call, fault: Fault
) -> None:
    """Whatever call of the step fails or crashes, the caller ends up booked once and told so."""
    play(read_back, fault, "chat")
    assert verdict(read_back) == [], read_back.heard


@pytest.mark.parametrize("fault", [f for f in POINTS if f.mode == "crash"], ids=str)
def test_a_voice_rejoin_finishes_a_crashed_step(read_back: Call, fault: Fault) -> None:
    """A caller rejoining by voice gets the crashed step finished and hears how it went."""
    play(read_back, fault, "voice")
    assert verdict(read_back) == [], read_back.heard


def test_words_said_on_an_unfinished_step_get_its_reply_first(read_back: Call) -> None:
    """Words that reach an unfinished step hear its result; they never answer a question unheard."""
    read_back.faults.arm(Fault("store.book", 1, "after", "crash"))
    with pytest.raises(Crash):
        read_back.conversation.say("yes")
    conversation = read_back.reopen()
    assert CONFIRMED in conversation.say("no thanks, that's all").reply
    assert conversation.waiting() and conversation.state().utterance == "yes"
    assert "Goodbye" in conversation.say("no thanks, that's all").reply
    assert read_back.booked() == 1


@pytest.mark.parametrize("fault", [f for f in POINTS if f.mode == "crash"], ids=str)
def test_hanging_up_after_a_crash_stores_the_summary(read_back: Call, fault: Fault) -> None:
    """A hang-up after a crash is summarised; the step is finished only if it reached the write.

    A step that stopped before `book` was due is dropped (nobody would hear its result); one
    that reached it may have written, so it is finished and the summary says booked.
    """
    read_back.faults.arm(fault)
    with pytest.raises(Crash):
        read_back.conversation.say("yes")
    conversation = read_back.reopen()
    history = conversation.graph.get_state_history(conversation.config)
    unfinished = itertools.takewhile(lambda s: not s.interrupts, history)
    reached = read_back.booked() == 1 or any("book" in s.next for s in unfinished)
    conversation.hang_up()
    stored = read_back.store.get_conversation(THREAD)
    assert stored is not None and stored.summary
    assert read_back.booked() == int(reached)
    assert stored.outcome == ("booked" if reached else "abandoned")
