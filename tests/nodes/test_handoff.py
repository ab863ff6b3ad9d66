"""Handoff nodes: offer a callback, take the message, say goodbye."""

from __future__ import annotations

from dataclasses import replace

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from nodes.handoff import goodbye, offer_handoff, take_message
from store.sqlite import SqliteStore
from tests.states import KNOWN, said


def test_asking_for_a_person_is_offered_a_message_for_a_callback() -> None:
    """ "Can I talk to someone?" offers a callback; a yes to it asks for the message itself."""
    asked = offer_handoff(CallState(**KNOWN, stage="ask_request"))
    assert said(asked) == phrases.HUMAN
    assert (asked.get("stage"), asked.get("question")) == ("take_message", phrases.HUMAN)
    agreed = offer_handoff(CallState(**KNOWN, stage="take_message", question=phrases.HUMAN))
    assert said(agreed) == phrases.WHAT_MESSAGE
    assert (agreed.get("stage"), agreed.get("question")) == ("take_message", phrases.WHAT_MESSAGE)


def test_a_message_taken_is_acknowledged_and_the_call_goes_on(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """The callback is stored with the message before it is confirmed as passed on, the
    count of misunderstandings starts over, and the caller is asked for anything else."""
    state = replace(sam, stage="take_message", message="call me about my bill", misunderstood=3)
    update = take_message(state, runtime=runtime)
    assert said(update) == f"{phrases.MESSAGE_TAKEN} {phrases.ANYTHING_ELSE}"
    assert (update.get("stage"), update.get("question")) == ("ask_request", phrases.ANYTHING_ELSE)
    assert update.get("misunderstood") == 0
    owed = store.callback_of(state.call_id)
    assert owed is not None
    assert (owed.need, owed.reason, owed.phone) == ("call me about my bill", "message", state.phone)


def test_goodbye_ends_the_call_with_no_question_pending() -> None:
    """Goodbye is said once and leaves the call ended, with nothing left to answer."""
    update = goodbye(CallState(**KNOWN, stage="ask_request", question=phrases.ANYTHING_ELSE))
    assert said(update) == phrases.GOODBYE
    assert (update.get("stage"), update.get("question")) == ("ended", "")
