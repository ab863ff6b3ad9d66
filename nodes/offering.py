"""How the receptionist says what is booked and with whom: services, people and offers.

A business with nothing configured has one service and one calendar, and none of this is
said: "book you for Thursday at 2 PM?" as before. With services, the read-back says what
("a haircut"); with staff, with whom ("with Maria"); offers name the person of each slot
when they differ, or once when they are all with one person.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from business.calendar import BusinessCalendar
from business.slot_query import ANYONE
from business.spoken import say_date, say_options, say_slots, say_time
from nodes import phrases


def service_words(cal: BusinessCalendar, service_id: str | None, *, length: bool = False) -> str:
    """Say a configured service with its article ("a haircut"), and with `length` how long
    it is ("a 90-minute cut and colour"); "" for the default one of a business that
    configured none."""
    if not cal.services:
        return ""
    service = cal.service(service_id)
    words = f"{_length(service.duration_min)} {service.name}" if length else service.name
    return f"{'an' if _vowel_sound(words) else 'a'} {words}"


def _length(minutes: int) -> str:
    """Say a length as an adjective: "30-minute", "one-hour", "two-hour", "90-minute"."""
    hours = {60: "one-hour", 120: "two-hour", 180: "three-hour"}
    return hours.get(minutes, f"{minutes}-minute")


def _vowel_sound(words: str) -> bool:
    """Return True when the words start with a vowel sound ("an eye exam", "an 8-minute")."""
    first = words.split("-", maxsplit=1)[0].split(maxsplit=1)[0].lower() if words.strip() else ""
    if first.isdigit():  # "an 8-", "an 11-", "an 18-", "an 80-minute"
        return first.startswith("8") or first in ("11", "18")
    return first[:1] in "aeiou" and not first.startswith(("one", "uni", "use", "eu"))


def person_name(cal: BusinessCalendar, staff_id: str | None) -> str:
    """Return a person's spoken name; "" for anyone, or a business with no staff."""
    if not cal.staff or staff_id in (None, ANYONE):
        return ""
    person = cal.person(staff_id)
    return person.name if person is not None else ""


def say_what(
    cal: BusinessCalendar, service_id: str | None, staff_id: str | None, *, length: bool = False
) -> str:
    """Say what and with whom ("a haircut with Maria"); "" when neither is configured.

    `length` says how long the service is, as a read-back does: a caller who had another
    length in mind hears it before saying yes."""
    what, who = service_words(cal, service_id, length=length), person_name(cal, staff_id)
    if what and who:
        return f"{what} with {who}"
    return what or (f"an appointment with {who}" if who else "")


def what_when(what: str, when: str) -> str:
    """Join what is booked and when: "a haircut on Tuesday, ...", "a haircut tomorrow, ..."."""
    return f"{what} {phrases.on(when)}" if what else when


def say_duration(minutes: int) -> str:
    """Say a length of time: "30 minutes", "an hour", "an hour and a half", "2 hours"."""
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} minutes"
    lead = "an hour" if hours == 1 else f"{hours} hours"
    if rest == 0:
        return lead
    if rest == 30 and hours == 1:
        return "an hour and a half"
    return f"{lead} and {rest} minutes"


def say_offers(
    cal: BusinessCalendar, offers: Sequence[tuple[datetime, str]], *, today: date
) -> str:
    """Say offered slots with whom: "Tuesday, December 8th at 1:30 PM with Maria or 2 PM
    with Alex"; one person is named once ("... at 9 or 9:30 AM, with Maria")."""
    slots = [start for start, _ in offers]
    names = [person_name(cal, who) for _, who in offers]
    if not any(names):
        return say_slots(slots, today=today)
    if len(set(names)) == 1:
        return f"{say_slots(slots, today=today)}, with {names[0]}"
    by_day: dict[date, list[tuple[str, list[str]]]] = {}
    for start, name in zip(slots, names, strict=True):
        runs = by_day.setdefault(start.date(), [])
        if runs and runs[-1][0] == name:  # "12:30 or 1 PM with Maria", not her name twice
            runs[-1][1].append(say_time(start))
        else:
            runs.append((name, [say_time(start)]))
    said = {
        day: [f"{' or '.join(times)} with {name}" for name, times in runs]
        for day, runs in by_day.items()
    }
    if len(said) == 1:
        ((day, only),) = said.items()
        return f"{say_date(day, today=today)} at {say_options(only)}"
    # as in say_slots: day groups take ", or", the times within one a plain "or"
    groups = [f"{say_date(day, today=today)} at {' or '.join(r)}" for day, r in said.items()]
    return f"{', '.join(groups[:-1])}, or {groups[-1]}"
