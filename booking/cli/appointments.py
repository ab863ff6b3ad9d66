"""`booking appointments`: the business's view of every caller's appointments.

`list` prints them in the business's local time, with service, person, status, the
caller's masked number and the notes (numbers in them masked too); `complete ID` and
`no-show ID` close one that has started; `close-past` marks every booked appointment that
has ended completed. A refusal is one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TextIO, get_args

from booking.cli.common import db_of, no_file
from booking.databases import Database
from booking.settings import Settings
from business.calendar import BusinessCalendar
from store.errors import AppointmentNotActive, AppointmentNotFound
from store.models import Appointment, AppointmentStatus
from store.port import Store
from store.privacy import mask_phones

NO_END = datetime(9999, 1, 1, tzinfo=UTC)
"""The end of a listing without --to."""


def add_parser(sub: Any, database: argparse.ArgumentParser) -> None:
    """Add `booking appointments` and its actions to the `booking` parser."""
    appointments = sub.add_parser(
        "appointments", parents=[database], help="every caller's appointments; close past ones"
    )
    appointments.set_defaults(command=command)
    actions = appointments.add_subparsers(dest="action", required=True)
    listing = actions.add_parser(
        "list", parents=[database], help="appointments by start, in the business's local time"
    )
    listing.add_argument(
        "--from", dest="first", type=date.fromisoformat, metavar="DATE", help="default: today"
    )
    listing.add_argument(
        "--to", dest="last", type=date.fromisoformat, metavar="DATE", help="included; default: all"
    )
    listing.add_argument("--status", choices=get_args(AppointmentStatus))
    for name, status, said in (
        ("complete", "completed", "completed"),
        ("no-show", "no_show", "a no-show"),
    ):
        close = actions.add_parser(
            name, parents=[database], help=f"mark an appointment that has started as {said}"
        )
        close.add_argument("id", help="the appointment's id, as `list` prints it")
        close.set_defaults(status=status)
    actions.add_parser(
        "close-past",
        parents=[database],
        help="mark every booked appointment that has ended completed",
    )


def command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking appointments ...` on the configured database (or `--db`)."""
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
    """Run one `booking appointments` action at `now`; return the exit status."""
    if no_file(database, "appointments"):
        return 1
    with database.open_store() as store:
        if args.action == "list":
            first = args.first or now.astimezone(calendar.tz).date()
            end = (
                NO_END if args.last is None else _midnight(args.last + timedelta(days=1), calendar)
            )
            listed = store.appointments_between(_midnight(first, calendar), end, status=args.status)
            print_list(listed, _phones(store, listed), calendar, out)
            return 0
        if args.action == "close-past":
            done = store.complete_past(before=now)
            print(f"past appointments marked completed: {done}", file=out)
            return 0
        try:
            closed = store.close_appointment(args.id, args.status, now=now)
        except AppointmentNotFound:
            print(f"booking appointments: no appointment {args.id}", file=sys.stderr)
            return 1
        except AppointmentNotActive as error:
            print(f"booking appointments: {error}", file=sys.stderr)
            return 1
        print(f"marked {closed.id} {closed.status}", file=out)
        return 0


def print_list(
    listed: list[Appointment], phones: dict[str, str], calendar: BusinessCalendar, out: TextIO
) -> None:
    """Print one line per appointment, under a header."""
    default = calendar.service(None).id
    print(
        f"{'id':<36}  {'when':<26}  {'service':<12} {'staff':<10} {'status':<11}"
        f" {'caller':<8} notes",
        file=out,
    )
    for a in listed:
        start, end = a.start.astimezone(calendar.tz), a.end.astimezone(calendar.tz)
        when = f"{start:%a %Y-%m-%d %H:%M}-{end:%H:%M}"
        caller = phones.get(a.user_id, "?")
        notes = mask_phones(a.notes) if a.notes else ""
        print(
            f"{a.id:<36}  {when:<26}  {a.service or default:<12} {a.staff:<10} {a.status:<11}"
            f" {caller:<8} {notes}".rstrip(),
            file=out,
        )


def _midnight(day: date, calendar: BusinessCalendar) -> datetime:
    """Return the start of a local day."""
    return datetime.combine(day, time(0), tzinfo=calendar.tz)


def _phones(store: Store, listed: list[Appointment]) -> dict[str, str]:
    """Return each listed caller's masked number, where the store can look callers up."""
    users = store.users_by_id({a.user_id for a in listed})
    return {user_id: mask_phones(user.phone) for user_id, user in users.items()}
