"""The SQLite store's outbox: reminders added as they fall due, notices leased to workers.

Confirmations are written by triggers on appointments (schema.sql, version 5), in the
transaction of the write. Every write here is one `_write` transaction, BEGIN IMMEDIATE:
a claim's read of the due notices and its lease of them hold the file's write lock
together, so two workers (threads or processes) never lease one notice. Every instant of
a notice is stored in one fixed-width spelling (`stamp`), so text order is time order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from typing_extensions import override

from store.instants import aware, parse, slot
from store.models import (
    Delivery,
    Notice,
    NoticeOutcome,
    delivery_from,
    notice_from,
    notice_outcome,
    reminder_offsets,
)
from store.port import Outbox
from store.sqlite.connection import SqliteConnection

NOW = "strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')"
"""The database's clock in `stamp`'s spelling (%f is seconds with milliseconds)."""

_REMIND = (
    "INSERT INTO notices (appointment_id, kind, reminder_minutes, due_at)"
    " SELECT id, 'reminder', :minutes, strftime('%Y-%m-%dT%H:%M:%f000+00:00', start_at, :shift)"
    " FROM appointments WHERE status = 'booked' AND start_at > :after AND start_at <= :until"
    " AND julianday(created_at) <= julianday(start_at, :shift)"
    " ON CONFLICT (appointment_id, kind, reminder_minutes) DO NOTHING"
)
_CLAIM = (
    "UPDATE notices SET leased_by = :worker, lease_until = :until"
    " WHERE id IN (SELECT id FROM notices WHERE status = 'pending' AND due_at <= :now"
    " AND (lease_until IS NULL OR lease_until < :now) ORDER BY due_at, rowid LIMIT :limit)"
    " RETURNING *, rowid AS made"
)
"""Oldest due first; of notices due at once (the clock has milliseconds), the first made."""
_REMINDED = (
    "SELECT n.appointment_id FROM deliveries d JOIN notices n ON n.id = d.notice_id"
    " JOIN appointments a ON a.id = n.appointment_id"
    " WHERE a.user_id = ? AND n.kind = 'reminder' AND d.channel = ? AND d.ok = 1"
    " ORDER BY d.at DESC, d.id DESC LIMIT 1"
)
"""The appointment of a caller's latest reminder delivered on a channel (0008's function)."""
_MINE = "id = ? AND status = 'pending' AND leased_by = ?"
"""A notice `worker` may end or give back: still pending, and leased to it last."""


def stamp(moment: datetime) -> str:
    """Return an aware datetime as fixed-width UTC text (microseconds always written)."""
    return f"{aware(moment).astimezone(UTC):%Y-%m-%dT%H:%M:%S.%f}+00:00"


class SqliteOutbox(SqliteConnection, Outbox):
    """`Outbox` on the SQLite file."""

    @override
    def schedule_reminders(self, *, now: datetime, minutes_before: Sequence[int]) -> int:
        added, shorter = 0, 0
        with self._write() as c:
            for minutes in reminder_offsets(minutes_before):
                # Starts are whole seconds (`slot`), so comparing them to `now` cut to the
                # second keeps "started" and "within m minutes" exact.
                window = {
                    "minutes": minutes,
                    "shift": f"-{minutes} minutes",
                    "after": slot(now + timedelta(minutes=shorter)),
                    "until": slot(now + timedelta(minutes=minutes)),
                }
                added += c.execute(_REMIND, window).rowcount
                shorter = minutes
        return added

    @override
    def claim_notices(
        self, *, now: datetime, limit: int, lease_until: datetime, worker: str
    ) -> list[Notice]:
        if limit <= 0:
            return []
        lease = {"worker": worker, "until": stamp(lease_until), "now": stamp(now), "limit": limit}
        with self._write() as c:
            found = c.execute(_CLAIM, lease).fetchall()
        found.sort(key=lambda r: (r["due_at"], r["made"]))
        return [notice_from(r, parse) for r in found]

    @override
    def record_delivery(self, delivery: Delivery) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO deliveries (notice_id, channel, at, ok, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    delivery.notice_id,
                    delivery.channel,
                    stamp(delivery.at),
                    int(delivery.ok),
                    delivery.detail,
                ),
            )

    @override
    def deliveries(self, notice_id: str) -> list[Delivery]:
        with self._read() as c:
            found = c.execute(
                "SELECT * FROM deliveries WHERE notice_id = ? ORDER BY at, id", (notice_id,)
            ).fetchall()
        return [delivery_from(r, parse) for r in found]

    @override
    def finish_notice(self, notice_id: str, *, worker: str, outcome: NoticeOutcome) -> bool:
        tried = int(notice_outcome(outcome) != "skipped")
        with self._write() as c:
            done = c.execute(
                f"UPDATE notices SET status = ?, finished_at = {NOW}, lease_until = NULL,"
                f" attempts = attempts + ? WHERE {_MINE}",
                (outcome, tried, notice_id, worker),
            )
            return done.rowcount == 1

    @override
    def reminded_appointment(self, user_id: str, *, channel: str) -> str | None:
        with self._read() as c:
            row = c.execute(_REMINDED, (user_id, channel)).fetchone()
        return None if row is None else str(row[0])

    @override
    def retry_notice(self, notice_id: str, *, worker: str, at: datetime) -> bool:
        with self._write() as c:
            done = c.execute(
                "UPDATE notices SET due_at = ?, attempts = attempts + 1, leased_by = NULL,"
                f" lease_until = NULL WHERE {_MINE}",
                (stamp(at), notice_id, worker),
            )
            return done.rowcount == 1
