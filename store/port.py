"""The store port: what the agent needs from persistence, in small protocols by role.

`Store` is all of them: what the graph's context holds and every backend (`store.sqlite`,
`store.postgres`, `store.supabase`) implements, raising the errors of `store.errors`. A
part of the agent that needs one role only can ask for that protocol instead. Each
method's contract is written here once; a backend subclasses these protocols, so mypy
checks its signatures against them, and documents only what is its own.

Datetimes going in must be timezone-aware (a naive one raises ValueError); datetimes coming
out are aware and in UTC. Someone else's appointment id behaves exactly like an unknown one.
A store is opened with the business's timezone, which only the rows' local `date`, `time`
and `slot` columns (the original schema's, kept for what reads them) depend on.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Literal, NotRequired, Protocol, TypedDict, Unpack

from store.models import (
    Appointment,
    AppointmentStatus,
    Busy,
    Callback,
    CallbackReason,
    CallOverview,
    CallRecord,
    Delivery,
    Notice,
    NoticeOutcome,
    TranscriptLine,
    User,
)


class Booking(TypedDict):
    """The keyword arguments of `AppointmentBook.book`."""

    user_id: str
    start: datetime
    duration_min: int
    idempotency_key: str
    notes: NotRequired[str | None]
    """What the visit is for, in the caller's words."""
    service: NotRequired[str | None]
    """The service's id; None (or left out): the default service."""
    staff: NotRequired[str]
    """Whose time it takes; left out: `MAIN`, the single calendar."""
    buffer_min: NotRequired[int]
    """Minutes after the end the same person stays unavailable (default 0)."""


class Move(TypedDict):
    """The keyword arguments of `AppointmentBook.reschedule`.

    Service, staff, length and buffer left out are the old appointment's: a move keeps
    what was booked and with whom unless the caller changed it.
    """

    user_id: str
    appointment_id: str
    new_start: datetime
    idempotency_key: str
    service: NotRequired[str | None]
    staff: NotRequired[str]
    duration_min: NotRequired[int]
    buffer_min: NotRequired[int]


class CallSummary(TypedDict):
    """The keyword arguments of `CallLog.finish_conversation`: what came of a call."""

    conversation_id: str
    ended_at: datetime
    outcome: str
    summary: str
    appointments_discussed: list[str]
    preferences_mentioned: list[str]
    cost_breakdown: dict[str, Any]


class CallFilter(TypedDict, total=False):
    """The keyword arguments of `CallQueries.list_conversations`; each one left out (or None,
    or False) filters nothing."""

    since: datetime | None
    """Calls started at or after it."""
    before: datetime | None
    """Calls started before it."""
    outcome: str | None
    """Calls with that outcome."""
    open_only: bool
    """Calls not finished yet."""
    phone: str | None
    """Calls of the caller with that E.164 number."""
    limit: int | None
    """At most this many rows (None: all)."""


class Callers(Protocol):
    """Callers' accounts, keyed by E.164 number, and the identity checks of spoken numbers."""

    def find_user_by_phone(self, phone: str) -> User | None:
        """Return the user with this E.164 number, or None."""
        ...

    def users_by_id(self, user_ids: Collection[str]) -> dict[str, User]:
        """Return the users with these ids, keyed by id; an unknown id is left out.

        For the business's list of appointments, which shows whose each one is.
        """
        ...

    def create_user(self, *, phone: str, name: str | None = None) -> User:
        """Create a user; if the number exists already, return that user unchanged.

        A number that is not E.164 raises ValueError.
        """
        ...

    def set_user_name(self, user_id: str, name: str) -> User:
        """Record the caller's name; an unknown user raises ValueError."""
        ...

    def set_user_email(self, user_id: str, email: str | None) -> User:
        """Record where the caller's e-mail notices go (None: nowhere, SMS only).

        An address without the shape of one (`store.models.email_address`; it is kept
        stripped) or an unknown user raises ValueError.
        """
        ...

    def record_identity_check(self, *, user_id: str, passed: bool, at: datetime) -> None:
        """Record whether a caller who said this account's number passed its identity check."""
        ...

    def failed_identity_checks(self, user_id: str, *, since: datetime) -> int:
        """Return this account's failed identity checks since `since` and since its last pass."""
        ...


