"""The call state's typed shape: what nodes may return, and what a door may send in."""

from __future__ import annotations

import typing

import pytest
from langgraph.graph import END, START, StateGraph

from graph.builder import build_graph
from graph.state import CallInput, CallState, Update, Visit, applied, no_task


def test_a_node_update_can_name_every_state_field_with_its_type_and_nothing_else() -> None:
    """`Update` is the state's fields, each with the same type (speech may also be None,
    which starts the next turn's), so mypy rejects a misspelt key a node returns."""
    fields = typing.get_type_hints(CallState, include_extras=False)
    update = typing.get_type_hints(Update)
    assert set(update) == set(fields)
    differing = {name for name in fields if update[name] != fields[name]}
    assert differing == {"speech"}  # the sentences a turn appends to; None clears them
    assert update["speech"] == fields["speech"] | None


def test_the_graph_takes_only_what_a_door_gives() -> None:
    """The input schema is the call id, the caller ID and whether the door can transfer, so
    Studio's form shows those three fields."""
    schema = build_graph().compile().get_input_jsonschema()
    assert set(schema["properties"]) == {"call_id", "caller_id", "can_transfer"}
    assert set(typing.get_type_hints(CallInput)) == {"call_id", "caller_id", "can_transfer"}


def test_dropping_the_task_clears_all_it_gathered_at_once() -> None:
    """A fresh call and a dropped task hold the same empty task, and no two share a list."""
    fresh = CallState().task
    assert fresh == no_task()
    assert fresh["offers"] is not no_task()["offers"]
    kept = no_task({"day": "2026-11-30"})
    assert kept["wish"] == {"day": "2026-11-30"} and kept["kind"] is None


@pytest.mark.parametrize(
    "update",
    [
        {"speech": ["Anything else?"], "trace": [Visit(node="respond", ms=0.5)], "turn": 3},
        {"speech": None, "trace": [Visit(node="listen", ms=0.7, starts=True)], "utterance": "yes"},
    ],
)
def test_a_node_routes_on_the_state_langgraph_keeps_after_it(update: Update) -> None:
    """Nodes pick the next node on `applied(state, update)` (`graph.builder.routed`), so it
    must be what LangGraph stores, reducers included: appended lists, a turn's start (None
    for the sentences, `listen`'s visit for the trace) clearing them."""
    before = CallState(speech=["Hello."], trace=[Visit(node="greet", ms=1.0)], turn=2)
    g: StateGraph[CallState, None, CallState, CallState] = StateGraph(CallState)
    g.add_node("node", lambda state: update)
    g.add_edge(START, "node")
    g.add_edge("node", END)
    kept = g.compile().invoke(before)
    assert CallState(**kept) == applied(before, update)
    reduced = typing.get_type_hints(CallState, include_extras=True)
    with_reducers = {
        name for name, hint in reduced.items() if typing.get_origin(hint) is typing.Annotated
    }
    assert with_reducers == {"speech", "trace"}  # the two `applied` knows; a new one goes there
