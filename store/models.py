"""Frozen domain types shared by every store backend, and the checks their values pass."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol, get_args

import phonenumbers

MAIN = "main"
"""The single calendar of a business with no staff configured (also `business.calendar.MAIN`)."""

E164 = re.compile(r"\+[1-9]\d{1,14}")
"""The only form a `User.phone` takes: a plus, a country code, at most 15 digits in all."""

AppointmentStatus = Literal["booked", "cancelled", "rescheduled", "completed", "no_show"]
"""`rescheduled` marks the old row of a move (the new row is `booked`); `completed` and
`no_show` close a past appointment (the original schema's `completed`, and one more)."""


@dataclass(frozen=True)
class User:
    """A caller, identified by an E.164 phone number."""

    id: str
    phone: str
    name: str | None
    created_at: datetime
    email: str | None = None
    """Where e-mail notices go; None (the usual case): SMS only."""


@dataclass(frozen=True)
class Appointment:
    """One booking of one person's time; instants are timezone-aware (UTC from the store)."""

    id: str
    user_id: str
    start: datetime
    duration_min: int
    status: AppointmentStatus
    notes: str | None = None
    """What the visit is for, in the caller's words ("a toothache")."""
    rescheduled_from: str | None = None
    """Id of the appointment this one replaced, if it came from a move."""
    service: str | None = None
    """The service's id (`business.calendar.Service.id`); None: the default service."""
    staff: str = MAIN
    """Whose time it takes (`business.calendar.Staff.id`); `MAIN` for a single calendar."""
    buffer_min: int = 0
    """Time after the end that the same person stays unavailable."""

    @property
    def end(self) -> datetime:
        """Return when the appointment ends (its buffer not included)."""
        return self.start + timedelta(minutes=self.duration_min)


@dataclass(frozen=True)
class Busy:
    """Time a person is taken: a booked appointment and its buffer, [start, until)."""

    staff: str
    start: datetime
    until: datetime


@dataclass(frozen=True)
class TranscriptLine:
    """One utterance of a conversation, in order."""

    index: int
    role: Literal["caller", "agent"]
    text: str
    at: datetime
    interrupted: bool = False


@dataclass(frozen=True)
class CallRecord:
    """A call's stored row: who, when, and what came of it once it is finished."""

    id: str
    user_id: str | None
    started_at: datetime
    ended_at: datetime | None = None
    outcome: str | None = None
    summary: str | None = None
    appointments_discussed: list[str] = field(default_factory=list)
    preferences_mentioned: list[str] = field(default_factory=list)
    transcript: list[dict[str, Any]] = field(default_factory=list)
    cost_breakdown: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallOverview:
    """One row of the analysts' call list: who called, when, for how long, and the outcome."""

    id: str
    started_at: datetime
    ended_at: datetime | None
    last_at: datetime | None
    """When the newest transcript line was said (a call still open has no ended_at)."""
    outcome: str | None
    phone: str | None
    """The identified caller's number (E.164), or None if they were never identified."""
    caller_turns: int
    """Caller utterances stored for the call."""


def as_e164(raw: str, *, region: str) -> str | None:
    """Return a number as E.164 if `phonenumbers` reads it as a valid one in `region`, else
    None: caller ID, a number read out, or an original database's "(415) 555-0123"."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
"""The shape an e-mail address must have to be kept: one @, a dot in the domain, no space."""


def email_address(address: str) -> str:
    """Return `address` stripped if it has the shape of an e-mail address; else ValueError."""
    address = address.strip()
    if len(address) > 254 or not EMAIL.fullmatch(address):
        raise ValueError(f"{address!r} is not an e-mail address (like sam@example.com)")
    return address


def e164(phone: str) -> str:
    """Return `phone` if it is E.164; else raise ValueError before anything is written."""
    if not E164.fullmatch(phone):
        raise ValueError(f"phone {phone!r} is not E.164 (like +15551234567)")
    return phone


NoticeKind = Literal["booked", "moved", "cancelled", "reminder", "callback"]
"""What a notice tells: the caller, a write's confirmation or a reminder before the visit;
staff (`callback`), a callback the business owes."""

NoticeOutcome = Literal["sent", "failed", "skipped"]
"""How a notice ends: sent, failed for good, or skipped (nothing to send, or no need)."""

CallbackReason = Literal["message", "callback_offer", "transfer_failed", "refused"]
"""How a callback came about: a message taken, the callback offer accepted, a transfer that
failed, or a caller whose spoken number could not be verified."""


@dataclass(frozen=True)
class Notice:
    """One message owed about an appointment (to its caller) or a callback (to staff): a row
    of the outbox.

    Written in the same transaction as the write it tells of (a trigger on appointments, or
    on callbacks), so a write that rolled back owes nothing and one that committed always
    owes it.
    """

    id: str
    appointment_id: str | None
    """The appointment it is about; None for a `callback` notice."""
    kind: NoticeKind
    due_at: datetime
    """When it may be sent (a reminder's is its offset before the start)."""
    attempts: int = 0
    """Delivery attempts made so far (each channel's, together)."""
    reminder_minutes: int | None = None
    """For a reminder: how long before the start it is sent (1440 for 24 h)."""
    callback_id: str | None = None
    """For a `callback` notice: the callback staff are told of."""


@dataclass(frozen=True)
class Delivery:
    """One attempt to send a notice on one channel, as recorded."""

    notice_id: str
    channel: str
    at: datetime
    ok: bool
    detail: str = ""
    """The provider's message id when sent; the error, without secrets, when not."""


@dataclass(frozen=True)
class Callback:
    """A callback the business owes a caller: who, their number, what they need, when."""

    id: str
    conversation_id: str | None
    """The call it came from."""
    user_id: str | None
    phone: str | None
    """The number to call back (E.164), if known."""
    name: str | None
    need: str
    """What they need, in their words, or why the call was handed over."""
    reason: CallbackReason
    """How it came about (see `CallbackReason`)."""
    created_at: datetime
    done_at: datetime | None = None
    done_by: str | None = None


def reminder_offsets(minutes_before: Sequence[int]) -> list[int]:
    """Return reminder offsets shortest first, each once; raise ValueError for one that is
    not a positive whole number of minutes."""
    for minutes in minutes_before:
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            raise ValueError(
                f"a reminder comes a positive number of minutes before, not {minutes!r}"
            )
    return sorted(set(minutes_before))


def notice_outcome(outcome: str) -> NoticeOutcome:
    """Return `outcome` if a notice can end so; else raise ValueError."""
    if outcome not in get_args(NoticeOutcome):
        raise ValueError(f"a notice ends sent, failed or skipped, not {outcome!r}")
    return outcome  # type: ignore[return-value]  # checked against the Literal just above


def callback_reason(reason: str) -> CallbackReason:
    """Return `reason` if a callback can come about so; else raise ValueError."""
    if reason not in get_args(CallbackReason):
        raise ValueError(
            f"a callback's reason is one of {get_args(CallbackReason)}, not {reason!r}"
        )
    return reason  # type: ignore[return-value]  # checked against the Literal just above


class Row(Protocol):
    """A stored row read by column name: a dict, or sqlite3.Row."""

    def __getitem__(self, column: str, /) -> Any: ...


def notice_from(row: Row, instant: Callable[[Any], datetime]) -> Notice:
    """Build a Notice from a `notices` row of any backend, its instants read by `instant`."""
    minutes, appointment, callback = (
        row["reminder_minutes"],
        row["appointment_id"],
        row["callback_id"],
    )
    return Notice(
        id=str(row["id"]),
        appointment_id=None if appointment is None else str(appointment),
        kind=row["kind"],
        due_at=instant(row["due_at"]),
        attempts=int(row["attempts"]),
        reminder_minutes=None if minutes is None else int(minutes),
        callback_id=None if callback is None else str(callback),
    )


def delivery_from(row: Row, instant: Callable[[Any], datetime]) -> Delivery:
    """Build a Delivery from a `deliveries` row of any backend, its instant read by `instant`."""
    return Delivery(
        str(row["notice_id"]), row["channel"], instant(row["at"]), bool(row["ok"]), row["detail"]
    )


def callback_from(row: Row, instant: Callable[[Any], datetime]) -> Callback:
    """Build a Callback from a `callbacks` row of any backend, its instants read by `instant`.

    Every backend names the columns as the fields; ids may arrive as uuids (Postgres).
    """
    user, done = row["user_id"], row["done_at"]
    return Callback(
        id=str(row["id"]),
        conversation_id=row["conversation_id"],
        user_id=None if user is None else str(user),
        phone=row["phone"],
        name=row["name"],
        need=row["need"],
        reason=row["reason"],
        created_at=instant(row["created_at"]),
        done_at=None if done is None else instant(done),
        done_by=row["done_by"],
    )
