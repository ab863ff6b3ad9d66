"""Row mapping for the Postgres store: columns ↔ domain values, and driver-error translation.

The SQL functions of `migrations/0006_services_and_staff.sql` signal domain errors with
their own SQLSTATEs; `translated` is the one place those (and driver failures) become
`store.errors`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import errors as pgerr
from psycopg.conninfo import conninfo_to_dict

from store.errors import (
    SQLSTATE_ERRORS,
    StoreUnavailable,
    WriteUnknown,
)
from store.models import Appointment, Busy, TranscriptLine, User

Row = dict[str, Any]

APPT = (
    "SELECT id, user_id, start_at, duration_min, status, notes, rescheduled_from, service,"
    " staff, buffer_min FROM appointments"
)
NO_ROW = "00000000-0000-0000-0000-000000000000"
"""Stands in for an id that is not a uuid: gen_random_uuid() never makes it, so such an id
behaves exactly like an unknown one (the SQLite store, with text ids, just finds nothing)."""

_NO_SCHEMA = {"42P01", "42883"}  # undefined_table, undefined_function
MIGRATE_HINT = "the Postgres schema is missing or out of date: run `booking db migrate`"


def dt(value: datetime) -> datetime:
    """Return a timestamptz value as an aware UTC datetime."""
    return value.astimezone(UTC)


def key(value: str) -> str:
    """Return `value` if it spells a uuid, else an id no row has."""
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return NO_ROW
    return value


def user(row: Row) -> User:
    """Build a User from a users row."""
    return User(
        str(row["id"]), row["contact_number"], row["name"], dt(row["created_at"]), row["email"]
    )


def appointment(row: Row) -> Appointment:
    """Build an Appointment from an appointments row (or a write function's result)."""
    moved = row["rescheduled_from"]
    return Appointment(
        id=str(row["id"]),
        user_id=str(row["user_id"]),
        start=dt(row["start_at"]),
        duration_min=row["duration_min"],
        status=row["status"],
        notes=row["notes"],
        rescheduled_from=None if moved is None else str(moved),
        service=row["service"],
        staff=row["staff"],
        buffer_min=row["buffer_min"],
    )


def busy(row: Row) -> Busy:
    """Build a Busy from a booked row's staff, start_at and blocked_until."""
    return Busy(row["staff"], dt(row["start_at"]), dt(row["blocked_until"]))


def line(row: Row) -> TranscriptLine:
    """Build a TranscriptLine from a conversation_turns row."""
    return TranscriptLine(row["idx"], row["role"], row["text"], dt(row["at"]), row["interrupted"])


def redacted(exc: BaseException, conninfo: str) -> str:
    """Describe a driver error without the password (or the rest of the connection string)."""
    text = f"{type(exc).__name__}: {exc}".strip()
    secrets = {conninfo}
    try:
        password = conninfo_to_dict(conninfo).get("password")
    except psycopg.Error:
        password = None
    if password:
        secrets.add(str(password))
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    # Belt and braces: a URL with credentials quoted back by some layer.
    return re.sub(r"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


@contextmanager
def translated(conninfo: str) -> Iterator[None]:
    """Turn driver errors into domain errors so callers never see psycopg."""
    try:
        yield
    except psycopg.Error as exc:
        state = exc.sqlstate or ""
        if state in SQLSTATE_ERRORS:
            raise SQLSTATE_ERRORS[state](exc.diag.message_primary or str(exc)) from None
        if state in _NO_SCHEMA:
            raise StoreUnavailable(f"{MIGRATE_HINT} ({exc.diag.message_primary})") from None
        if isinstance(exc, pgerr.IntegrityError | pgerr.DataError):
            # Constraints the functions do not map themselves mean the caller passed a bad
            # value or reference (unknown user or conversation): a programming error.
            raise ValueError(f"rejected by the database: {exc.diag.message_primary}") from exc
        said = f"postgres store unavailable ({redacted(exc, conninfo)})"
        if isinstance(exc, pgerr.OperationalError) and not state and not _never_sent(exc):
            # the connection died under a request: the server may have committed it
            raise WriteUnknown(said) from exc
        raise StoreUnavailable(said) from exc


def _never_sent(exc: BaseException) -> bool:
    """Return True for a failure to connect: no request reached the server."""
    return getattr(exc, "never_sent", False) is True