class AppointmentBook(Protocol):
    """Which slots are taken, and each caller's bookings: made, listed, cancelled, moved."""

    def busy(
        self, start: datetime, end: datetime, *, staff: Collection[str] | None = None
    ) -> list[Busy]:
        """Return the booked time overlapping [start, end), of `staff` (None: everyone).

        Each booked appointment is one `Busy`, from its start to its end plus its buffer.
        """
        ...

    def book(self, **booking: Unpack[Booking]) -> Appointment:
        """Book a person's time once per key; time of theirs already taken raises
        SlotUnavailable.

        The database refuses an appointment that overlaps another booked one of the same
        person, counting the earlier one's buffer and the new one's (two people at the
        same time are fine). Starts are compared to the second (sub-second parts are
        dropped), as instants whatever their offset. The same key with the same caller,
        start and person returns the first booking; with anything else it raises
        IdempotencyConflict. The row's `date`, `time` and `slot` columns hold the business's
        local date, time and "HH:MM-HH:MM" span (the store's `timezone`).
        """
        ...

    def list_appointments(
        self, user_id: str, *, after: datetime | None = None
    ) -> list[Appointment]:
        """Return this caller's booked appointments starting at or after `after`, by start."""
        ...

    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        """Cancel one of this caller's appointments; retrying with the same key is harmless.

        Someone else's appointment raises AppointmentNotFound, one no longer booked
        AppointmentNotActive, a key used for another cancel IdempotencyConflict.
        """
        ...

    def reschedule(self, **move: Unpack[Move]) -> Appointment:
        """Move an appointment in one transaction and return the new booking.

        The old row becomes `rescheduled` and the new one points back to it, keeping its
        notes, and its service, person, length and buffer unless the move names others.
        The old time is released only if the new one is taken; a taken new time raises
        SlotUnavailable and leaves the old appointment booked (the old appointment never
        counts against its own move). Moving an appointment to the start and person it
        already has is a no-op that returns it unchanged.
        """
        ...


class AppointmentAdmin(Protocol):
    """The business's view of every caller's appointments: listing them, closing past ones."""

    def appointment(self, appointment_id: str) -> Appointment | None:
        """Return any caller's appointment by id, whatever its status, or None.

        For the notice worker, which words a notice from the appointment as it is now.
        """
        ...

    def appointments_between(
        self, start: datetime, end: datetime, *, status: AppointmentStatus | None = None
    ) -> list[Appointment]:
        """Return every caller's appointments starting in [start, end), by start."""
        ...

    def close_appointment(
        self, appointment_id: str, status: Literal["completed", "no_show"], *, now: datetime
    ) -> Appointment:
        """Mark a booked appointment that has started as completed or no-show.

        An unknown id raises AppointmentNotFound; one not booked (cancelled, moved, closed
        already), or one not started by `now`, AppointmentNotActive.
        """
        ...

    def complete_past(self, *, before: datetime) -> int:
        """Mark booked appointments that ended before `before` completed; return how many."""
        ...


class Outbox(Protocol):
    """Messages owed to callers about their appointments, and to staff about callbacks,
    delivered exactly once per channel.

    Confirmations (booked, moved, cancelled) are written by the database in the transaction
    of the write they confirm, whatever wrote it, and a `callback` notice in that of a
    callback's first request (not its updates); reminders are added by
    `schedule_reminders` as they fall due. Several workers may deliver at once: a claimed
    notice is leased to one of them until `lease_until`, and only that worker may end it or
    give it back. `worker` names one worker process uniquely (host, pid and a random part):
    two processes under one name would be one worker to the store.
    """

    def schedule_reminders(self, *, now: datetime, minutes_before: Sequence[int]) -> int:
        """Add the reminder notices due by `now`, each offset once per appointment; return
        how many were added.

        A booked appointment gets the reminder of offset `m` (due `m` minutes before its
        start) once it starts within `m` minutes of `now`, unless it has started, starts
        within the next shorter offset too (that reminder is the one to send: a scheduler
        that was down, or a booking made late, sends only the nearest), or was made after
        the reminder fell due (its confirmation said it all). One already reminded at that
        offset gets no second one. A reminder still pending when its appointment stops
        being booked (cancelled, moved, closed) is marked skipped by the database. An
        offset that is not a positive number of minutes raises ValueError.
        """
        ...

    def claim_notices(
        self, *, now: datetime, limit: int, lease_until: datetime, worker: str
    ) -> list[Notice]:
        """Lease up to `limit` pending notices due by `now` to `worker`, oldest first.

        A notice leased to a worker whose lease has not run out by `now` is skipped
        (Postgres: FOR UPDATE SKIP LOCKED), so two workers never hold the same one; once it
        has run out, the notice is claimed again, by any worker.
        """
        ...

    def record_delivery(self, delivery: Delivery) -> None:
        """Record one attempt on one channel (kept for the business and the analysts).

        An unknown notice raises ValueError.
        """
        ...

    def deliveries(self, notice_id: str) -> list[Delivery]:
        """Return a notice's attempts in order (by `at`, then as recorded)."""
        ...

    def finish_notice(self, notice_id: str, *, worker: str, outcome: NoticeOutcome) -> bool:
        """End a notice leased to `worker`: sent, failed for good, or skipped (nothing to
        send: no channel reaches the caller, or the appointment changed since).

        Sent and failed count the attempt they end. Return False, changing nothing, when
        the notice is not `worker`'s to end: its lease ran out and another worker claimed
        it, it was ended already, or the database skipped it (an unknown id too). An
        outcome other than those three raises ValueError.
        """
        ...

    def retry_notice(self, notice_id: str, *, worker: str, at: datetime) -> bool:
        """Give a notice leased to `worker` back, due again at `at`, one attempt more.

        Return False, changing nothing, when it is not `worker`'s (see `finish_notice`).
        """
        ...

    def reminded_appointment(self, user_id: str, *, channel: str) -> str | None:
        """Return the appointment of the latest reminder delivered on `channel` to this
        caller (a successful delivery, the latest by `at`), or None.

        What a reply of "C" to a reminder SMS cancels; the appointment may have changed
        since (the cancel says so).
        """
        ...


