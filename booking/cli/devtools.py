"""`booking scenarios run`, `eval-dst` and `eval-calls`: the developer tools' commands.

Each runs on databases of its own (a fresh SQLite file per scenario, an in-memory store
per evaluated call), so `--db` does not apply to them and is refused with a sentence.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from booking.cli.common import db_of
from booking.devtools import eval_calls, eval_dst
from booking.devtools.scenarios import run_paths
from booking.settings import Settings
from booking.understanding import understander_from
from nodes.understanding.rules import RuleUnderstander

Command = Callable[[argparse.Namespace, Settings], int]


def add_parsers(sub: Any, database: argparse.ArgumentParser) -> None:
    """Add `scenarios run`, `eval-dst` and `eval-calls` to the `booking` parser.

    They take `--db` like every command, only to refuse it with a sentence.
    """
    scenarios = sub.add_parser("scenarios", help="scripted conversations")
    scenario_sub = scenarios.add_subparsers(dest="action", required=True)
    run = scenario_sub.add_parser(
        "run", parents=[database], help="run YAML scenarios and check expectations"
    )
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
    run.set_defaults(command=_own_databases(scenarios_command, "scenarios run"))
    dst = sub.add_parser(
        "eval-dst", parents=[database], help="date/time tracking accuracy on dialogues (JSONL)"
    )
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
    dst.set_defaults(command=_own_databases(eval_dst_command, "eval-dst"))
    calls = sub.add_parser(
        "eval-calls", parents=[database], help="whole calls with a simulated caller (JSONL)"
    )
    calls.add_argument("file", type=Path, help="cases, as for eval-dst")
    calls.add_argument("--errors", action="store_true", help="print each failing call")
    calls.add_argument("--engine", choices=["rules", "scripted-llm"], default="rules")
    calls.add_argument("--limit", type=int, metavar="N", help="play only the first N cases")
    calls.set_defaults(command=_own_databases(eval_calls_command, "eval-calls"))


def scenarios_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking scenarios run`."""
    return run_paths(args.paths, verbose=args.verbose, engine=args.engine, keep=args.keep)


def eval_dst_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking eval-dst` with the rules, or the configured LLM engine."""
    evaluated = understander_from(settings)[0] if args.engine == "llm" else RuleUnderstander()
    if args.engine == "llm" and isinstance(evaluated, RuleUnderstander):
        print("--engine llm needs OPENAI_API_KEY (see .env.example)", file=sys.stderr)
        return 2
    return eval_dst.run(args.file, errors=args.errors, engine=evaluated)


def eval_calls_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking eval-calls`."""
    return eval_calls.run(args.file, errors=args.errors, engine=args.engine, limit=args.limit)


def _own_databases(command: Command, name: str) -> Command:
    """Refuse `--db` for a tool that makes its own databases."""

    def refusing(args: argparse.Namespace, settings: Settings) -> int:
        if db_of(args) is not None:
            print(
                f"booking {name}: --db does not apply: it runs on databases of its own"
                + (" (keep them with --keep DIR)" if name == "scenarios run" else ""),
                file=sys.stderr,
            )
            return 2
        return command(args, settings)

    return refusing
