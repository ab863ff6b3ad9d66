"""Read a write back in absolute terms and wait for a yes; nothing is written here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime

from business.spoken import say_slot
from graph.context import CallContext
from graph.state import CallState, Pending
from nodes import phrases


def confirm(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, Any]:
    """Give the pending write its idempotency key and read it back."""
    assert state.pending is not None
    today = runtime.context.now().date()
    pending = Pending(**state.pending)
    kind = pending["kind"]
    # One key per read-back: a replayed or retried "yes" re-sends the same write.
    pending["key"] = f"{state.call_id}:{state.turn}:{kind}"
    if kind == "cancel":
        question = phrases.confirm_cancel(_say(pending["appointment_start"], today))
    elif kind == "reschedule":
        assert state.target is not None
        pending["appointment_id"] = state.target["id"]
        pending["appointment_start"] = state.target["start"]
        question = phrases.confirm_move(
            _say(state.target["start"], today), _say(pending["slot"], today)
        )
    else:
        question = phrases.confirm_book(_say(pending["slot"], today))
    return {"pending": pending, "speech": [question], "stage": "confirm", "question": question}


def _say(iso: str, today: Any) -> str:
    return say_slot(datetime.fromisoformat(iso), today=today)