class Callbacks(Protocol):
    """Callbacks the business owes callers: requested in calls, listed and closed by staff."""

    def request_callback(
        self,
        *,
        conversation_id: str | None,
        user_id: str | None,
        phone: str | None,
        name: str | None,
        need: str,
        reason: CallbackReason,
        at: datetime,
    ) -> Callback:
        """Record a callback; one per call.

        A second request of the same call updates that callback's need and reason, and
        its user, phone and name where the new request gives them (None keeps the first);
        it keeps its `created_at` and, if staff closed it meanwhile, stays done. Requests
        without a call each make their own. A phone that is not E.164 raises ValueError,
        as does an unknown user.
        """
        ...

    def list_callbacks(self, *, open_only: bool = True, limit: int | None = None) -> list[Callback]:
        """Return callbacks, the oldest open first (then the latest done first)."""
        ...

    def callback_of(self, conversation_id: str) -> Callback | None:
        """Return the callback a call requested, if any."""
        ...

    def callback(self, callback_id: str) -> Callback | None:
        """Return a callback by id, or None (the notice worker tells staff of it)."""
        ...

    def close_callback(self, callback_id: str, *, at: datetime, by: str | None = None) -> Callback:
        """Mark a callback done; an unknown id raises ValueError, one done already is
        returned unchanged."""
        ...


class CallLog(Protocol):
    """Each call's record: who called, its transcript line by line, and its summary."""

    def start_conversation(
        self, *, conversation_id: str, started_at: datetime, user_id: str | None = None
    ) -> None:
        """Create the conversation row if it does not exist yet."""
        ...

    def attach_user(self, *, conversation_id: str, user_id: str) -> None:
        """Record who the caller turned out to be; an unknown call raises ValueError."""
        ...

    def append_turn(self, *, conversation_id: str, lines: Sequence[TranscriptLine]) -> None:
        """Store a turn's transcript lines in one write; an index written again is replaced."""
        ...

    def finish_conversation(self, **summary: Unpack[CallSummary]) -> None:
        """Store the summary; the transcript column is filled from the stored lines.

        Each line is stored as a JSON object of the `TranscriptLine` fields, `at` as UTC
        ISO text. An unknown call raises ValueError.
        """
        ...

    def get_conversation(self, conversation_id: str) -> CallRecord | None:
        """Return a call's record, or None."""
        ...


class CallQueries(Protocol):
    """Questions across many calls: the analysts' list, and what retention may prune."""

    def ended_before(self, cutoff: datetime) -> list[str]:
        """Return the ids of conversations that ended before `cutoff`, oldest first."""
        ...

    def list_conversations(self, **where: Unpack[CallFilter]) -> list[CallOverview]:
        """Return the calls that pass every filter given, the latest started first.

        The analysts' list: one query, however many calls there are.
        """
        ...


class Store(
    Callers,
    AppointmentBook,
    AppointmentAdmin,
    CallLog,
    CallQueries,
    Outbox,
    Callbacks,
    Protocol,
):
    """Users, appointments, calls, and what is owed to callers (notices, callbacks), with
    integrity enforced by the database."""
