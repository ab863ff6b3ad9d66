"""`booking business check`: validate a business file and show the week it gives each person.

Exit 0 when the file is valid, after a summary (services, staff) and each person's coming
seven days; 1 when it is not, with every problem on a line of its own, each naming its
line. The week is the open grid before bookings: the planning view, not availability.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from booking.settings import Settings
from business.calendar import BusinessCalendar, Service, Staff
from business.config import BusinessFileError, load_business
from business.config_hours import describe_hours, window_text
from business.config_week import person_day, service_of

WIDTH = 100
DAYS_SHOWN = 7


def add_parser(sub: Any, database: argparse.ArgumentParser) -> None:
    """Add `booking business check` to the `booking` parser."""
    business = sub.add_parser("business", help="the business file (BUSINESS_FILE)")
    check = business.add_subparsers(dest="action", required=True).add_parser(
        "check", help="validate a business file and show each person's coming week"
    )
    check.add_argument("file", nargs="?", help="the business file (default: BUSINESS_FILE)")
    check.add_argument(
        "--today",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the first day of the week shown (default: today in the business's timezone)",
    )
    check.set_defaults(command=command)


def command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking business check` on FILE, or on BUSINESS_FILE."""
    path = args.file or settings.business_file
    if path is None:
        print("booking business check: give FILE, or set BUSINESS_FILE", file=sys.stderr)
        return 2
    try:
        cal = load_business(path)
    except BusinessFileError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1
    today = args.today or datetime.now(cal.tz).date()
    print_check(cal, source=str(path), today=today, out=sys.stdout)
    return 0


def print_check(cal: BusinessCalendar, *, source: str, today: date, out: TextIO) -> None:
    """Print what a valid business file says, then each person's coming week."""
    holidays = "-".join(filter(None, (cal.holiday_country, cal.holiday_subdivision)))
    closed = [_runs(cal.closures), f"the public holidays of {holidays}" if holidays else ""]
    lines = [
        f"{source} is valid: {cal.name or '(no name)'} ({cal.timezone})",
        f"hours: {describe_hours(cal.hours)}",
        f"slots every {cal.slot_minutes} min, booked {cal.min_lead_minutes} min to"
        f" {cal.horizon_days} days ahead, at most {cal.max_upcoming} upcoming a caller",
        f"closed: {', '.join(filter(None, closed)) or 'never'}",
        f"past appointments marked completed: {'yes' if cal.auto_complete else 'no'}",
        "",
        f"services (default: {cal.service(None).name})",
    ]
    for service in cal.offered:
        lines += _service_lines(cal, service)
    lines += ["", "staff"]
    for person in cal.people:
        lines += _staff_lines(person)
    lines += ["", f"the week from {today:%a %Y-%m-%d}, before bookings"]
    print("\n".join(lines), file=out)
    for person in cal.people:
        _print_week(cal, person, today, out)


def _service_lines(cal: BusinessCalendar, service: Service) -> list[str]:
    length = f"{service.duration_min} min" + (
        f" + {service.buffer_min} buffer" if service.buffer_min else ""
    )
    price = (
        "no price" if service.price is None else f"{service.price:.2f}" if service.price else "free"
    )
    who = ", ".join(p.name or p.id for p in cal.who_can(service)) if service.staff else "everyone"
    return [
        f"  {service.id}: {service.name}, {length}, {price}",
        f"      by: {who}",
        *([f"      also: {', '.join(service.aliases)}"] if service.aliases else []),
    ]


def _staff_lines(person: Staff) -> list[str]:
    hours = "the business's" if person.hours is None else describe_hours(person.hours)
    return [
        f"  {person.id}: {person.name or '(one calendar)'} ({person.kind})",
        f"      hours: {hours}",
        *([f"      days off: {_runs(person.days_off)}"] if person.days_off else []),
        *([f"      also: {', '.join(person.aliases)}"] if person.aliases else []),
    ]


def _print_week(cal: BusinessCalendar, person: Staff, today: date, out: TextIO) -> None:
    service = service_of(cal, person)
    does = f"starts of {service.name}, {service.duration_min} min" if service else "no service"
    print(f"{person.name or person.id}: {does}", file=out)
    for offset in range(DAYS_SHOWN):
        day = person_day(cal, person, today + timedelta(days=offset), service=service)
        head = f"    {day.day:%a %m-%d}  "
        if day.window is None:
            print(f"{head}{day.off}", file=out)
            continue
        starts = " ".join(f"{t:%H:%M}" for t in day.starts) or "no start fits"
        lead = f"{head}{window_text(day.window)}  "
        print(
            textwrap.fill(starts, WIDTH, initial_indent=lead, subsequent_indent=" " * len(lead)),
            file=out,
        )


def _runs(days: Iterable[date]) -> str:
    """Write dates as "2026-12-24, 2026-12-28 to 2026-12-31" (runs of days joined)."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return ", ".join(f"{a}" if a == b else f"{a} to {b}" for a, b in runs)
