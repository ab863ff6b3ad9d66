"""The `booking` command: chat, scenarios, eval-dst, eval-calls, db and checkpoints."""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from datetime import datetime
from importlib import metadata
from pathlib import Path

from booking import eval_calls, eval_dst
from booking.app import fixed_clock, open_agent, system_clock
from booking.backends import Backend
from booking.chat import run_chat
from booking.logs import configure as configure_logging
from booking.maintenance import run_migrate, run_prune
from booking.scenarios import run_paths
from booking.settings import get_settings
from booking.threads import add_parser as add_threads_parser
from booking.threads import run as run_threads
from booking.understanding import understander_from
from graph.checkpointer import CheckpointsUnavailable
from nodes.understanding.rules import RuleUnderstander
from store.errors import StoreUnavailable
from tokens.strength import WeakSecret


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from error
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            "give --now with a UTC offset, e.g. 2026-12-01T10:00-08:00"
        )
    return value


def _version() -> str:
    """Return the installed distribution's version (what a bug report should name)."""
    try:
        return metadata.version("booking-agent")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="booking", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="talk to the agent as text (pipe lines in to script it)")
    chat.add_argument(
        "--db", help="SQLite file for the store and checkpoints (default: booking.db)"
    )
    chat.add_argument("--thread", help="resume this conversation id")
    chat.add_argument("--phone", help="caller ID, as SIP would give it")
    chat.add_argument("--now", type=_instant, help="fixed clock, ISO date-time with offset")
    scenarios = sub.add_parser("scenarios", help="scripted conversations")
    scenario_sub = scenarios.add_subparsers(dest="action", required=True)
    run = scenario_sub.add_parser("run", help="run YAML scenarios and check expectations")
    run.add_argument("paths", nargs="+", help="scenario files or folders")
    run.add_argument("-v", "--verbose", action="store_true", help="print every turn")
    run.add_argument(
        "--engine",
        choices=["rules", "scripted-llm"],
        default="rules",
        help="understanding engine: the rules, or the LLM engine with a scripted offline model",
    )
    run.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep each scenario's SQLite file (store and checkpoints) in DIR as <name>.db",
    )
    dst = sub.add_parser("eval-dst", help="date/time tracking accuracy on dialogues (JSONL)")
    dst.add_argument(
        "file", type=Path, help="cases, e.g. ../shared/datasets/sgd-services/cases.jsonl"
    )
    dst.add_argument("--errors", action="store_true", help="print each mismatching case")
    dst.add_argument(
        "--engine",
        choices=["rules", "llm"],
        default="rules",
        help="llm: the engine OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL configure",
    )
    calls = sub.add_parser("eval-calls", help="whole calls with a simulated caller (JSONL)")
    calls.add_argument("file", type=Path, help="cases, as for eval-dst")
    calls.add_argument("--errors", action="store_true", help="print each failing call")
    calls.add_argument("--engine", choices=["rules", "scripted-llm"], default="rules")
    calls.add_argument("--limit", type=int, metavar="N", help="play only the first N cases")
    db = sub.add_parser("db", help="database maintenance")
    db.add_subparsers(dest="action", required=True).add_parser(
        "migrate", help="apply the Postgres migrations in store/migrations (safe to run twice)"
    )
    checkpoints = sub.add_parser("checkpoints", help="checkpoint retention")
    prune = checkpoints.add_subparsers(dest="action", required=True).add_parser(
        "prune", help="keep only the final checkpoint of calls that ended long ago"
    )
    prune.add_argument("--older-than-days", type=int, help="default: CHECKPOINT_RETENTION_DAYS")
    add_threads_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the `booking` command line; a backend that cannot be opened is one clear line."""
    try:
        return _run(_parser().parse_args(argv))
    except (StoreUnavailable, CheckpointsUnavailable) as error:
        print(f"booking: {error}", file=sys.stderr)
        return 3
    except WeakSecret as error:
        # a setting to fix, not a crash: its sentence says how (and never repeats the value)
        print(f"booking: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `booking threads show X | head`: the reader left; stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _run(args: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings.log_level)
    if args.command == "eval-dst":
        evaluated = understander_from(settings)[0] if args.engine == "llm" else RuleUnderstander()
        if args.engine == "llm" and isinstance(evaluated, RuleUnderstander):
            print("--engine llm needs OPENAI_API_KEY (see .env.example)", file=sys.stderr)
            return 2
        return eval_dst.run(args.file, errors=args.errors, engine=evaluated)
    if args.command == "eval-calls":
        return eval_calls.run(args.file, errors=args.errors, engine=args.engine, limit=args.limit)
    if args.command == "scenarios":
        return run_paths(args.paths, verbose=args.verbose, engine=args.engine, keep=args.keep)
    backend = Backend.from_settings(settings, sqlite_path=getattr(args, "db", None))
    if args.command == "db":
        return run_migrate(backend)
    if args.command == "checkpoints":
        days = args.older_than_days or settings.checkpoint_retention_days
        return run_prune(backend, older_than_days=days)
    if args.command == "threads":
        return run_threads(args, backend)
    clock = fixed_clock(args.now) if args.now else system_clock
    understander, engine = understander_from(settings)
    with open_agent(
        backend,
        calendar=settings.calendar(),
        clock=clock,
        region=settings.phone_region,
        understander=understander,
        engine=engine,
        prices=settings.prices(),
    ) as agent:
        call = agent.conversation(args.thread or str(uuid.uuid4()))
        return run_chat(
            call,
            caller_id=args.phone,
            lines=sys.stdin,
            out=sys.stdout,
            interactive=sys.stdin.isatty(),
        )


if __name__ == "__main__":
    sys.exit(main())
