"""How `booking threads show`, `diff` and `export` print one or more threads."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import asdict
from typing import Any, TextIO

from analysts.data import (
    ThreadSummary,
    Turn,
    compact,
    diff,
    steps,
    summary,
    total_cost,
    traced,
    turns,
)
from analysts.forks import ForkOrigin
from graph.conversation import CallGraph
from store.port import Store
from store.privacy import mask_phones


def _read(graph: CallGraph, store: Store, thread: str) -> tuple[dict[str, Any], list[Turn]]:
    """Read a thread's checkpoint history once, for its head (with its cost) and its turns."""
    history = steps(graph, thread)
    row = store.get_conversation(thread)
    head = public(summary(thread, history, row))
    head["caller_turns"] = head.pop("turns")  # "turns" holds the turns themselves here
    # The breakdown is written when the call ends; a call still open has none yet.
    head["cost"] = row.cost_breakdown if row is not None and row.ended_at else None
    head["summary"] = row.summary if row is not None else None  # masked when it was written
    head["callback"] = _callback(store, thread)
    return head, turns(traced(history))


def _callback(store: Store, thread: str) -> dict[str, Any] | None:
    """Return the callback the call left, its number masked as everywhere a person reads."""
    owed = store.callback_of(thread)
    if owed is None:
        return None
    return {
        "id": owed.id,
        "reason": owed.reason,
        "need": mask_phones(owed.need),
        "phone": mask_phones(owed.phone) if owed.phone else None,
        "name": owed.name,
        "requested_at": owed.created_at.isoformat(),
        "done_at": owed.done_at.isoformat() if owed.done_at else None,
        "done_by": owed.done_by,
    }


def _callback_line(callback: dict[str, Any] | None) -> str:
    """Say the callback a call left in one line, or that there is none."""
    if callback is None:
        return "callback: none"
    state = f"done {callback['done_at']}" if callback["done_at"] else "open"
    who = callback["name"] or "caller"
    return (
        f"callback: {state}  {who} {callback['phone'] or 'number unknown'}"
        f"  ({callback['reason']}): {callback['need']!r}"
    )


def public(row: ThreadSummary) -> dict[str, Any]:
    data = asdict(row)
    data.pop("phone")
    return data


def _cost_line(cost: dict[str, Any] | None) -> str:
    """Return the cost of a call in one line: the total, then what it is made of."""
    if not cost:
        return "cost: not stored yet (it is written when the call ends)"
    parts = [total_cost(cost) or "no total"]
    for key in ("understanding", "llm_calls", "input_tokens", "output_tokens"):
        if key in cost:
            parts.append(f"{key} {cost[key]}")
    return "cost: " + "  ".join(parts)


def show(
    args: argparse.Namespace,
    graph: CallGraph,
    store: Store,
    origin: ForkOrigin | None,
    out: TextIO,
) -> int:
    head, listed = _read(graph, store, args.thread)
    if args.json:
        data = {
            **head,
            "fork_of": None if origin is None else asdict(origin),
            "turns": [asdict(turn) for turn in listed],
        }
        print(json.dumps(data, indent=2, default=str), file=out)
        return 0
    print(
        f"thread {head['thread_id']}  caller {head['caller']}  outcome {head['outcome']}"
        f"  turns {head['caller_turns']}  duration {head['duration_s']:.1f}s",
        file=out,
    )
    if origin is not None:
        print(f"fork of {origin.parent} at checkpoint {origin.checkpoint_id}", file=out)
    print(_cost_line(head["cost"]), file=out)
    print(
        f"summary: {head['summary'] or 'not stored yet (it is written when the call ends)'}",
        file=out,
    )
    print(_callback_line(head["callback"]), file=out)
    for turn in listed:
        print(f"--- turn {turn.number}  ({turn.latency_ms:.0f}ms)", file=out)
        if turn.number:
            print(f"caller: {turn.utterance}", file=out)
        cut = " [interrupted]" if turn.reply_interrupted else ""
        print(f"agent: {turn.reply}{cut}", file=out)
        timed = [f"{step['node']} {step['ms']:.0f}ms" for step in turn.step_ms]
        waiting = turn.nodes[: len(turn.nodes) - len(timed)]  # listen: the caller's time
        print(f"  path: {' > '.join([*waiting, *timed])}", file=out)
        state = "  ".join(f"{key}={compact(value, 40)}" for key, value in turn.held.items())
        print(f"  state: {state}", file=out)
    return 0


def diff_of(args: argparse.Namespace, graph: CallGraph, out: TextIO) -> int:
    by_id = {step.checkpoint_id: step for step in steps(graph, args.thread)}
    for checkpoint in (args.a, args.b):
        if checkpoint not in by_id:
            print(f"booking threads: no such checkpoint: {checkpoint}", file=sys.stderr)
            return 1
    changes = diff(by_id[args.a].values, by_id[args.b].values)
    if not changes:
        print("no changes", file=out)
    for change, key, old, new in changes:
        if change == "changed":
            print(f"~ {key}: {compact(old)} -> {compact(new)}", file=out)
        elif change == "added":
            print(f"+ {key}: {compact(new)}", file=out)
        else:
            print(f"- {key}: {compact(old)}", file=out)
    return 0


CSV_FIELDS = ["thread_id", "turn", "caller", "agent", "interrupted", "nodes", "latency_ms"]
CSV_FIELDS += ["stage", "act", "task", "outcome"]


def export(
    args: argparse.Namespace, graph: CallGraph, store: Store, wanted: list[str], out: TextIO
) -> int:
    buffer = io.StringIO()
    heads = [_read(graph, store, thread) for thread in wanted]
    if args.format == "json":
        data = [{**head, "turns": [asdict(turn) for turn in listed]} for head, listed in heads]
        buffer.write(json.dumps(data, indent=2, default=str) + "\n")
    else:
        writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for head, listed in heads:
            for turn in listed:
                writer.writerow(
                    {
                        "thread_id": head["thread_id"],
                        "turn": turn.number,
                        "caller": turn.utterance,
                        "agent": turn.reply,
                        "interrupted": turn.reply_interrupted,
                        "nodes": " ".join(turn.nodes),
                        "latency_ms": f"{turn.latency_ms:.0f}",
                        "stage": turn.held["stage"],
                        "act": turn.held["act"] or "",
                        "task": turn.held["task"] or "",
                        "outcome": head["outcome"],
                    }
                )
    if args.out:
        args.out.write_text(buffer.getvalue(), encoding="utf-8")
        print(f"wrote {len(wanted)} thread(s) to {args.out}", file=out)
    else:
        out.write(buffer.getvalue())
    return 0
