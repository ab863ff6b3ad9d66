"""Wire the call graph in the order a call flows; the caller compiles it with a checkpointer.

greet ─► identify ─► (verify / register) ─► respond ─► listen ─► understand ─► route_turn
                                               ▲                                  │
                                               └── search / confirm / book / ... ◄┘
                               goodbye ─► respond ─► summarize ─► END
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graph import routing
from graph.context import CallContext
from graph.state import CallInput, CallState
from graph.trace import timed
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
from nodes.turn import listen, respond, understand
from nodes.verify import verify

Graph = StateGraph[CallState, CallContext, CallInput, CallState]


def build_graph() -> Graph:
    """Return the uncompiled call graph."""
    g: Graph = StateGraph(CallState, context_schema=CallContext, input_schema=CallInput)
    # opening and identification
    g.add_node("greet", timed("greet", recovering(greet)))
    g.add_node("identify", timed("identify", recovering(identify)))
    g.add_node("register", timed("register", recovering(register)))
    g.add_node("verify", timed("verify", recovering(verify)))
    # the turn boundary
    g.add_node("respond", timed("respond", respond))
    g.add_node("listen", listen)  # untimed: it waits for the caller, and starts the trace
    g.add_node("understand", timed("understand", understand))
    # the task: search → confirm → write
    g.add_node("search", timed("search", recovering(search)))
    g.add_node("select", timed("select", recovering(select)))
    g.add_node("confirm", timed("confirm", recovering(confirm)))
    g.add_node("book", timed("book", recovering(book)))
    g.add_node("cancel", timed("cancel", recovering(cancel)))
    g.add_node("reschedule", timed("reschedule", recovering(reschedule)))
    g.add_node("retrieve", timed("retrieve", recovering(retrieve)))
    g.add_node("check", timed("check", recovering(check)))
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

    g.add_edge(START, "greet")
    g.add_conditional_edges("greet", routing.route_after_greet)
    g.add_conditional_edges("identify", routing.route_after_identify)
    g.add_conditional_edges("register", routing.route_after_identify)
    g.add_conditional_edges("verify", routing.route_after_identify)
    g.add_conditional_edges("respond", routing.route_after_respond)
    g.add_conditional_edges("listen", routing.route_after_listen)
    g.add_conditional_edges("understand", routing.route_turn)
    g.add_conditional_edges("search", routing.route_after_search)
    g.add_conditional_edges("select", routing.route_after_select)
    g.add_conditional_edges("check", routing.route_after_check)
    g.add_edge("confirm", "respond")
    g.add_conditional_edges("book", routing.route_after_write)
    g.add_conditional_edges("reschedule", routing.route_after_write)
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
