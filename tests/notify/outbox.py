"""The outbox the stores are getting, in memory, over a real SQLite store's rows.

Until `SqliteStore` implements `store.port.Outbox`, the worker's tests run on this: the
appointments and callers are a real store's (booked, moved and cancelled through its own
methods, so `rescheduled_from` chains are the real ones), and `owe()` adds the notice a
database trigger would write with the write.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from store.models import Appointment, Delivery, Notice, NoticeKind, User
from store.port import Store

EVER = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))


@dataclass
class _Row:
    notice: Notice
    state: Literal["pending", "sent", "failed", "skipped"] = "pending"
    worker: str | None = None
    lease_until: datetime | None = None


class StandInOutbox:
    """`Outbox` plus the worker's reads, kept in memory over `store`'s appointments."""

    def __init__(self, store: Store) -> None:
        """Keep notices for the appointments of `store`."""
        self.store = store
        self.rows: dict[str, _Row] = {}
        self.attempts: list[Delivery] = []

    def owe(
        self,
        kind: NoticeKind,
        appointment: Appointment,
        *,
        at: datetime,
        minutes: int | None = None,
    ) -> Notice:
        """Add the notice a write's trigger (or the reminder schedule) adds."""
        notice = Notice(
            id=f"n{len(self.rows) + 1}",
            appointment_id=appointment.id,
            kind=kind,
            due_at=at,
            reminder_minutes=minutes,
        )
        self.rows[notice.id] = _Row(notice)
        return notice

    def state(self, notice_id: str) -> str:
        """Return how a notice ended (or "pending")."""
        return self.rows[notice_id].state

    def schedule_reminders(self, *, now: datetime, minutes_before: Sequence[int]) -> int:
        """Add each reminder due by now of a booked appointment not started, once."""
        added = 0
        ahead = now + timedelta(minutes=max(minutes_before, default=0))
        for appointment in self.store.appointments_between(now, ahead, status="booked"):
            for minutes in minutes_before:
                due = appointment.start - timedelta(minutes=minutes)
                known = any(
                    r.notice.appointment_id == appointment.id
                    and r.notice.reminder_minutes == minutes
                    for r in self.rows.values()
                )
                if due <= now < appointment.start and not known:
                    self.owe("reminder", appointment, at=due, minutes=minutes)
                    added += 1
        return added

    def claim_notices(
        self, *, now: datetime, limit: int, lease_until: datetime, worker: str
    ) -> list[Notice]:
        """Lease pending notices due by now, oldest first, skipping live leases."""
        free = [
            r
            for r in self.rows.values()
            if r.state == "pending"
            and r.notice.due_at <= now
            and (r.lease_until is None or r.lease_until <= now or r.worker == worker)
        ]
        free.sort(key=lambda r: r.notice.due_at)
        for row in free[:limit]:
            row.worker, row.lease_until = worker, lease_until
        return [r.notice for r in free[:limit]]

    def record_delivery(self, delivery: Delivery) -> None:
        """Keep one attempt."""
        self.attempts.append(delivery)

    def deliveries(self, notice_id: str) -> list[Delivery]:
        """Return a notice's attempts in order."""
        return [d for d in self.attempts if d.notice_id == notice_id]

    def finish_notice(
        self, notice_id: str, *, worker: str, outcome: Literal["sent", "failed", "skipped"]
    ) -> bool:
        """End a notice this worker holds; False when it does not hold it."""
        row = self.rows.get(notice_id)
        if row is None or row.state != "pending" or row.worker != worker:
            return False
        row.state, row.worker, row.lease_until = outcome, None, None
        return True

    def retry_notice(self, notice_id: str, *, worker: str, at: datetime) -> bool:
        """Give a held notice back, due at `at`, with one attempt more; False if not held."""
        row = self.rows.get(notice_id)
        if row is None or row.state != "pending" or row.worker != worker:
            return False
        row.notice = replace(row.notice, due_at=at, attempts=row.notice.attempts + 1)
        row.worker, row.lease_until = None, None
        return True

    def users_by_id(self, user_ids: Collection[str]) -> dict[str, User]:
        """The store's callers."""
        return self.store.users_by_id(user_ids)

    def appointment(self, appointment_id: str) -> Appointment | None:
        """Find one of the store's appointments by id, whatever its status (slowly)."""
        every = self.store.appointments_between(*EVER)
        return next((a for a in every if a.id == appointment_id), None)
