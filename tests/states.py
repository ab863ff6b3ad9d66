"""Build call states for tests that drive single nodes and routers."""

from __future__ import annotations

from graph.state import Booked, Pending, Task, TaskKind, Update, Wish, no_task


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
