"""The turn nodes: respond says the reply, listen waits for the caller and understands them.

`listen` waits with `interrupt()`, so it runs in a two-node graph (respond, listen) on an
in-memory checkpointer, resumed the way a door resumes it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command

from graph.context import CallContext
from graph.resume import CallerTurn
from graph.state import CallState, Line, Pending
from graph.understanding import Usage as TurnUsage
from nodes import phrases
from nodes.turn import MAX_KEPT_CHARS, MAX_REPLY_CHARS, add_usage, listen, respond, understand
from store.sqlite import SqliteStore
from tests.conftest import NOW
from tests.states import said, task

READ_BACK = "Just to confirm: book you for Monday, November 30th at 10 AM?"
QUESTION = "Which one works for you?"


def _transcript(store: SqliteStore, call_id: str) -> list[tuple[int, str, str, bool]]:
    """Return the stored transcript as (index, role, text, interrupted), as analysts read it."""
    store.finish_conversation(
        conversation_id=call_id,
        ended_at=NOW + timedelta(minutes=1),
        outcome="none",
        summary="",
        appointments_discussed=[],
        preferences_mentioned=[],
        cost_breakdown={},
    )
    call = store.get_conversation(call_id)
    assert call is not None
    return [(t["index"], t["role"], t["text"], t["interrupted"]) for t in call.transcript]


def _listened(runtime: Runtime[CallContext], turn: CallerTurn) -> CallState:
    """Say the read-back, then resume the wait with the caller's `turn`; return the state."""
    g: StateGraph[CallState, CallContext, CallState, CallState] = StateGraph(
        CallState, context_schema=CallContext
    )
    g.add_node("respond", respond)
    g.add_node("listen", listen)
    g.add_edge(START, "respond")
    g.add_edge("respond", "listen")
    g.add_edge("listen", END)
    graph = g.compile(checkpointer=InMemorySaver())
    config: RunnableConfig = {"configurable": {"thread_id": "c1"}}
    graph.invoke(CallState(call_id="c1", speech=[READ_BACK]), config, context=runtime.context)
    graph.invoke(Command(resume=turn), config, context=runtime.context)
    values = graph.get_state(config).values
    return values if isinstance(values, CallState) else CallState(**values)


