"""The notice worker: reminders scheduled, notices claimed, each sent once per channel.

One round (`Worker.round`): add the reminders now due, lease a batch of notices, and for
each one load its appointment and caller. A notice about an appointment no longer in the
state it is about is skipped (a reminder for one cancelled, moved or started); a `booked`
confirmation for one moved since still goes, the `moved` one follows it. A `callback`
notice goes to staff (`staff.py`) unless the callback was marked done meanwhile. Each
configured channel that reaches its recipient and has no successful delivery recorded
for the notice yet is tried, and every attempt recorded, so a retry never sends a
channel twice. A notice then is sent, retried later with exponential backoff, or, after
NOTIFY_MAX_ATTEMPTS, given up with one ERROR line (the number masked, no secret).

Exactly once per channel holds but for one window: a worker that dies after a channel
accepted a message and before its delivery was recorded leaves the notice leased; when
the lease runs out another worker sends that channel again. At most one duplicate per
channel, and only for a worker killed in that instant.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Literal, Protocol

from booking.notify.channels import Channel, Contact, DeliveryFailed, Outgoing
from booking.notify.staff import StaffChannel, staff_note
from business.calendar import BusinessCalendar
from business.ical import CalendarEvent, event_ics, uid_for
from business.notices import DEFAULT_TEMPLATES, NoticeKind, Template, compose
from store.models import Appointment, Delivery, Notice
from store.port import AppointmentAdmin, Callbacks, Callers, Outbox
from store.privacy import mask_phones

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
MAX_CHAIN = 1000
"""Moves followed back to the first row at most (a loop in the data stops here)."""


class NoticeStore(Outbox, Callers, AppointmentAdmin, Callbacks, Protocol):
    """What the worker reads and writes: the outbox, callers, appointments and callbacks
    by id (every `store.port.Store` is one)."""


@dataclass(frozen=True)
class Wording:
    """How notices are worded and signed, and whose calendar files they carry."""

    calendar: BusinessCalendar
    business: str
    templates: dict[NoticeKind, Template] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))
    uid_domain: str = "booking-agent"
    """The right-hand side of every event UID (the sender's domain)."""
    organizer: str | None = None
    """The sender's address, the calendar files' ORGANIZER."""


@dataclass(frozen=True)
class Round:
    """What one round did: notices claimed, and how each ended."""

    scheduled: int = 0
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0


Outcome = Literal["sent", "skipped", "retried", "failed"]


@dataclass
class Worker:
    """Delivers the outbox's notices on the configured channels."""

    store: NoticeStore
    channels: Sequence[Channel]
    wording: Wording
    clock: Clock
    name: str
    """This worker's id in the leases it takes."""
    reminders: Sequence[int] = (1440, 120)
    batch: int = 20
    lease: timedelta = timedelta(minutes=2)
    max_attempts: int = 5
    backoff: timedelta = timedelta(minutes=1)
    backoff_max: timedelta = timedelta(hours=1)
    staff: Sequence[StaffChannel] = ()
    """Where callbacks owed are told (none: `callback` notices are skipped)."""

    def round(self, stop: threading.Event | None = None) -> Round:
        """Schedule due reminders, claim one batch, deliver each notice; return the tally.

        Once `stop` is set, the notice in hand is finished and the rest of the batch left
        leased: another worker (or this one, restarted) claims them when the lease runs out.
        """
        now = self.clock()
        scheduled = self.store.schedule_reminders(now=now, minutes_before=self.reminders)
        claimed = self.store.claim_notices(
            now=now, limit=self.batch, lease_until=now + self.lease, worker=self.name
        )
        ends: dict[Outcome, int] = {"sent": 0, "skipped": 0, "retried": 0, "failed": 0}
        for notice in claimed:
            if stop is not None and stop.is_set():
                break
            ends[self.deliver(notice)] += 1
        return Round(scheduled=scheduled, claimed=len(claimed), **ends)

    def drain(self, stop: threading.Event | None = None) -> list[Round]:
        """Run rounds until one claims less than a full batch (everything due is done), or
        `stop` is set."""
        rounds = [self.round(stop)]
        while rounds[-1].claimed >= self.batch and not (stop is not None and stop.is_set()):
            rounds.append(self.round(stop))
        return rounds

    def run(self, stop: threading.Event, *, every: float) -> None:
        """Drain, then wait `every` seconds, until `stop` is set."""
        while not stop.is_set():
            try:
                self.drain(stop)
            except Exception:  # a database outage: the next round tries again
                log.exception("notice round failed; trying again in %s s", every)
            stop.wait(every)

    def deliver(self, notice: Notice) -> Outcome:
        """Send one leased notice on every channel still owed it; end or retry it."""
        if notice.kind == "callback":
            return self._tell_staff(notice)
        appointment = None
        if notice.appointment_id is not None:
            appointment = self.store.appointment(notice.appointment_id)
        if appointment is None or not self._still_true(notice, appointment):
            return self._skip(notice)
        user = self.store.users_by_id([appointment.user_id]).get(appointment.user_id)
        if user is None:
            return self._skip(notice)
        contact = Contact(phone=user.phone, name=user.name, email=user.email)
        reaching = [c for c in self.channels if c.reaches(contact)]
        if not reaching:
            return self._skip(notice)
        done = self._delivered(notice)
        sends: list[tuple[str, Callable[[], str]]] = []
        if owed := [c for c in reaching if c.name not in done]:
            outgoing = self.outgoing(notice, appointment, contact)
            sends = [(c.name, partial(c.send, contact, outgoing)) for c in owed]
        return self._send(notice, sends, to=mask_phones(contact.phone))

    def _tell_staff(self, notice: Notice) -> Outcome:
        """Tell staff of a callback on each staff channel still owed it."""
        callback = None if notice.callback_id is None else self.store.callback(notice.callback_id)
        if callback is None or callback.done_at is not None or not self.staff:
            return self._skip(notice)
        done = self._delivered(notice)
        owed = [s for s in self.staff if s.name not in done]
        note = staff_note(callback, calendar=self.wording.calendar, business=self.wording.business)
        return self._send(notice, [(s.name, partial(s.tell, note)) for s in owed], to="staff")

    def _delivered(self, notice: Notice) -> set[str]:
        """Return the channels a notice has been delivered on already (by any worker)."""
        return {d.channel for d in self.store.deliveries(notice.id) if d.ok}

    def _skip(self, notice: Notice) -> Outcome:
        """End a notice there is nothing to send for."""
        self._end(notice, "skipped")
        return "skipped"

    def _send(
        self, notice: Notice, sends: Sequence[tuple[str, Callable[[], str]]], *, to: str
    ) -> Outcome:
        """Try each channel once, record each attempt, then end or retry the notice.

        `to` names the recipient in the log line of a notice given up (masked: no number).
        """
        errors = []
        for name, send in sends:
            try:
                detail, ok = send(), True
            except DeliveryFailed as failure:
                detail, ok = str(failure), False
                errors.append(f"{name}: {failure}")
            self.store.record_delivery(
                Delivery(notice.id, name, at=self.clock(), ok=ok, detail=detail)
            )
        if not errors:
            self._end(notice, "sent")
            return "sent"
        attempts = notice.attempts + 1
        if attempts >= self.max_attempts:
            self._end(notice, "failed")
            log.error(
                "notice %s (%s, about %s) to %s given up after %d attempts: %s",
                notice.id,
                notice.kind,
                notice.appointment_id or notice.callback_id,
                to,
                attempts,
                "; ".join(errors),
            )
            return "failed"
        wait = min(self.backoff * 2 ** (attempts - 1), self.backoff_max)
        if self.store.retry_notice(notice.id, worker=self.name, at=self.clock() + wait) is False:
            log.warning("notice %s was taken over by another worker (its lease ran out)", notice.id)
        return "retried"

    def _end(self, notice: Notice, outcome: Literal["sent", "failed", "skipped"]) -> None:
        """End a notice; say so when its lease had run out and another worker took it."""
        if self.store.finish_notice(notice.id, worker=self.name, outcome=outcome) is False:
            log.warning("notice %s was taken over by another worker (its lease ran out)", notice.id)

    def _still_true(self, notice: Notice, appointment: Appointment) -> bool:
        """Return True while the appointment is in the state the notice is about."""
        if notice.kind == "reminder":
            return appointment.status == "booked" and appointment.start > self.clock()
        if notice.kind == "cancelled":
            return appointment.status == "cancelled"
        return True  # booked, moved: it happened; a later notice tells what came after

    def outgoing(self, notice: Notice, appointment: Appointment, contact: Contact) -> Outgoing:
        """Word the notice, with the calendar file an e-mail about a write carries."""
        wording, kind = self.wording, notice.kind
        if kind == "callback":  # told to staff (`_tell_staff`), never to a caller
            raise ValueError(f"notice {notice.id} is a callback's, not an appointment's")
        message = compose(
            kind,
            calendar=wording.calendar,
            business=wording.business,
            start=appointment.start,
            service=appointment.service,
            staff=appointment.staff,
            name=contact.name,
            today=self.clock().astimezone(wording.calendar.tz).date(),
            templates=wording.templates,
        )
        if kind == "reminder":
            return Outgoing(kind, message)
        first, moves = self._first_of(appointment)
        cancel = notice.kind == "cancelled"
        event = CalendarEvent(
            uid=uid_for(first, domain=wording.uid_domain),
            sequence=moves + (1 if cancel else 0),
            method="CANCEL" if cancel else "REQUEST",
            start=appointment.start,
            duration_min=appointment.duration_min,
            summary=message.subject,
            description=message.body,
            organizer=wording.organizer,
            attendee=contact.email,
        )
        ics = event_ics(event, zone=wording.calendar.tz, stamp=self.clock())
        return Outgoing(notice.kind, message, ics=ics, ics_method=event.method)

    def _first_of(self, appointment: Appointment) -> tuple[str, int]:
        """Return the id of the first row of the appointment's moves, and how many moves."""
        current, moves = appointment, 0
        while current.rescheduled_from is not None and moves < MAX_CHAIN:
            earlier = self.store.appointment(current.rescheduled_from)
            if earlier is None:
                return current.rescheduled_from, moves + 1
            current, moves = earlier, moves + 1
        return current.id, moves
