"""Domain errors raised by every store backend.

    StoreError
    ├── SlotUnavailable        the person's time is already booked (the database refused it)
    ├── AppointmentNotFound    no such appointment for this caller (also: someone else's)
    ├── AppointmentNotActive   the appointment is cancelled or already moved
    ├── IdempotencyConflict    an idempotency key was reused for a different request
    └── StoreUnavailable       the backend cannot be reached or failed: nothing was written
        └── WriteUnknown       the connection died after a request was sent: it may have
                               committed, so a write is retried with its key, not denied

Inside the graph each one becomes a state update the conversation recovers from.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error a store raises on purpose."""


class SlotUnavailable(StoreError):
    """The requested slot is already booked by someone."""


class AppointmentNotFound(StoreError):
    """The appointment does not exist or does not belong to this caller."""


class AppointmentNotActive(StoreError):
    """The appointment is no longer booked (cancelled or moved)."""


class IdempotencyConflict(StoreError):
    """The idempotency key was already used for a different request."""


class StoreUnavailable(StoreError):
    """The backend failed; nothing was written by the failing call."""


class WriteUnknown(StoreUnavailable):
    """The backend went away after the request was sent: whether it committed is unknown.

    Callers must neither confirm nor deny the write; retrying it with the same
    idempotency key returns the first result if it did commit.
    """


SQLSTATE_ERRORS: dict[str, type[StoreError]] = {
    "23505": SlotUnavailable,
    "23P01": SlotUnavailable,
    "BK404": AppointmentNotFound,
    "BK409": IdempotencyConflict,
    "BK410": AppointmentNotActive,
}
"""The SQLSTATEs the write functions (`migrations/0006_services_and_staff.sql`, which
replaced 0002's) raise on purpose, as the Postgres store (from psycopg) and the Supabase
store (from PostgREST's error body) both translate them. 23P01 (exclusion_violation) is a
person's time taken; 23505 (a unique index) was a slot taken before 0006."""
