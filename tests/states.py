"""Build call states for tests that drive single nodes and routers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph.state import Booked, CallState, Pending, Task, TaskKind, Update, Wish, no_task
from store.port import Store


def task(
    kind: TaskKind | None = None,
    *,
    wish: Wish | None = None,
    offers: list[str] | None = None,
    target: Booked | None = None,
    choices: list[Booked] | None = None,
    pending: Pending | None = None,
) -> Task:
    """Return a task record with the given parts; the rest as in a call with no task."""
    record = no_task(wish)
    record["kind"] = kind
    record["offers"] = offers or []
    record["target"] = target
    record["choices"] = choices or []
    record["pending"] = pending
    return record


def said(update: Update) -> str:
    """Return the sentences a node wrote, joined as the caller hears them."""
    return " ".join(update.get("speech") or [])


KNOWN: dict[str, Any] = {"user_id": "u1", "phone": "+14155550123", "caller_name": "Sam"}
"""An identified caller, for the state of a call past identification:
`CallState(**KNOWN, stage=...)`."""


def offering(offers: list[str], *, wish: Wish | None = None) -> CallState:
    """Return the state of a call with the caller known and `offers` offered for a booking."""
    return CallState(**KNOWN, stage="offer_slots", task=task("book", wish=wish, offers=offers))


def reading_back(pending: Pending, *, wish: Wish | None = None, reply: str = "") -> CallState:
    """Return the state of a call with the caller known and a booking read back (`reply`:
    what the caller heard last)."""
    booking = task("book", wish=wish, pending=pending)
    return CallState(**KNOWN, stage="confirm", task=booking, reply=reply)


def booked(store: Store, user_id: str, *starts: str) -> list[Booked]:
    """Book `starts` (ISO, business timezone) for the caller; return them as the call sees them."""
    made = [
        store.book(
            user_id=user_id,
            start=datetime.fromisoformat(start),
            duration_min=30,
            idempotency_key=f"{user_id}:{start}",
        )
        for start in starts
    ]
    return [
        Booked(id=a.id, start=start, service=a.service, staff=a.staff)
        for a, start in zip(made, starts, strict=True)
    ]
