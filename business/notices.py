"""What a caller is sent after a write and before a visit: a subject, a body and an SMS.

Each kind of notice has a template of each, written with named fields the business may
reword (`NOTIFY_TEMPLATES`): `{business}`, `{name}` (the caller's, "there" when unknown),
`{what}` ("haircut with Maria", "appointment"), `{when}` said as the receptionist says it
("tomorrow, Thursday, December 3rd at 2:30 PM", in the business's zone), `{service}` and
`{person}`. Plain values in, plain text out: nothing here knows the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from string import Formatter
from types import MappingProxyType
from typing import Literal

from business.calendar import BusinessCalendar
from business.spoken import say_slot

NoticeKind = Literal["booked", "moved", "cancelled", "reminder"]
"""What a notice tells (the store's `NoticeKind`, spelt again: business imports no store)."""

FIELDS = frozenset({"business", "name", "what", "when", "service", "person"})
"""The fields a template may name."""


@dataclass(frozen=True)
class Template:
    """One kind's wording: the e-mail's subject and body, and the SMS."""

    subject: str
    body: str
    sms: str


DEFAULT_TEMPLATES: Mapping[NoticeKind, Template] = MappingProxyType(
    {
        "booked": Template(
            subject="Booked: your {what}, {when}",
            body="Hi {name},\n\nYour {what} is booked for {when}.\n\nSee you then,\n{business}",
            sms="{business}: Hi {name}, your {what} is booked for {when}.",
        ),
        "moved": Template(
            subject="Moved: your {what} is now {when}",
            body="Hi {name},\n\nYour {what} has moved to {when}.\n\nSee you then,\n{business}",
            sms="{business}: Hi {name}, your {what} has moved to {when}.",
        ),
        "cancelled": Template(
            subject="Cancelled: your {what}, {when}",
            body="Hi {name},\n\nYour {what} for {when} is cancelled.\n\n{business}",
            sms="{business}: Hi {name}, your {what} for {when} is cancelled.",
        ),
        "reminder": Template(
            subject="Reminder: your {what}, {when}",
            body="Hi {name},\n\nA reminder of your {what}, {when}.\n\nSee you then,\n{business}",
            sms="{business}: Hi {name}, a reminder of your {what}, {when}. Reply C to cancel.",
        ),
    }
)


@dataclass(frozen=True)
class Message:
    """A notice in words: what the e-mail says and what the SMS says."""

    subject: str
    body: str
    sms: str


def check_template(text: str) -> str:
    """Return a template unchanged; one naming an unknown field raises ValueError."""
    try:
        named = {field for _, field, _, _ in Formatter().parse(text) if field is not None}
    except ValueError as error:  # a lone "{" or "}"
        raise ValueError(f"template {text!r}: {error}") from None
    unknown = named - FIELDS
    if unknown or "" in named:
        fields = ", ".join(f"{{{f}}}" for f in sorted(FIELDS))
        raise ValueError(f"template {text!r} names {sorted(unknown) or '{}'}; it may use {fields}")
    return text


def appointment_words(
    calendar: BusinessCalendar, *, service: str | None, staff: str | None
) -> tuple[str, str, str]:
    """Return (what, service, person): ("haircut with Maria", "haircut", "Maria"); a
    business with nothing configured books an "appointment" with no one named."""
    service_name = calendar.service(service).name if calendar.services else "appointment"
    found = calendar.person(staff) if calendar.staff and staff is not None else None
    person = found.name if found is not None else ""
    return (f"{service_name} with {person}" if person else service_name), service_name, person


def compose(
    kind: NoticeKind,
    *,
    calendar: BusinessCalendar,
    business: str,
    start: datetime,
    service: str | None,
    staff: str | None,
    name: str | None,
    today: date,
    templates: Mapping[NoticeKind, Template] = DEFAULT_TEMPLATES,
) -> Message:
    """Word a notice about the appointment at `start` (aware), said in the business's zone;
    `today` is the business's local date, so "tomorrow, ..." is said when it is."""
    what, service_name, person = appointment_words(calendar, service=service, staff=staff)
    values = {
        "business": business,
        "name": name or "there",
        "what": what,
        "when": say_slot(start.astimezone(calendar.tz), today=today),
        "service": service_name,
        "person": person,
    }
    template = templates.get(kind, DEFAULT_TEMPLATES[kind])
    return Message(
        subject=template.subject.format_map(values),
        body=template.body.format_map(values),
        sms=template.sms.format_map(values),
    )
