"""The guard around nodes: an outage or a surprise becomes a sentence, and nothing is lost."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Pending, Update
from nodes.book import book
from nodes.confirm import confirm
from nodes.guard import recovering
from store.errors import StoreUnavailable, WriteUnknown
from store.sqlite import SqliteStore
from tests.states import said, task

MONDAY_10 = "2026-11-30T10:00:00-08:00"


def test_a_store_outage_becomes_a_sentence_and_keeps_the_read_back(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A failing store leaves the pending write in place and tells the caller nothing changed."""

    def failing(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
        raise StoreUnavailable("connection reset")

    sam.stage, sam.question = "confirm", "Just to confirm: book you for Monday?"
    update = recovering(failing)(sam, runtime=runtime)
    assert update.get("notice") == "store_down"
    assert "nothing was changed" in said(update)
    assert "stage" not in update and "task" not in update


def test_a_write_cut_off_mid_request_is_neither_confirmed_nor_denied(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A booking whose connection died after it was sent may have committed: the caller
    is told it is not known yet, never that nothing changed, and the read-back stays."""

    def book(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
        raise WriteUnknown("server closed the connection unexpectedly")

    sam.stage, sam.question = "confirm", "Just to confirm: book you for Monday?"
    sentences = recovering(book)(sam, runtime=runtime).get("speech") or []
    assert "can't tell yet" in sentences[0] and "nothing" not in sentences[0]
    assert sentences[-1] == sam.question


def test_a_node_surprised_by_the_state_asks_instead_of_crashing(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """A move read back with no appointment picked writes nothing and asks what to do."""
    sam.stage = "offer_slots"
    sam.task = task("reschedule", pending=Pending(kind="reschedule", slot=MONDAY_10))
    update = recovering(confirm)(sam, runtime=runtime)
    assert (update.get("task") or task())["pending"] is None
    assert update.get("stage") == "ask_request" and said(update).endswith("?")
    nobody = recovering(book)(CallState(call_id="c1"), runtime=runtime)
    assert (nobody.get("task") or task())["pending"] is None
    assert store.list_appointments(sam.user_id or "") == []
