"""The `booking` command: chat, threads, db, checkpoints, business, appointments, callbacks,
notify, scenarios, eval-dst, eval-calls.

One module per command group: `chat`, `threads` (+ `forks` for replay, forks and serve),
`databases` (db migrate, checkpoints prune), `business` (check the business file),
`appointments` (the business's list, closing past ones), `callbacks` (those owed to
callers, marked done), `notify` (the notice worker) and `devtools` (scenarios, eval-dst,
eval-calls). Each adds its parsers and sets `command(args, settings)`, which this module
runs. `--db PATH` is taken before the command and after any of its words alike.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import metadata

from booking.cli import (
    appointments,
    business,
    callbacks,
    chat,
    databases,
    devtools,
    notify,
    threads,
)
from booking.cli.common import database_option
from booking.extras import MissingExtra
from booking.logs import configure as configure_logging
from booking.settings import get_settings
from business.config import BusinessFileError
from graph.checkpointer import CheckpointsUnavailable
from store.errors import StoreUnavailable
from tokens.strength import WeakSecret

EPILOG = (
    "--db PATH may come before the command or after any of its words: `booking --db x.db"
    " threads list` and `booking threads list --db x.db` are the same. The scenario runner"
    " and the evaluations make databases of their own and refuse it."
)


def _version() -> str:
    """Return the installed distribution's version (what a bug report should name)."""
    try:
        return metadata.version("booking-agent")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    """Return the `booking` parser with every command group's subcommands."""
    database = database_option()
    top = argparse.ArgumentParser(
        prog="booking",
        description=(__doc__ or "").splitlines()[0],
        epilog=EPILOG,
        parents=[database],
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = top.add_subparsers(dest="group", required=True)
    chat.add_parser(sub, database)
    devtools.add_parsers(sub, database)
    databases.add_parsers(sub, database)
    threads.add_parser(sub, database)
    business.add_parser(sub, database)
    appointments.add_parser(sub, database)
    callbacks.add_parser(sub, database)
    notify.add_parser(sub, database)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the `booking` command line; a database that cannot be opened is one clear line."""
    try:
        args = parser().parse_args(argv)
        settings = get_settings()
        configure_logging(settings.log_level)
        code: int = args.command(args, settings)
    except (StoreUnavailable, CheckpointsUnavailable) as error:
        print(f"booking: {error}", file=sys.stderr)
        return 3
    except (WeakSecret, MissingExtra) as error:
        # a setting to fix or an extra to install, not a crash: the sentence says how (and
        # never repeats a secret's value)
        print(f"booking: {error}", file=sys.stderr)
        return 2
    except BusinessFileError as error:
        # BUSINESS_FILE is wrong: the sentence names the line (1, as `business check` exits)
        print(f"booking: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `booking threads show X | head`: the reader left; stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code
