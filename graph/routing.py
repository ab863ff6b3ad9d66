"""Routers: pure functions of state that pick the next node. No I/O, no model calls.

"respond" is no node: it ends the turn, saying the reply (`graph.builder.routed`)."""

from __future__ import annotations

from typing import Literal

from graph.state import CallState

TurnNode = Literal[
    "identify",
    "register",
    "verify",
    "search",
    "confirm",
    "select",
    "book",
    "cancel",
    "reschedule",
    "decline",
    "retrieve",
    "check",
    "repeat",
    "never_mind",
    "resume",
    "help",
    "offer_handoff",
    "take_message",
    "take_email",
    "goodbye",
    "clarify",
]

_BY_ACT: dict[str, TurnNode] = {
    "phone": "identify",
    "bad_phone": "identify",
    "need_identity": "identify",
    "name": "register",
    "verify": "verify",
    "search": "search",
    "more": "search",
    "choose": "confirm",
    "select": "select",
    "deny": "decline",
    "list": "retrieve",
    "check": "check",
    "repeat": "repeat",
    "never_mind": "never_mind",
    "not_now": "never_mind",
    "resume": "resume",
    "help": "help",
    "prompt": "help",
    "chitchat": "help",
    "human": "offer_handoff",
    "transfer_failed": "offer_handoff",
    "email": "take_email",
    "message": "take_message",
    "goodbye": "goodbye",
    "ambiguous": "clarify",
    "unclear": "clarify",
}


def route_after_greet(state: CallState) -> Literal["identify", "respond"]:
    """Identify a caller ID at once; otherwise the greeting asks for the number."""
    return "identify" if state.phone else "respond"


def route_after_listen(state: CallState) -> Literal[TurnNode, "summarize"]:
    """A hang-up goes straight to the summary; anything said goes where its act leads."""
    return "summarize" if state.act == "hangup" else route_turn(state)


def route_turn(state: CallState) -> TurnNode:
    """Send the utterance's dialogue act to the node that handles it."""
    pending = state.task["pending"]
    if state.act == "affirm" and pending:
        return pending["kind"]
    return _BY_ACT.get(state.act or "unclear", "clarify")


def route_after_identify(state: CallState) -> Literal["search", "select", "respond"]:
    """Once the caller is known, carry on with a task they asked for before."""
    kind = state.task["kind"]
    if state.stage != "ask_request" or kind is None or state.notice == "store_down":
        return "respond"
    if state.doubt is not None:
        return "respond"  # its day is asked about first
    return "search" if kind == "book" else "select"


def route_after_search(state: CallState) -> Literal["confirm", "respond"]:
    """An exact free match is read back at once; offers wait for a pick."""
    return "confirm" if state.task["pending"] and state.notice != "store_down" else "respond"


def route_after_select(state: CallState) -> Literal["confirm", "search", "respond"]:
    """A chosen cancellation is read back; a move with a wished time searches."""
    if state.notice == "store_down":
        return "respond"
    task = state.task
    if task["pending"]:
        return "confirm"
    if task["kind"] == "reschedule" and task["target"] and task["wish"]:
        return "search"
    return "respond"


def route_after_check(state: CallState) -> Literal["search", "respond"]:
    """An appointment named to be confirmed that is not booked yet is searched for booking."""
    return "search" if state.act == "search" else "respond"


def route_after_write(state: CallState) -> Literal["search", "respond"]:
    """A slot lost to another caller leads to fresh options."""
    return "search" if state.notice == "slot_taken" else "respond"


def then_respond(state: CallState) -> Literal["respond"]:
    """A node with one way on ends the turn: its reply is said, and the caller answers."""
    return "respond"


def route_after_respond(state: CallState) -> Literal["listen", "summarize"]:
    """After the goodbye is recorded, summarize; otherwise wait for the caller."""
    return "summarize" if state.stage == "ended" else "listen"
