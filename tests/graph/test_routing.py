"""Routers are pure functions of state: each test builds a state and reads the next node."""

from __future__ import annotations

from graph import routing
from graph.state import Booked, CallState, Pending, Wish
from tests.states import task


def test_yes_goes_to_the_write_named_by_the_pending_read_back() -> None:
    """A yes with a pending cancel routes to the cancel node, not to booking."""
    state = CallState(act="affirm", task=task(pending=Pending(kind="cancel", appointment_id="a1")))
    assert routing.route_turn(state) == "cancel"


def test_yes_without_a_pending_write_never_writes() -> None:
    """A yes with nothing read back is treated as unclear, so no write node runs."""
    assert routing.route_turn(CallState(act="affirm")) == "clarify"


def test_every_act_routes_to_a_node() -> None:
    """Each dialogue act except affirm and hangup has a node that handles it."""
    acts = set(routing._BY_ACT)
    expected = {
        "phone",
        "bad_phone",
        "need_identity",
        "name",
        "verify",
        "search",
        "more",
        "choose",
        "select",
        "deny",
        "list",
        "transfer_failed",
        "email",
        "check",
        "repeat",
        "never_mind",
        "not_now",
        "resume",
        "help",
        "prompt",
        "human",
        "message",
        "goodbye",
        "chitchat",
        "ambiguous",
        "unclear",
    }
    assert acts == expected


def test_hangup_skips_understanding_and_summarizes() -> None:
    """A dropped line goes straight to the summary."""
    assert routing.route_after_listen(CallState(act="hangup")) == "summarize"
    assert routing.route_after_listen(CallState(act=None)) == "clarify"


def test_identified_caller_with_an_earlier_request_carries_on() -> None:
    """A booking asked for before identification continues to slot search once identified."""
    state = CallState(stage="ask_request", task=task("book"), user_id="u1")
    assert routing.route_after_identify(state) == "search"
    assert (
        routing.route_after_identify(CallState(stage="ask_request", task=task("cancel")))
        == "select"
    )
    assert routing.route_after_identify(CallState(stage="ask_name", task=task("book"))) == "respond"


def test_store_outage_stops_the_flow_at_the_reply() -> None:
    """During an outage nothing after the failed node runs; the caller hears the apology."""
    down = CallState(stage="ask_request", task=task("book"), notice="store_down")
    assert routing.route_after_identify(down) == "respond"
    assert (
        routing.route_after_search(
            CallState(task=task(pending=Pending(kind="book")), notice="store_down")
        )
        == "respond"
    )


def test_exact_free_match_goes_straight_to_read_back() -> None:
    """Search that settled on one slot hands it to confirm; offers wait for the caller."""
    assert (
        routing.route_after_search(CallState(task=task(pending=Pending(kind="book", slot="x"))))
        == "confirm"
    )
    assert routing.route_after_search(CallState(task=task(offers=["x", "y"]))) == "respond"


def test_lost_slot_leads_to_new_options() -> None:
    """A write that lost its slot to another caller routes back to search."""
    assert routing.route_after_write(CallState(notice="slot_taken")) == "search"
    assert routing.route_after_write(CallState()) == "respond"


def test_move_with_a_wished_time_searches_after_picking_the_appointment() -> None:
    """Picking the appointment to move goes on to search when the new time is known."""
    moving = Booked(id="a", start="s")
    state = CallState(task=task("reschedule", target=moving, wish=Wish(day="2026-12-01")))
    assert routing.route_after_select(state) == "search"
    assert (
        routing.route_after_select(CallState(task=task("reschedule", target=moving))) == "respond"
    )


def test_an_appointment_to_confirm_that_is_not_booked_is_searched_for() -> None:
    """After the check, a named appointment the caller does not have goes on to search."""
    assert routing.route_after_check(CallState(act="search", task=task("book"))) == "search"
    assert routing.route_after_check(CallState(act="check")) == "respond"


def test_declining_the_callback_resumes_the_task() -> None:
    """A no to the callback offer goes to the node that re-asks the task's question."""
    assert routing.route_turn(CallState(act="resume")) == "resume"


def test_summary_follows_the_goodbye() -> None:
    """Once the goodbye is said the graph summarizes instead of listening."""
    assert routing.route_after_respond(CallState(stage="ended")) == "summarize"
    assert routing.route_after_respond(CallState(stage="confirm")) == "listen"
