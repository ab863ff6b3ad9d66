"""`booking callbacks`: the callbacks the business owes callers, for staff to work through.

`list` prints the open ones, the oldest first (`--all`: the done ones too, the latest done
first), with when each was asked for in the business's local time, the caller's masked
number, name, what they need (numbers in it masked too), why, and the call's id; `done ID`
marks one done (`--by NAME` says who). A refusal is one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from booking.cli.common import db_of, no_file
from booking.databases import Database
from booking.settings import Settings
from business.calendar import BusinessCalendar
from store.models import Callback
from store.privacy import mask_phones


def add_parser(sub: Any, database: argparse.ArgumentParser) -> None:
    """Add `booking callbacks` and its actions to the `booking` parser."""
    callbacks = sub.add_parser(
        "callbacks", parents=[database], help="callbacks owed to callers; mark them done"
    )
    callbacks.set_defaults(command=command)
    actions = callbacks.add_subparsers(dest="action", required=True)
    listing = actions.add_parser(
        "list", parents=[database], help="open callbacks, the oldest first, in local time"
    )
    listing.add_argument(
        "--all", action="store_true", help="the done ones too, after the open ones"
    )
    done = actions.add_parser("done", parents=[database], help="mark a callback done")
    done.add_argument("id", help="the callback's id, as `list` prints it")
    done.add_argument("--by", metavar="NAME", help="who called back")


def command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking callbacks ...` on the configured database (or `--db`)."""
    database = Database.from_settings(settings, sqlite_path=db_of(args))
    return run(args, database, settings.calendar(), sys.stdout, now=datetime.now(UTC))


def run(
    args: argparse.Namespace,
    database: Database,
    calendar: BusinessCalendar,
    out: TextIO,
    *,
    now: datetime,
) -> int:
    """Run one `booking callbacks` action at `now`; return the exit status."""
    if no_file(database, "callbacks"):
        return 1
    with database.open_store() as store:
        if args.action == "list":
            print_list(store.list_callbacks(open_only=not args.all), calendar, out)
            return 0
        try:
            closed = store.close_callback(args.id, at=now, by=args.by)
        except ValueError:
            print(f"booking callbacks: no callback {args.id}", file=sys.stderr)
            return 1
        print(f"{closed.id} done {_local(closed.done_at or now, calendar)}{_by(closed)}", file=out)
        return 0


def print_list(listed: list[Callback], calendar: BusinessCalendar, out: TextIO) -> None:
    """Print one line per callback, under a header; a done one ends with when and by whom."""
    print(
        f"{'id':<36}  {'asked':<20}  {'caller':<8} {'name':<14} {'reason':<15} {'call':<20} need",
        file=out,
    )
    for c in listed:
        phone = mask_phones(c.phone) if c.phone else "?"
        done = "" if c.done_at is None else f"  [done {_local(c.done_at, calendar)}{_by(c)}]"
        print(
            f"{c.id:<36}  {_local(c.created_at, calendar):<20}  {phone:<8}"
            f" {mask_phones(c.name or '-'):<14} {c.reason:<15} {c.conversation_id or '-':<20}"
            f" {mask_phones(c.need)}{done}",
            file=out,
        )


def _local(moment: datetime, calendar: BusinessCalendar) -> str:
    """Return an instant as the business's local weekday, date and time."""
    return f"{moment.astimezone(calendar.tz):%a %Y-%m-%d %H:%M}"


def _by(done: Callback) -> str:
    """Return " by NAME" for a callback closed by someone named, else nothing."""
    return f" by {done.done_by}" if done.done_by else ""
