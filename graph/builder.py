"""Wire the call graph in the order a call flows; the caller compiles it with a checkpointer.

greet ─► identify ─► (verify / register) ─► respond ─► listen (hear, understand) ─► route
                                               ▲                                        │
                                               └───── search / confirm / book / ... ◄───┘
                               goodbye ─► respond ─► summarize ─► END
"""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args, get_type_hints

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command

from graph import routing
from graph.context import CallContext
from graph.state import CallInput, CallState, applied
from graph.trace import Node, timed
from nodes.book import book
from nodes.cancel import cancel
from nodes.check import check
from nodes.confirm import confirm
from nodes.greet import greet
from nodes.guard import recovering
from nodes.handoff import goodbye, offer_handoff, take_message
from nodes.identify import identify, register
from nodes.repair import clarify, decline, help_caller, never_mind, repeat, resume
from nodes.reschedule import reschedule
from nodes.retrieve import retrieve
from nodes.search import search
from nodes.select import select
from nodes.summarize import summarize
from nodes.turn import listen, respond
from nodes.verify import verify

Graph = StateGraph[CallState, CallContext, CallInput, CallState]
Router = Callable[[CallState], str]


def build_graph() -> Graph:
    """Return the uncompiled call graph."""
    g: Graph = StateGraph(CallState, context_schema=CallContext, input_schema=CallInput)
    # opening and identification
    routed(g, "greet", timed("greet", recovering(greet)), routing.route_after_greet)
    routed(g, "identify", timed("identify", recovering(identify)), routing.route_after_identify)
    routed(g, "register", timed("register", recovering(register)), routing.route_after_identify)
    routed(g, "verify", timed("verify", recovering(verify)), routing.route_after_identify)
    # the turn boundary
    routed(g, "respond", timed("respond", respond), routing.route_after_respond)
    # timed from the caller's words on: hearing and understanding them start the turn
    routed(g, "listen", timed("listen", listen, starts=True), routing.route_after_listen)
    # the task: search → confirm → write
    routed(g, "search", timed("search", recovering(search)), routing.route_after_search)
    routed(g, "select", timed("select", recovering(select)), routing.route_after_select)
    g.add_node("confirm", timed("confirm", recovering(confirm)))
    routed(g, "book", timed("book", recovering(book)), routing.route_after_write)
    g.add_node("cancel", timed("cancel", recovering(cancel)))
    routed(g, "reschedule", timed("reschedule", recovering(reschedule)), routing.route_after_write)
    g.add_node("retrieve", timed("retrieve", recovering(retrieve)))
    routed(g, "check", timed("check", recovering(check)), routing.route_after_check)
    # repair and handoff
    g.add_node("decline", timed("decline", decline))
    g.add_node("repeat", timed("repeat", repeat))
    g.add_node("never_mind", timed("never_mind", never_mind))
    g.add_node("resume", timed("resume", resume))
    g.add_node("help", timed("help", help_caller))
    g.add_node("clarify", timed("clarify", clarify))
    g.add_node("offer_handoff", timed("offer_handoff", offer_handoff))
    g.add_node("take_message", timed("take_message", take_message))
    # closing
    g.add_node("goodbye", timed("goodbye", goodbye))
    g.add_node("summarize", timed("summarize", recovering(summarize)))

    # every other node has one way on
    g.add_edge(START, "greet")
    g.add_edge("confirm", "respond")
    for node in (
        "cancel",
        "retrieve",
        "decline",
        "repeat",
        "never_mind",
        "resume",
        "help",
        "clarify",
        "offer_handoff",
        "take_message",
        "goodbye",
    ):
        g.add_edge(node, "respond")
    g.add_edge("summarize", END)
    return g


def routed(g: Graph, name: str, node: Node, router: Router) -> None:
    """Add a node that names the next node itself: `router` on the state its update leaves.

    The same choice a conditional edge makes, without the copy of every channel LangGraph
    takes at each one (a fifth of a turn's time, `bench/graph_step.py`). The router's
    `Literal` return type lists where it may go, so Studio and the analysts draw the edges.
    """
    destinations = get_args(get_type_hints(router)["return"])

    def run(state: CallState, *, runtime: Runtime[CallContext]) -> Command[str]:
        update = node(state, runtime=runtime)
        return Command(update=update, goto=router(applied(state, update)))

    run.__name__ = name
    g.add_node(name, run, destinations=destinations)
