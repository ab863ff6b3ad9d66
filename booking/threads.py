"""`booking threads`: the analysts' view of checkpointed conversations.

list, show, history, diff and export read the checkpoints through the saver and graph
APIs only, so SQLite and Postgres checkpoints read the same. Phone numbers are masked.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from langgraph.checkpoint.base import BaseCheckpointSaver

from analysts.data import (
    ThreadSummary,
    Turn,
    compact,
    config_of,
    diff,
    list_calls,
    steps,
    summary,
    total_cost,
    turns,
)
from analysts.forks import ForkOrigin, fork_of
from booking.backends import Backend, open_checkpointer, open_store
from booking.threads_forks import run_forks, run_serve
from graph.builder import build_graph
from graph.conversation import CallGraph
from store.port import Store


def add_parser(sub: Any) -> None:
    """Add the `threads` subcommand and its actions to the `booking` parser."""
    threads = sub.add_parser("threads", help="inspect conversations from their checkpoints")
    threads.add_argument("--db", help="SQLite file (default: booking.db or BOOKING_DB)")
    actions = threads.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="conversations, the latest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--outcome", help="booked, cancelled, ..., or 'in progress'")
    listing.add_argument("--caller", help="caller phone number")
    listing.add_argument("--since", type=date.fromisoformat, help="started on or after DATE")
    listing.add_argument("--until", type=date.fromisoformat, help="started on or before DATE")
    listing.add_argument(
        "--limit", type=int, default=50, help="at most N calls, the latest first (0: all)"
    )
    show = actions.add_parser("show", help="a conversation turn by turn")
    show.add_argument("thread")
    show.add_argument("--json", action="store_true")
    history = actions.add_parser("history", help="every checkpoint of a conversation")
    history.add_argument("thread")
    changes = actions.add_parser("diff", help="state changes between two checkpoints")
    changes.add_argument("thread")
    changes.add_argument("a", help="checkpoint id")
    changes.add_argument("b", help="checkpoint id")
    export = actions.add_parser("export", help="conversations as JSON or CSV")
    export.add_argument("thread", nargs="?")
    export.add_argument("--all", action="store_true")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--out", type=Path)
    fork = actions.add_parser(
        "replay", help="fork a call at a checkpoint and say something else (sandbox store)"
    )
    fork.add_argument("thread")
    fork.add_argument("--from", dest="checkpoint", required=True, help="checkpoint id")
    fork.add_argument(
        "--say", action="append", required=True, help="what the caller says (repeat for turns)"
    )
    fork.add_argument("--json", action="store_true")
    fork.add_argument("--forks-dir", type=Path, help="default: <db>.forks, or ./forks")
    page = actions.add_parser("serve", help="the read-only web page of the calls")
    page.add_argument("--host", default="127.0.0.1", help="another host needs ANALYSTS_SECRET")
    page.add_argument("--port", type=int, default=8082)
    listed_forks = actions.add_parser("forks", help="replays made so far, the oldest first")
    listed_forks.add_argument("--forks-dir", type=Path, help="default: <db>.forks, or ./forks")


@contextmanager
def _opened(backend: Backend) -> Iterator[tuple[CallGraph, Store, BaseCheckpointSaver[str]]]:
    with open_store(backend) as store, open_checkpointer(backend) as saver:
        yield build_graph().compile(checkpointer=saver), store, saver


def run(args: argparse.Namespace, backend: Backend, out: TextIO | None = None) -> int:
    """Run one `booking threads` action; an unknown thread is one line on stderr, code 1."""
    out = out or sys.stdout
    if not backend.database_url and not Path(backend.sqlite_path).exists():
        # Reading must not leave an empty database behind a mistyped --db.
        print(f"booking threads: no database at {backend.sqlite_path}", file=sys.stderr)
        return 1
    if args.action in ("replay", "forks"):
        return run_forks(args, backend, out)
    if args.action == "serve":
        return run_serve(args, backend)
    if args.action == "list":  # one store query: no checkpoints, no graph to compile
        with open_store(backend) as store:
            return _list(args, store, out)
    with _opened(backend) as (graph, store, saver):
        if args.action == "export" and not args.all and not args.thread:
            print("booking threads export: give THREAD or --all", file=sys.stderr)
            return 2
        if args.action == "export" and args.all:
            wanted = [row.thread_id for row in list_calls(store)]
        else:
            wanted = [args.thread]
        missing = [thread for thread in wanted if saver.get_tuple(config_of(thread)) is None]
        if missing:
            print(f"booking threads: no such thread: {missing[0]}", file=sys.stderr)
            return 1
        if args.action == "show":
            return _show(args, graph, store, fork_of(saver, args.thread), out)
        if args.action == "history":
            for step in steps(graph, args.thread):
                nodes = ",".join(step.nodes) or "-"
                print(
                    f"{step.checkpoint_id}  step {step.step:>3}  {nodes:<24}"
                    f" {step.at.isoformat(timespec='milliseconds')}  +{step.latency_ms:.0f}ms"
                    + ("  (waits for the caller)" if step.next == ["listen"] else ""),
                    file=out,
                )
            return 0
        if args.action == "diff":
            return _diff(args, graph, out)
        return _export(args, graph, store, wanted, out)


def _list(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    rows = list_calls(
        store,
        outcome=args.outcome,
        caller=args.caller,
        since=args.since,
        until=args.until,
        limit=args.limit or None,
    )
    if args.json:
        print(json.dumps([_public(row) for row in rows], indent=2, default=str), file=out)
        return 0
    print(f"{'thread':<38} {'caller':<10} {'started':<20} turns {'outcome':<12} duration", file=out)
    for row in rows:
        print(
            f"{row.thread_id:<38} {row.caller:<10} {row.started_at:%Y-%m-%d %H:%M:%S} "
            f"{row.turns:>5} {row.outcome:<12} {row.duration_s:.1f}s",
            file=out,
        )
    return 0


def _read(graph: CallGraph, store: Store, thread: str) -> tuple[dict[str, Any], list[Turn]]:
    """Read a thread's checkpoint history once, for its head (with its cost) and its turns."""
    history = steps(graph, thread)
    row = store.get_conversation(thread)
    head = _public(summary(thread, history, row))
    head["caller_turns"] = head.pop("turns")  # "turns" holds the turns themselves here
    # The breakdown is written when the call ends; a call still open has none yet.
    head["cost"] = row.cost_breakdown if row is not None and row.ended_at else None
    return head, turns(history)


def _public(row: ThreadSummary) -> dict[str, Any]:
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


def _show(
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


def _diff(args: argparse.Namespace, graph: CallGraph, out: TextIO) -> int:
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


def _export(
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
