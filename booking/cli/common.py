"""What every `booking` command shares: the `--db` option and reading an instant."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from analysts.source import Locale
from booking.databases import Database
from booking.settings import Settings

DB_HELP = "SQLite file for the store and the checkpoints (default: BOOKING_DB, else booking.db)"


def database_option() -> argparse.ArgumentParser:
    """Return the parent parser holding `--db`, for `booking` and each command that opens it.

    Given before the command or after any of its words, `--db` means the same: it is left
    out of the namespace unless given (SUPPRESS), so a later position never resets it.
    """
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
    return options


def db_of(args: argparse.Namespace) -> str | None:
    """Return the SQLite file given with `--db`, or None for the settings' own."""
    db: Any = getattr(args, "db", None)
    return None if db is None else str(db)


def no_file(database: Database, command: str, *, checkpoints: bool = False) -> bool:
    """Say so and return True when the SQLite file a reading command would open is missing.

    Reading must not leave an empty database behind a mistyped --db. The file holds the
    store with no Postgres or Supabase set, and the checkpoints whenever Postgres is not
    (`checkpoints`: the command reads them too).
    """
    reads_file = database.name == "sqlite" or (checkpoints and not database.database_url)
    if not reads_file or Path(database.sqlite_path).exists():
        return False
    print(f"booking {command}: no database at {database.sqlite_path}", file=sys.stderr)
    return True


def instant(text: str) -> datetime:
    """Read `--now`: an ISO date-time with a UTC offset."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from error
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            "give --now with a UTC offset, e.g. 2026-12-01T10:00-08:00"
        )
    return value


def locale_of(settings: Settings) -> Locale:
    """Return how the analysts' views read numbers and days: the settings' region and zone."""
    return Locale(region=settings.phone_region, timezone=settings.calendar().timezone)
