"""Read conversations back from the checkpoints: threads, turns, steps and state diffs.

Only the saver and graph APIs are used (`saver.list`, `graph.get_state_history`), so this
works the same on SQLite and Postgres checkpoints.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.types import StateSnapshot

from analysts.source import Locale
from graph.conversation import CallGraph
from graph.state import CallState
from nodes.summarize import outcome_of
from store.models import CallOverview, CallRecord, as_e164
from store.port import Store
from store.privacy import mask_phones, masked

OUTCOMES = (
    "booked", "cancelled", "rescheduled", "abandoned", "handed_off", "transferred", "completed",
)  # fmt: skip
IN_PROGRESS = "in progress"
HELD = ("stage", "act", "understood", "task", "wish", "pending", "caller_name", "phone")
"""What an analyst reads per turn; the task record is shown as its kind, wish and read-back."""


@dataclass
class Step:
    """One checkpoint of a thread, oldest first."""

    checkpoint_id: str
    step: int
    source: str
    nodes: list[str]
    """The node(s) whose writes this checkpoint holds (the previous checkpoint's `next`)."""
    next: list[str]
    at: datetime
    latency_ms: float
    values: dict[str, Any]


@dataclass
class Turn:
    """One caller utterance and the agent's reply, with what ran and what it held after."""

    number: int
    utterance: str
    reply: str
    reply_interrupted: bool
    nodes: list[str]
    latency_ms: float
    held: dict[str, Any]
    lines: list[dict[str, Any]] = field(default_factory=list)
    step_ms: list[dict[str, Any]] = field(default_factory=list)
    """Each step after the caller spoke: {"node", "ms"} (the time that step took)."""
    waited_ms: float = 0.0
    """How long the agent waited for this utterance after its previous reply."""


@dataclass
class ThreadSummary:
    """One row of `booking threads list`."""

    thread_id: str
    caller: str
    started_at: datetime
    turns: int
    outcome: str
    duration_s: float
    phone: str | None = None


def _values(snapshot: StateSnapshot) -> dict[str, Any]:
    values = snapshot.values
    if dataclasses.is_dataclass(values) and not isinstance(values, type):
        return dataclasses.asdict(values)
    if not isinstance(values, dict) or not values:
        return {}
    # a channel never written is absent from the snapshot: show it at its default
    return {**dataclasses.asdict(CallState()), **values}


def config_of(thread_id: str) -> RunnableConfig:
    """Return the run config naming a thread."""
    return {"configurable": {"thread_id": thread_id}}


def steps(graph: CallGraph, thread_id: str) -> list[Step]:
    """Return every checkpoint of a thread, oldest first, with the nodes that wrote it."""
    snapshots = list(graph.get_state_history(config_of(thread_id)))[::-1]
    out: list[Step] = []
    previous: StateSnapshot | None = None
    for snapshot in snapshots:
        at = datetime.fromisoformat(str(snapshot.created_at))
        meta = snapshot.metadata or {}
        source = str(meta.get("source", ""))
        writes = meta.get("writes")
        if isinstance(writes, dict) and writes:
            nodes = sorted(writes)
        elif previous is not None:
            nodes = list(previous.next)
        else:
            nodes = [source]
        latency = (at - out[-1].at).total_seconds() * 1000 if out else 0.0
        out.append(
            Step(
                checkpoint_id=str(snapshot.config["configurable"]["checkpoint_id"]),
                step=int(meta.get("step", -1)),
                source=source,
                nodes=nodes,
                next=list(snapshot.next),
                at=at,
                latency_ms=latency,
                values=_values(snapshot),
            )
        )
        previous = snapshot
    return out


def held(values: dict[str, Any]) -> dict[str, Any]:
    """Return the part of the state an analyst reads after a turn, phone numbers masked.

    Every value is masked, not only `phone`: `understood` holds the number understanding found.
    """
    task = values.get("task")
    parts = task if isinstance(task, dict) else {}
    shown = {
        **values,
        "task": parts.get("kind"),
        "wish": parts.get("wish"),
        "pending": parts.get("pending"),
    }
    return {key: masked(shown.get(key)) for key in HELD}


def traced(history: list[Step]) -> list[Step]:
    """Return the call's flow node by node, for turns that were saved once.

    A turn that cannot write is checkpointed once, at its end (`graph.conversation`); the
    nodes it ran and their times are in that checkpoint's `trace`. Such a turn becomes one
    step per node, `listen` first (holding the wait for the caller), so paths, timings and
    per-turn latency read as they do for a turn saved node by node, which stays as it is.
    """
    out: list[Step] = []
    group: list[Step] = []
    for step in [*history, None]:
        if step is not None and group and _turn_of(step) == _turn_of(group[-1]):
            group.append(step)
            continue
        if group:
            out += _expanded(group, before=out[-1] if out else None)
        group = [] if step is None else [step]
    return out


def _turn_of(step: Step) -> int:
    return int(step.values.get("turn") or 0) if step.values else -1


def _expanded(group: list[Step], *, before: Step | None) -> list[Step]:
    """One step per traced node of a turn saved once; a turn saved node by node as it is."""
    last = group[-1]
    trace = [v for v in last.values.get("trace") or [] if isinstance(v, dict)]
    saved = [s for s in group if s.nodes != ["input"]]
    if not trace or len(saved) > len(trace):
        return group
    total = sum(float(v.get("ms", 0.0)) for v in trace)
    at = last.at - timedelta(milliseconds=total)
    waited = (at - before.at).total_seconds() * 1000 if before is not None else 0.0
    shown = [replace(last, nodes=["listen"], next=[], at=at, latency_ms=waited)]
    for visit in trace:
        ms = float(visit.get("ms", 0.0))
        at += timedelta(milliseconds=ms)
        if visit.get("starts"):  # `listen` hearing the caller: the wait's step above
            continue
        node = str(visit.get("node", ""))
        shown.append(replace(last, nodes=[node], next=[], at=at, latency_ms=ms))
    shown[-1].next = list(last.next)
    return shown


def by_turn(history: list[Step]) -> dict[int, list[Step]]:
    """Group the checkpoints that hold state by caller turn, in turn order (0: the greeting)."""
    grouped: dict[int, list[Step]] = {}
    for step in history:
        if step.values:
            grouped.setdefault(int(step.values.get("turn", 0)), []).append(step)
    return dict(sorted(grouped.items()))


def turns(history: list[Step]) -> list[Turn]:
    """Group the checkpoints by caller turn (turn 0 is the greeting)."""
    out: list[Turn] = []
    for number, group in by_turn(history).items():
        last = group[-1].values
        out.append(
            Turn(
                number=number,
                utterance=mask_phones(str(last.get("utterance", ""))) if number else "",
                reply=mask_phones(str(last.get("reply", ""))),
                reply_interrupted=bool(last.get("reply_interrupted", False)),
                nodes=[node for step in group for node in step.nodes if node != "input"],
                latency_ms=(group[-1].at - group[0].at).total_seconds() * 1000,
                held=held(last),
                lines=[
                    {**line, "text": mask_phones(str(line.get("text", "")))}
                    for line in last.get("recent", [])
                    if line.get("interrupted")
                ],
                step_ms=[
                    {"node": ",".join(step.nodes), "ms": round(step.latency_ms, 1)}
                    for step in group[1:]
                ],
                waited_ms=group[0].latency_ms if number else 0.0,
            )
        )
    return out


def summary(thread_id: str, history: list[Step], row: CallRecord | None) -> ThreadSummary:
    """Return the head of a thread: its checkpoints joined with the store's conversation.

    `history` is the thread's `steps()`, `row` its stored conversation (None for a fork,
    whose store is its sandbox); the caller has read both already for the turns it shows.
    """
    last = history[-1].values if history else {}
    if row is not None and row.outcome:
        outcome = row.outcome
    elif history and history[-1].next:
        outcome = IN_PROGRESS
    else:  # ended but not in this store (a fork, whose store is its sandbox): from its state
        known = {f.name for f in dataclasses.fields(CallState)}
        outcome = outcome_of(CallState(**{k: v for k, v in last.items() if k in known}))
    started = row.started_at if row is not None else history[0].at
    phone = last.get("phone") or last.get("caller_id")
    return ThreadSummary(
        thread_id=thread_id,
        caller=mask_phones(str(phone)) if phone else "unknown",
        started_at=started,
        turns=int(last.get("turn", 0)),
        outcome=outcome,
        duration_s=(history[-1].at - history[0].at).total_seconds() if history else 0.0,
        phone=str(phone) if phone else None,
    )


def list_calls(
    store: Store,
    *,
    outcome: str | None = None,
    caller: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
    locale: Locale | None = None,
) -> list[ThreadSummary]:
    """Return the call list from the store in one query, the latest call first.

    `outcome` is one of OUTCOMES or IN_PROGRESS; `caller` a phone number as typed (a
    national number is read in the locale's region; an unreadable one matches no call);
    `since` and `until` the first and last day (both included), in the business's zone.
    """
    locale = locale or Locale()
    phone = None
    if caller is not None:
        phone = as_e164(caller, region=locale.region)
        if phone is None:
            return []
    zone = locale.zone
    start = None if since is None else datetime.combine(since, time(0), zone)
    end = None if until is None else datetime.combine(until + timedelta(days=1), time(0), zone)
    rows = store.list_conversations(
        since=start,
        before=end,
        outcome=None if outcome in (None, IN_PROGRESS) else outcome,
        open_only=outcome == IN_PROGRESS,
        phone=phone,
        limit=limit,
    )
    return [_listed(row) for row in rows]


def _listed(row: CallOverview) -> ThreadSummary:
    last = row.ended_at or row.last_at or row.started_at
    return ThreadSummary(
        thread_id=row.id,
        caller=mask_phones(row.phone) if row.phone else "unknown",
        started_at=row.started_at,
        turns=row.caller_turns,
        outcome=row.outcome or IN_PROGRESS,
        duration_s=max((last - row.started_at).total_seconds(), 0.0),
        phone=row.phone,
    )


def total_cost(costs: dict[str, Any]) -> str | None:
    """Return a cost breakdown's total as dollars to four places, or None without one."""
    total = costs.get("total_usd")
    return f"${total:.4f}" if isinstance(total, int | float) else None


def compact(value: Any, width: int = 60) -> str:
    """Return a value as one short line, phone numbers masked in the strings it holds.

    Masked before `repr`, so numbers (token counts, costs) and a repr's own commas
    ("[9, 10, 11, ...]") are never read as a phone number.
    """
    text = repr(masked(value))
    return text if len(text) <= width else text[: width - 3] + "..."


def diff(
    before: dict[str, Any], after: dict[str, Any], *, within: str = ""
) -> list[tuple[str, str, Any, Any]]:
    """Return (change, key, old, new) for every key added, removed or changed.

    A record in both (the task, its wish) is compared field by field under a dotted key
    ("task.pending"), so a change says which part of it changed.
    """
    out: list[tuple[str, str, Any, Any]] = []
    for key in sorted(set(before) | set(after)):
        name = f"{within}{key}"
        if key not in after:
            out.append(("removed", name, before[key], None))
        elif key not in before:
            out.append(("added", name, None, after[key]))
        elif isinstance(before[key], dict) and isinstance(after[key], dict):
            out += diff(before[key], after[key], within=f"{name}.")
        elif before[key] != after[key]:
            out.append(("changed", name, before[key], after[key]))
    return out
