"""Row mapping and error translation for the Supabase store.

Everything that crosses the HTTP seam goes through here: datetimes out as UTC ISO text
(naive ones refused before any request), JSON rows back into domain values, and PostgREST /
httpx failures into the errors of `store.errors`, with the API key scrubbed from every
message.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx
from postgrest import APIError

from store.errors import (
    SQLSTATE_ERRORS,
    StoreUnavailable,
    WriteUnknown,
)
from store.instants import parse, utc
from store.models import Appointment, Busy, CallOverview, CallRecord, TranscriptLine, User

USER_COLS = "id,contact_number,name,created_at,email"
APPT_COLS = (
    "id,user_id,start_at,duration_min,status,notes,rescheduled_from,service,staff,buffer_min"
)
BUSY_COLS = "staff,start_at,blocked_until"
TURN_COLS = "idx,role,text,at,interrupted"
OVERVIEW_COLS = "thread_id,started_at,ended_at,outcome,contact_number,caller_turns,last_at"
CONV_COLS = (
    "thread_id,user_id,started_at,ended_at,outcome,summary,appointments_discussed,"
    "preferences_mentioned,transcript,cost_breakdown"
)


def dt(value: object) -> datetime:
    """Parse a timestamptz as PostgREST renders it into an aware UTC datetime."""
    if not isinstance(value, str):
        raise StoreUnavailable(f"expected a timestamp from the API, got {value!r}")
    return parse(value)


def as_uuid(text: str) -> str | None:
    """Return `text` if it spells a uuid (the id columns' type), else None."""
    try:
        uuid.UUID(text)
    except ValueError:
        return None
    return text


def rows(data: object) -> list[dict[str, Any]]:
    """Check that a table response is a JSON array of objects and return it."""
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise StoreUnavailable("unexpected response from the API: not a list of rows")
    return data


def record(data: object) -> dict[str, Any]:
    """Return the one row an rpc() of a function returning `appointments` answers with."""
    # PostgREST answers a function returning one composite with a bare object.
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict):
        raise StoreUnavailable("unexpected response from the API: not one row")
    return data


def user(row: dict[str, Any]) -> User:
    """Build a User from a users row."""
    return User(
        str(row["id"]), row["contact_number"], row["name"], dt(row["created_at"]), row.get("email")
    )


def appointment(row: dict[str, Any]) -> Appointment:
    """Build an Appointment from an appointments row."""
    moved = row["rescheduled_from"]
    return Appointment(
        id=str(row["id"]),
        user_id=str(row["user_id"]),
        start=dt(row["start_at"]),
        duration_min=int(row["duration_min"]),
        status=row["status"],
        notes=row["notes"],
        rescheduled_from=None if moved is None else str(moved),
        service=row["service"],
        staff=row["staff"],
        buffer_min=int(row["buffer_min"]),
    )


def busy(row: dict[str, Any]) -> Busy:
    """Build a Busy from a booked row's staff, start_at and blocked_until."""
    return Busy(row["staff"], dt(row["start_at"]), dt(row["blocked_until"]))


def line(row: dict[str, Any]) -> TranscriptLine:
    """Build a TranscriptLine from a conversation_turns row."""
    return TranscriptLine(
        int(row["idx"]), row["role"], row["text"], dt(row["at"]), bool(row["interrupted"])
    )


def line_json(turn: TranscriptLine) -> dict[str, Any]:
    """Return a line as stored in conversations.transcript (the SQLite store's shape)."""
    return {
        "index": turn.index,
        "role": turn.role,
        "text": turn.text,
        "at": utc(turn.at),
        "interrupted": turn.interrupted,
    }


def call_record(row: dict[str, Any]) -> CallRecord:
    """Build a CallRecord from a conversations row (jsonb columns arrive decoded)."""
    ended = row["ended_at"]
    user_id = row["user_id"]
    return CallRecord(
        id=row["thread_id"],
        user_id=None if user_id is None else str(user_id),
        started_at=dt(row["started_at"]),
        ended_at=None if ended is None else dt(ended),
        outcome=row["outcome"],
        summary=row["summary"],
        appointments_discussed=list(row["appointments_discussed"]),
        preferences_mentioned=list(row["preferences_mentioned"]),
        transcript=list(row["transcript"]),
        cost_breakdown=dict(row["cost_breakdown"]),
    )


def overview(row: dict[str, Any]) -> CallOverview:
    """Build a CallOverview from a conversation_overview row."""
    ended, last = row["ended_at"], row["last_at"]
    return CallOverview(
        id=row["thread_id"],
        started_at=dt(row["started_at"]),
        ended_at=None if ended is None else dt(ended),
        last_at=None if last is None else dt(last),
        outcome=row["outcome"],
        phone=row["contact_number"],
        caller_turns=int(row["caller_turns"]),
    )


def _scrub(text: str, key: str) -> str:
    """Remove the API key from a message, whatever echoed it."""
    return text.replace(key, "***") if key else text


def from_api_error(exc: APIError, key: str) -> Exception:
    """Translate a PostgREST error payload into a domain error (or ValueError)."""
    code = exc.code or ""
    said = _scrub(f"{code or 'no code'}: {exc.message or 'no message'}", key)
    if code in SQLSTATE_ERRORS:
        return SQLSTATE_ERRORS[code](f"refused by the database ({said})")
    if code[:2] in ("22", "23"):
        # Bad data or a constraint the store does not map itself (an unknown user or
        # conversation, a failed CHECK): the caller's mistake, not an outage.
        return ValueError(f"rejected by the database ({said})")
    # Everything else (5xx without a JSON body arrives with the status as its code,
    # PGRST* gateway errors, connection and permission errors) means the API failed.
    return StoreUnavailable(f"supabase request failed ({said})")


@contextmanager
def translated(key: str) -> Iterator[None]:
    """Turn PostgREST and httpx failures into domain errors so callers never see them."""
    try:
        yield
    except APIError as exc:
        raise from_api_error(exc, key) from exc
    except httpx.HTTPError as exc:
        # Transport errors and timeouts. A timed-out write may still have committed; the
        # idempotency key of book/cancel/reschedule makes retrying it harmless.
        said = _scrub(f"{type(exc).__name__}: {exc}", key)
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            raise StoreUnavailable(f"supabase unreachable ({said})") from exc
        raise WriteUnknown(f"supabase unreachable ({said})") from exc
