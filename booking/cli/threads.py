"""`booking threads`: the analysts' view of checkpointed conversations.

list, show, history, diff and export read the checkpoints through the saver and graph
APIs only, so SQLite and Postgres checkpoints read the same. Phone numbers are masked.
How one thread is printed is in `thread_views`; replay, forks and serve in `forks`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from langgraph.checkpoint.base import BaseCheckpointSaver

from analysts.data import config_of, list_calls, steps, traced
from analysts.forks import fork_of
from analysts.source import Locale
from booking.cli.common import db_of, locale_of, no_file
from booking.cli.forks import run_forks, run_serve
from booking.cli.thread_views import diff_of, export, public, show
from booking.databases import Database
from booking.settings import Settings, get_settings
from graph.builder import build_graph
from graph.conversation import CallGraph
from store.port import Store


def add_parser(sub: Any, database: argparse.ArgumentParser) -> None:
    """Add the `threads` subcommand and its actions to the `booking` parser."""
    threads = sub.add_parser(
        "threads", parents=[database], help="inspect conversations from their checkpoints"
    )
    threads.set_defaults(command=command)
    actions = threads.add_subparsers(dest="action", required=True)

    def action(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        # each action takes --db too, so it may come after the action's own words
        parser: argparse.ArgumentParser = actions.add_parser(name, parents=[database], **kwargs)
        return parser

    listing = action("list", help="conversations, the latest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--outcome", help="booked, cancelled, ..., or 'in progress'")
    listing.add_argument("--caller", help="caller phone number")
    listing.add_argument("--since", type=date.fromisoformat, help="started on or after DATE")
    listing.add_argument("--until", type=date.fromisoformat, help="started on or before DATE")
    listing.add_argument(
        "--limit", type=int, default=50, help="at most N calls, the latest first (0: all)"
    )
    show = action("show", help="a conversation turn by turn")
    show.add_argument("thread")
    show.add_argument("--json", action="store_true")
    history = action("history", help="every checkpoint of a conversation")
    history.add_argument("thread")
    changes = action("diff", help="state changes between two checkpoints")
    changes.add_argument("thread")
    changes.add_argument("a", help="checkpoint id")
    changes.add_argument("b", help="checkpoint id")
    export = action("export", help="conversations as JSON or CSV")
    export.add_argument("thread", nargs="?")
    export.add_argument("--all", action="store_true")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--out", type=Path)
    fork = action(
        "replay", help="fork a call at a checkpoint and say something else (sandbox store)"
    )
    fork.add_argument("thread")
    fork.add_argument("--from", dest="checkpoint", required=True, help="checkpoint id")
    fork.add_argument(
        "--say", action="append", required=True, help="what the caller says (repeat for turns)"
    )
    fork.add_argument("--json", action="store_true")
    fork.add_argument("--forks-dir", type=Path, help="default: <db>.forks, or ./forks")
    page = action("serve", help="the read-only web page of the calls")
    page.add_argument("--host", default="127.0.0.1", help="another host needs ANALYSTS_SECRET")
    page.add_argument("--port", type=int, default=8082)
    listed_forks = action("forks", help="replays made so far, the oldest first")
    listed_forks.add_argument("--forks-dir", type=Path, help="default: <db>.forks, or ./forks")


@contextmanager
def _opened(database: Database) -> Iterator[tuple[CallGraph, Store, BaseCheckpointSaver[str]]]:
    with database.open_store() as store, database.open_checkpointer() as saver:
        yield build_graph().compile(checkpointer=saver), store, saver


def command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking threads ...` on the configured database (or `--db`)."""
    return run(args, Database.from_settings(settings, sqlite_path=db_of(args)), settings=settings)


def run(
    args: argparse.Namespace,
    database: Database,
    out: TextIO | None = None,
    *,
    settings: Settings | None = None,
) -> int:
    """Run one `booking threads` action; an unknown thread is one line on stderr, code 1."""
    out = out or sys.stdout
    settings = settings or get_settings()
    if no_file(database, "threads", checkpoints=True):
        return 1
    if args.action in ("replay", "forks"):
        return run_forks(args, database, out, settings=settings)
    if args.action == "serve":
        return run_serve(args, database, settings=settings)
    if args.action == "list":  # one store query: no checkpoints, no graph to compile
        with database.open_store() as store:
            return _list(args, store, out, locale_of(settings))
    with _opened(database) as (graph, store, saver):
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
            return show(args, graph, store, fork_of(saver, args.thread), out)
        if args.action == "history":
            history = steps(graph, args.thread)
            ran: dict[str, list[str]] = {}  # a turn saved once ran all its traced nodes
            for node_step in traced(history):
                ran.setdefault(node_step.checkpoint_id, []).extend(node_step.nodes)
            for step in history:
                nodes = ",".join(ran.get(step.checkpoint_id, step.nodes)) or "-"
                print(
                    f"{step.checkpoint_id}  step {step.step:>3}  {nodes:<24}"
                    f" {step.at.isoformat(timespec='milliseconds')}  +{step.latency_ms:.0f}ms"
                    + ("  (waits for the caller)" if step.next == ["listen"] else ""),
                    file=out,
                )
            return 0
        if args.action == "diff":
            return diff_of(args, graph, out)
        return export(args, graph, store, wanted, out)


def _list(args: argparse.Namespace, store: Store, out: TextIO, locale: Locale) -> int:
    rows = list_calls(
        store,
        outcome=args.outcome,
        caller=args.caller,
        since=args.since,
        until=args.until,
        limit=args.limit or None,
        locale=locale,
    )
    if args.json:
        print(json.dumps([public(row) for row in rows], indent=2, default=str), file=out)
        return 0
    print(f"{'thread':<38} {'caller':<10} {'started':<20} turns {'outcome':<12} duration", file=out)
    for row in rows:
        print(
            f"{row.thread_id:<38} {row.caller:<10} {row.started_at:%Y-%m-%d %H:%M:%S} "
            f"{row.turns:>5} {row.outcome:<12} {row.duration_s:.1f}s",
            file=out,
        )
    return 0
