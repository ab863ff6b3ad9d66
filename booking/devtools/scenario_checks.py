"""Expectations of a scenario: on each reply, the final database, the conversation, the state."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from business.calendar import BusinessCalendar
from graph.conversation import Conversation
from store.port import Store


class ScenarioFailed(AssertionError):
    """An expectation of a scenario did not hold."""


def local_instant(value: Any, cal: BusinessCalendar) -> datetime:
    """Read a date-time; without an offset it is business-local time."""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return instant if instant.tzinfo else instant.replace(tzinfo=cal.tz)


def check_reply(reply: str, turn: dict[str, Any], where: str) -> None:
    """Check the reply against `agent` (must match) and `not` (must not match) patterns."""
    for pattern in listed(turn.get("agent")):
        if not matches(pattern, reply):
            raise ScenarioFailed(f"{where}: reply {reply!r} does not contain {pattern!r}")
    for pattern in listed(turn.get("not")):
        if matches(pattern, reply):
            raise ScenarioFailed(f"{where}: reply {reply!r} should not contain {pattern!r}")


def matches(pattern: Any, text: str) -> bool:
    """A /regex/ searches; any other string is a case-insensitive substring."""
    pattern = str(pattern)
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        return re.search(pattern[1:-1], text, re.IGNORECASE) is not None
    return pattern.lower() in text.lower()


def check_fields(actual: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    """Compare selected fields; strings may be /regex/, `null` means absent or None."""
    for key, want in expected.items():
        got = actual.get(key)
        if isinstance(want, str) and isinstance(got, str):
            ok = matches(want, got) if want.startswith("/") else got == want
        elif isinstance(want, dict) and isinstance(got, dict):
            check_fields(got, want, f"{where}.{key}")
            ok = True
        else:
            ok = got == want
        if not ok:
            raise ScenarioFailed(f"{where}: {key} is {got!r}, expected {want!r}")


def check_final(
    call: Conversation, store: Store, spec: dict[str, Any], cal: BusinessCalendar, *, db: Path
) -> None:
    """Check the database, the stored conversation and the final checkpointed state."""
    expect = spec.get("expect", {})
    rows = all_appointments(db, cal)
    if "appointments" in expect:
        wanted = [
            {**want, "phone": str(want["phone"]), "status": want.get("status", "booked")}
            for want in expect["appointments"]
        ]
        _check_rows(rows, wanted, cal, "appointment")
    if "notices" in expect:
        _check_rows(all_notices(db, cal), expect["notices"], cal, "notice")
    if "callbacks" in expect:
        _check_rows(all_callbacks(db), expect["callbacks"], cal, "callback")
    if "booked" in expect:
        booked = [r for r in rows if r["status"] == "booked"]
        if len(booked) != expect["booked"]:
            raise ScenarioFailed(
                f"database: {len(booked)} booked, expected {expect['booked']}: {booked}"
            )
    if "conversation" in expect:
        conversation = store.get_conversation(call.thread_id)
        if conversation is None:
            raise ScenarioFailed("database: the conversation was not stored")
        check_fields(vars(conversation), expect["conversation"], "conversation")
    if "users" in expect:
        for want in expect["users"]:
            user = store.find_user_by_phone(str(want["phone"]))
            if user is None:
                raise ScenarioFailed(f"database: no user {want['phone']}")
            check_fields(vars(user), want, "user")
    if "state" in expect:
        check_fields(vars(call.state()), expect["state"], "final state")


def all_appointments(db: Path, cal: BusinessCalendar) -> list[dict[str, Any]]:
    """Every appointment in the file, read as an analyst would, start in business time.

    Besides phone, start and status: the original schema's date, time and slot columns,
    and service, staff, duration (minutes) and notes.
    """
    return _rows(
        db,
        "SELECT u.contact_number AS phone, a.start_at, a.status, a.date, a.time, a.slot,"
        " a.service, a.staff, a.duration_min AS duration, a.notes"
        " FROM appointments a JOIN users u ON u.id = a.user_id",
        cal,
    )


def _rows(db: Path, sql: str, cal: BusinessCalendar | None = None) -> list[dict[str, Any]]:
    """Read rows of the scenario's file as dicts; a `start_at` also as `start`, local."""
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        found = [dict(row) for row in conn.execute(sql).fetchall()]
    if cal is not None:
        for row in found:
            row["start"] = datetime.fromisoformat(row["start_at"]).astimezone(cal.tz).isoformat()
    return found


def _check_rows(
    rows: list[dict[str, Any]], wanted: list[dict[str, Any]], cal: BusinessCalendar, what: str
) -> None:
    """Each wanted row is matched by one stored row: every field given, strings as patterns;
    `count` (on its own line) checks how many rows there are."""
    for given in wanted:
        if "count" in given:
            if len(rows) != given["count"]:
                raise ScenarioFailed(f"database: {len(rows)} {what}s, expected {given['count']}")
            continue
        want = dict(given)
        if "start" in want:
            want["start"] = local_instant(want["start"], cal).isoformat()
        for row in rows:
            try:
                check_fields(row, want, what)
            except ScenarioFailed:
                continue
            break
        else:
            raise ScenarioFailed(f"database: no {what} like {want}; have {rows}")


def all_notices(db: Path, cal: BusinessCalendar) -> list[dict[str, Any]]:
    """Every notice owed to callers (the outbox), with its appointment's start and phone."""
    return _rows(
        db,
        "SELECT n.kind, n.status, n.reminder_minutes, a.start_at, u.contact_number AS phone"
        " FROM notices n JOIN appointments a ON a.id = n.appointment_id"
        " JOIN users u ON u.id = a.user_id ORDER BY n.created_at",
        cal,
    )


def all_callbacks(db: Path) -> list[dict[str, Any]]:
    """Every callback the business owes (or owed), as staff would list them."""
    return _rows(db, "SELECT phone, name, need, reason, done_at FROM callbacks ORDER BY created_at")


def listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
