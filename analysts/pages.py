"""What the analysts' call page shows: each call turn by turn, its cost, how times print.

Everything here is read from the store and the checkpoints and made ready to print: phone
numbers masked (the stored summary too), state values cut to one short line, costs
flattened. The templates only lay it out; `analysts.web` serves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from analysts.data import (
    Step,
    ThreadSummary,
    Turn,
    by_turn,
    compact,
    diff,
    steps,
    summary,
    total_cost,
    traced,
    turns,
)
from graph.conversation import CallGraph
from store.models import Callback
from store.port import Store
from store.privacy import mask_phones


@dataclass
class TurnView:
    """One turn as the call page shows it."""

    turn: Turn
    heard: str | None
    """What the caller heard of this turn's reply before they barged in, if they did."""
    unheard: str
    """The rest of that reply, which the caller did not hear."""
    state: list[tuple[str, str, str | None]]
    """(key, value, value before) of the held state; before is None when unchanged."""
    changes: list[tuple[str, str, str, str]]
    """(change, key, old, new) over every field of the checkpoint."""
    segments: list[tuple[str, float]]
    """(node, milliseconds) of each step the turn ran."""


@dataclass
class CallView:
    """One call as the call page shows it."""

    head: ThreadSummary
    history: list[Step]
    turns: list[TurnView]
    summary: str
    costs: list[tuple[str, str]]
    total: str
    usage: dict[str, Any]
    callback: CallbackView | None = None
    """The callback the call left, if any."""


@dataclass(frozen=True)
class CallbackView:
    """A callback the business owes, as a person reads it: numbers masked."""

    thread_id: str | None
    who: str
    phone: str
    need: str
    reason: str
    requested_at: datetime
    done: str
    """"open", or when and by whom it was done."""


def callback_view(owed: Callback) -> CallbackView:
    """Show a callback with its numbers masked, as everything an analyst reads."""
    done = "open"
    if owed.done_at is not None:
        done = f"done {owed.done_at:%Y-%m-%d %H:%M}" + (
            f" by {owed.done_by}" if owed.done_by else ""
        )
    return CallbackView(
        thread_id=owed.conversation_id,
        who=owed.name or "caller",
        phone=mask_phones(owed.phone) if owed.phone else "number unknown",
        need=mask_phones(owed.need),
        reason=owed.reason.replace("_", " "),
        requested_at=owed.created_at,
        done=done,
    )


def open_callbacks(store: Store, *, limit: int = 50) -> list[CallbackView]:
    """Return the callbacks still owed, the oldest first, for the top of the call list."""
    return [callback_view(c) for c in store.list_callbacks(open_only=True, limit=limit)]


def call_view(graph: CallGraph, store: Store, thread_id: str) -> CallView | None:
    """Read one call for its page; None when no checkpoint has that thread id."""
    history = traced(steps(graph, thread_id))
    if not history:
        return None
    heard = _cut_replies(by_turn(history))
    shown: list[TurnView] = []
    before_held: dict[str, Any] | None = None
    before: dict[str, Any] = {}
    for turn, group in zip(turns(history), by_turn(history).values(), strict=True):
        last = group[-1].values
        # the greeting has nothing before it to compare with
        was = turn.held if before_held is None else before_held
        state = [
            (key, _shown(value), None if value == was[key] else _shown(was[key]))
            for key, value in turn.held.items()
        ]
        changes = [(c, k, _shown(old), _shown(new)) for c, k, old, new in diff(before, last)]
        cut, rest = heard.get(turn.number, (None, ""))
        shown.append(TurnView(turn, cut, rest, state, changes, _segments(group)))
        before_held, before = turn.held, last
    row = store.get_conversation(thread_id)
    costs = row.cost_breakdown if row is not None else {}
    return CallView(
        head=summary(thread_id, history, row),
        history=history,
        turns=shown,
        summary=mask_phones(row.summary or "") if row is not None else "",
        costs=_flat(costs),
        total=total_cost(costs) or "not stored yet",
        usage=dict(history[-1].values.get("usage") or {}),
        callback=None if (owed := store.callback_of(thread_id)) is None else callback_view(owed),
    )


def _segments(group: list[Step]) -> list[tuple[str, float]]:
    """Return (node, milliseconds) for each step of a turn after its first.

    A turn's first step is where the caller's words arrived (the wait for them is not the
    agent's time), so the segments add up to the turn's latency in `data.turns`.
    """
    return [(" + ".join(step.nodes), step.latency_ms) for step in group[1:]]


def _cut_replies(groups: dict[int, list[Step]]) -> dict[int, tuple[str, str]]:
    """Return turn → (heard, not heard) of its reply, for replies cut short by a barge-in.

    The cut is recorded when the caller's next words arrive: the turn after keeps the reply
    as heard, flagged interrupted, in its transcript window (`recent`), just before the
    caller's line; the reply as said is the turn before's.
    """
    cut: dict[int, tuple[str, str]] = {}
    for (number, before), (_, group) in pairwise(groups.items()):
        recent = group[-1].values.get("recent") or []
        said = next(
            (i for i in range(len(recent) - 1, -1, -1) if recent[i].get("role") == "caller"), None
        )
        line = recent[said - 1] if said else None
        if line is None or line.get("role") != "agent" or not line.get("interrupted"):
            continue
        heard = mask_phones(str(line.get("text", "")))
        full = mask_phones(str(before[-1].values.get("reply", "")))
        rest = full[len(heard) :] if full.startswith(heard) else ""
        cut[number] = (heard, rest)
    for number, group in groups.items():  # a hang-up right after a barge-in: its own turn
        last = group[-1].values
        recent = last.get("recent") or []
        if last.get("act") != "hangup" or not recent or not recent[-1].get("interrupted"):
            continue
        heard = mask_phones(str(recent[-1].get("text", "")))
        replies = [mask_phones(str(s.values.get("reply", ""))) for s in reversed(group)]
        full = next((r for r in replies if r != heard), heard)
        cut[number] = (heard, full[len(heard) :] if full.startswith(heard) else "")
    return cut


def _shown(value: Any) -> str:
    """Return a state value for the page: words as words, the rest as Python, numbers masked."""
    if value is None:
        return "—"
    if isinstance(value, str) and value:
        text = mask_phones(value)
        return text if len(text) <= 160 else text[:157] + "..."
    return compact(value, 160)


def _flat(costs: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten the nested cost breakdown into (name, value) rows."""
    rows: list[tuple[str, str]] = []
    for key, value in costs.items():
        if isinstance(value, dict):
            rows += _flat(value, f"{prefix}{key} · ")
        elif isinstance(value, float) and key.endswith("usd"):
            rows.append((f"{prefix}{key}", f"${value:.6f}"))
        else:
            rows.append((f"{prefix}{key}", _shown(value)))
    return rows


def when(value: datetime) -> str:
    """Return an instant as the pages print it, in UTC to the second."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def seconds(value: float) -> str:
    """Return a duration as the pages print it: 42.0 s, 3 min 5 s."""
    return f"{value:.1f} s" if value < 120 else f"{int(value // 60)} min {int(value % 60)} s"
