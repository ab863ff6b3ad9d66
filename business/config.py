"""The business file: a YAML description of the business, read into its `BusinessCalendar`.

`load_business` reads the file (`business.example.yaml` shows every key), in three passes,
each of whose errors is a `BusinessFileError` naming the line: the YAML itself
(`config_yaml`), each value alone (`config_model`, pydantic), then the values together
(`config_checks`). Hours are read by `config_hours`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import MappingProxyType

from pydantic import ValidationError

from business.calendar import BusinessCalendar, Service, Staff
from business.config_checks import (
    Problems,
    Words,
    identify,
    longest_day,
    week,
    within_business,
)
from business.config_hours import Window
from business.config_model import KNOWN_KEYS, BusinessFile, Dates
from business.config_yaml import BusinessFileError, compose, located_errors

__all__ = ["BusinessFileError", "load_business", "parse_business"]


def load_business(path: str | Path) -> BusinessCalendar:
    """Read and check a business file; what is wrong is a `BusinessFileError` naming the line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise BusinessFileError(
            [f"{path}: cannot read the business file: {error.strerror}"]
        ) from None
    except UnicodeDecodeError:
        raise BusinessFileError([f"{path}: the business file is not UTF-8 text"]) from None
    return parse_business(text, source=str(path))


def parse_business(text: str, *, source: str) -> BusinessCalendar:
    """Check a business file's text; `source` names it in every sentence."""
    located = compose(text, source=source)
    if not isinstance(located.data, dict):
        raise BusinessFileError(
            [located.problem((), "the file must be 'key: value' lines (name, timezone, hours ...)")]
        )
    try:
        entry = BusinessFile.model_validate(located.data)
    except ValidationError as error:
        raise BusinessFileError(located_errors(error, located, known=KNOWN_KEYS)) from None
    problems = Problems(located)
    calendar = _calendar(entry, problems)
    problems.raise_any()
    return calendar


def _calendar(entry: BusinessFile, problems: Problems) -> BusinessCalendar:
    """Build the calendar, noting in `problems` what the keys say against each other."""
    hours = week(entry.hours, ("hours",), problems)
    if not hours:
        problems.add(("hours",), "the business opens no day of the week")
    staff_words = identify(entry.staff, "staff", problems)
    service_words = identify(entry.services, "services", problems)
    staff = _staff(entry, staff_words.ids, hours, problems)
    services = _services(
        entry, service_words.ids, staff_words, staff=staff, hours=hours, problems=problems
    )
    default = None
    if entry.default_service is not None:
        try:
            default = service_words.resolve(entry.default_service, what="service")
        except ValueError as error:
            problems.add(("default_service",), str(error))
    return BusinessCalendar(
        timezone=entry.timezone,
        hours=MappingProxyType(hours),
        slot_minutes=entry.slot_minutes,
        closures=_days(entry.closures),
        holiday_country=entry.holidays.country if entry.holidays else None,
        holiday_subdivision=entry.holidays.subdivision if entry.holidays else None,
        min_lead_minutes=entry.lead_minutes,
        horizon_days=entry.horizon_days,
        max_upcoming=entry.max_upcoming,
        services=services,
        staff=staff,
        default_service=default,
        name=entry.name,
        auto_complete=entry.auto_complete,
    )


def _staff(
    entry: BusinessFile, ids: list[str], hours: dict[int, Window], problems: Problems
) -> tuple[Staff, ...]:
    staff = []
    for index, (person, own_id) in enumerate(zip(entry.staff, ids, strict=True)):
        own = None
        if person.hours is not None:
            own = week(person.hours, ("staff", index, "hours"), problems)
            within_business(person, index, hours, problems)
            if not own:
                problems.add(
                    ("staff", index, "hours"),
                    "works no day of the week; for time off, use days_off",
                )
        staff.append(
            Staff(
                id=own_id,
                name=person.name,
                hours=None if own is None else MappingProxyType(own),
                days_off=_days(person.days_off),
                kind=person.kind,
                aliases=tuple(person.aliases),
            )
        )
    return tuple(staff)


def _services(
    entry: BusinessFile,
    ids: list[str],
    staff_words: Words,
    *,
    staff: tuple[Staff, ...],
    hours: dict[int, Window],
    problems: Problems,
) -> tuple[Service, ...]:
    services = []
    for index, (service, own_id) in enumerate(zip(entry.services, ids, strict=True)):
        who: list[str] = []
        for n, word in enumerate(service.staff or ()):
            if not entry.staff:
                problems.add(("services", index, "staff"), "names staff, but the file lists none")
                break
            try:
                who.append(staff_words.resolve(word, what="staff member"))
            except ValueError as error:
                problems.add(("services", index, "staff", n), str(error))
        if service.staff == []:
            problems.add(("services", index, "staff"), "lists nobody; leave it out for everyone")
        doing = [p for p in staff if not who or p.id in who] if staff else []
        longest = max(
            (longest_day(p.hours if p.hours is not None else hours) for p in doing),
            default=longest_day(hours),
        )
        if service.duration > longest > 0:
            problems.add(
                ("services", index, "duration"),
                f"{service.duration} minutes is longer than the working day of anyone who"
                f" does it (the longest is {longest} minutes)",
            )
        services.append(
            Service(
                id=own_id,
                name=service.name,
                duration_min=service.duration,
                buffer_min=service.buffer,
                price=service.price,
                staff=tuple(dict.fromkeys(who)),
                aliases=tuple(service.aliases),
            )
        )
    return tuple(services)


def _days(runs: Dates) -> frozenset[date]:
    return frozenset(day for run in runs for day in run)