def test_respond_says_the_turns_sentences_and_stores_them(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """The sentences become one reply, kept in the window as the next line; the store gets
    it with the caller's answer (`listen`), as the caller heard it."""
    sam.speech = ["No problem.", QUESTION]
    update = respond(sam, runtime=runtime)
    assert update.get("reply") == f"No problem. {QUESTION}"
    assert update.get("recent") == [Line(role="agent", text=f"No problem. {QUESTION}")]
    assert (update.get("line_no"), update.get("now")) == (1, NOW.isoformat())
    assert _transcript(store, "c1") == []


def test_a_turn_with_nothing_to_say_is_never_silent(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A turn whose nodes wrote no sentence still answers: it says it did not catch that."""
    assert respond(sam, runtime=runtime).get("reply") == phrases.NOT_UNDERSTOOD


def test_a_long_reply_is_fitted_to_400_characters_keeping_the_question(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """Past 400 characters the question the caller must answer survives, and the sentences
    before it that fit; one over-long question keeps its end."""
    sam.speech = ["That time has already passed.", "I have " + "9 AM, " * 80 + "or 4 PM.", QUESTION]
    reply = respond(sam, runtime=runtime).get("reply", "")
    assert reply == f"That time has already passed. {QUESTION}"
    sam.speech = ["Would " + "this or " * 80 + "that one work for you?"]
    reply = respond(sam, runtime=runtime).get("reply", "")
    assert len(reply) <= MAX_REPLY_CHARS and reply.startswith("... ")
    assert reply.endswith("or that one work for you?")


@pytest.mark.usefixtures("sam")
def test_a_barge_in_leaves_what_the_caller_heard_marked_interrupted(
    runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """Cut off mid read-back, the reply and its transcript line hold only what was played;
    what the caller said follows it."""
    heard = "Just to confirm: book you for Mon"
    state = _listened(runtime, CallerTurn(text="wait, what?", heard=heard))
    assert (state.reply, state.reply_interrupted) == (heard, True)
    assert state.recent == [
        Line(role="agent", text=heard, interrupted=True),
        Line(role="caller", text="wait, what?"),
    ]
    assert (state.utterance, state.turn) == ("wait, what?", 1)
    assert _transcript(store, "c1") == [
        (0, "agent", heard, True),
        (1, "caller", "wait, what?", False),
    ]


@pytest.mark.usefixtures("sam")
def test_a_reply_heard_whole_stays_whole(runtime: Runtime[CallContext], store: SqliteStore) -> None:
    """Without a barge-in the reply and its line stay as said, not interrupted."""
    state = _listened(runtime, CallerTurn(text="yes"))
    assert (state.reply, state.reply_interrupted, state.utterance) == (READ_BACK, False, "yes")
    assert _transcript(store, "c1") == [(0, "agent", READ_BACK, False), (1, "caller", "yes", False)]


@pytest.mark.usefixtures("sam")
def test_a_hang_up_is_an_act_with_no_words(runtime: Runtime[CallContext]) -> None:
    """The caller hanging up reaches the graph as the act "hangup", not as an utterance."""
    state = _listened(runtime, CallerTurn(event="hangup"))
    assert (state.act, state.utterance, state.turn) == ("hangup", "", 0)


@pytest.mark.usefixtures("sam")
def test_a_huge_caller_line_is_kept_cut_with_a_mark(runtime: Runtime[CallContext]) -> None:
    """A 100 KB line keeps its first 2,000 characters and says how much was cut."""
    state = _listened(runtime, CallerTurn(text="book Monday " + "x" * 100_000))
    assert state.utterance.startswith("book Monday ")
    assert state.utterance.endswith(" [cut: 98012 more characters]")
    assert len(state.utterance) < MAX_KEPT_CHARS + 40


def test_understand_reads_a_request_at_the_pending_question(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A request is read as an act, with the day and time it named and no yes or no, and
    kept as the caller's line in the window (`listen` stored it)."""
    sam.stage, sam.question = "ask_request", phrases.HOW_CAN_I_HELP
    sam.utterance, sam.line_no = "can I book Friday at 10am?", 1
    update = understand(sam, runtime=runtime)
    assert (update.get("act"), update.get("affirm")) == ("search", None)
    assert update.get("named") == {"day": "2026-11-27", "at": "10:00"}
    assert update.get("task") == task("book", wish={"day": "2026-11-27", "at": "10:00"})
    assert update.get("understood", {}).get("intent") == "book"
    assert update.get("line_no") == 2
    assert update.get("recent") == [Line(role="caller", text=sam.utterance)]


def test_understand_reads_a_yes_to_the_read_back_just_heard_as_consent(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """ "Yes" right after the read-back is an affirm with nothing named."""
    pending = Pending(kind="book", slot="2026-11-30T10:00:00-08:00", said=READ_BACK)
    sam.stage, sam.reply, sam.utterance = "confirm", READ_BACK, "yes please"
    sam.task = task("book", pending=pending)
    update = understand(sam, runtime=runtime)
    assert (update.get("act"), update.get("affirm"), update.get("named")) == ("affirm", True, {})
    assert "task" not in update and not said(update)


def test_understanding_costs_add_up_per_call() -> None:
    """LLM calls, fallbacks and tokens add up across turns; a rules-only turn costs nothing."""
    total = add_usage({}, TurnUsage(llm_calls=1, input_tokens=300, output_tokens=20))
    total = add_usage(total, TurnUsage(llm_calls=1, input_tokens=200, fallback=True))
    assert add_usage(total, TurnUsage()) == total
    assert total == {"llm_calls": 2, "fallbacks": 1, "input_tokens": 500, "output_tokens": 20}
