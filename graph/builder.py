"""Wire the call graph in the order a call flows; the caller compiles it with a checkpointer.

greet ─► identify ─► (verify / register) ─► listen (hear, understand) ─► route
                                              ▲                            │
                                              └─ search / confirm / book ◄─┘
goodbye ─► summarize ─► END          (a node that ends a turn says its reply: `routed`)
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
from nodes.email_ask import take_email
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
    # the turn boundary: a node that ends the turn says its reply (`routed`) and waits here;
    # timed from the caller's words on: hearing and understanding them start the turn
    routed(g, "listen", timed("listen", listen, starts=True), routing.route_after_listen)
    # the task: search → confirm → write
    routed(g, "search", timed("search", recovering(search)), routing.route_after_search)
    routed(g, "select", timed("select", recovering(select)), routing.route_after_select)
    routed(g, "confirm", timed("confirm", recovering(confirm)), routing.then_respond)
    routed(g, "book", timed("book", recovering(book)), routing.route_after_write)
    routed(g, "cancel", timed("cancel", recovering(cancel)), routing.then_respond)
    routed(g, "reschedule", timed("reschedule", recovering(reschedule)), routing.route_after_write)
    routed(g, "retrieve", timed("retrieve", recovering(retrieve)), routing.then_respond)
    routed(g, "check", timed("check", recovering(check)), routing.route_after_check)
    # repair and handoff
    routed(g, "decline", timed("decline", decline), routing.then_respond)
    routed(g, "repeat", timed("repeat", repeat), routing.then_respond)
    routed(g, "never_mind", timed("never_mind", never_mind), routing.then_respond)
    routed(g, "resume", timed("resume", resume), routing.then_respond)
    routed(g, "help", timed("help", help_caller), routing.then_respond)
    routed(g, "clarify", timed("clarify", clarify), routing.then_respond)
    routed(g, "offer_handoff", timed("offer_handoff", offer_handoff), routing.then_respond)
    routed(g, "take_message", timed("take_message", take_message), routing.then_respond)
    routed(g, "take_email", timed("take_email", recovering(take_email)), routing.then_respond)
    # closing
    routed(g, "goodbye", timed("goodbye", goodbye), routing.then_respond)
    g.add_node("summarize", timed("summarize", recovering(summarize)))

    g.add_edge(START, "greet")
    g.add_edge("summarize", END)
    return g


def routed(g: Graph, name: str, node: Node, router: Router) -> None:
    """Add a node that names the next node itself: `router` on the state its update leaves.

    The same choice a conditional edge makes, without the copy of every channel LangGraph
    takes at each one (a fifth of a turn's time, `bench/graph_step.py`). The router's
    `Literal` return type lists where it may go, so Studio and the analysts draw the edges.

    A router that says "respond" ends the turn: the node's sentences are joined into the
    reply here (`nodes.turn.respond`) and the call goes on to `listen`, or to `summarize`
    after a goodbye. Saying the reply is no step of its own, so a turn runs as LangGraph's
    bare ask/answer loop does: `listen` resumed, the task's node, `listen` asking again.
    """
    after_reply = get_args(get_type_hints(routing.route_after_respond)["return"])
    chosen = get_args(get_type_hints(router)["return"])
    ends_turn = "respond" in chosen
    destinations = tuple(d for d in chosen if d != "respond") + (after_reply if ends_turn else ())

    def run(state: CallState, *, runtime: Runtime[CallContext]) -> Command[str]:
        update = node(state, runtime=runtime)
        after = applied(state, update)
        then = router(after)
        if then == "respond":
            said = respond(after, runtime=runtime)
            update = {**update, **said}
            then = routing.route_after_respond(applied(after, said))
        return Command(update=update, goto=then)

    run.__name__ = name
    g.add_node(name, run, destinations=destinations)
