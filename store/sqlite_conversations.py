"""Conversation SQL for the SQLite store: call records and their transcript lines.

Each function runs on a connection the caller (`SqliteStore`) has already locked and, for
writes, opened a BEGIN IMMEDIATE transaction on; none of them commits or locks by itself,
so they compose into the store's one-transaction-per-write rule.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import datetime
from typing import Any

from store import sqlite_rows as rows
from store.models import CallOverview, Conversation, TranscriptLine

_LISTS = ("appointments_discussed", "preferences_mentioned", "transcript", "cost_breakdown")


def insert(
    c: sqlite3.Connection, *, conversation_id: str, started_at: datetime, user_id: str | None
) -> None:
    """Create the conversation row if it does not exist yet."""
    c.execute(
        "INSERT INTO conversations (id, user_id, started_at) VALUES (?, ?, ?)"
        " ON CONFLICT (id) DO NOTHING",
        (conversation_id, user_id, rows.utc(started_at)),
    )


def attach_user(c: sqlite3.Connection, *, conversation_id: str, user_id: str) -> None:
    """Record who the caller turned out to be."""
    cur = c.execute("UPDATE conversations SET user_id = ? WHERE id = ?", (user_id, conversation_id))
    if cur.rowcount == 0:
        raise ValueError(f"unknown conversation {conversation_id!r}")


def upsert_turn(c: sqlite3.Connection, *, conversation_id: str, line: TranscriptLine) -> None:
    """Store one transcript line; writing the same index again replaces it."""
    c.execute(
        "INSERT INTO conversation_turns (conversation_id, idx, role, text, at, interrupted)"
        " VALUES (:cid, :index, :role, :text, :at, :interrupted)"
        " ON CONFLICT (conversation_id, idx) DO UPDATE SET role = excluded.role,"
        " text = excluded.text, at = excluded.at, interrupted = excluded.interrupted",
        asdict(line) | {"cid": conversation_id, "at": rows.utc(line.at)},
    )


def transcript(c: sqlite3.Connection, conversation_id: str) -> list[TranscriptLine]:
    """Return the conversation's transcript in order."""
    return [rows.line(r) for r in c.execute(rows.TURNS, (conversation_id,)).fetchall()]


def finish(
    c: sqlite3.Connection,
    *,
    conversation_id: str,
    ended_at: datetime,
    outcome: str,
    summary: str,
    appointments_discussed: list[str],
    preferences_mentioned: list[str],
    cost_breakdown: dict[str, Any],
) -> None:
    """Store the summary; the transcript column is filled from the stored lines."""
    # json cannot encode the datetime asdict gives, so the stored UTC text goes in instead.
    turns = [
        asdict(rows.line(r)) | {"at": r["at"]} for r in c.execute(rows.TURNS, (conversation_id,))
    ]
    as_json = (appointments_discussed, preferences_mentioned, turns, cost_breakdown)
    cur = c.execute(
        "UPDATE conversations SET ended_at = ?, outcome = ?, summary = ?,"
        " appointments_discussed = ?, preferences_mentioned = ?, transcript = ?,"
        " cost_breakdown = ? WHERE id = ?",
        (rows.utc(ended_at), outcome, summary, *map(json.dumps, as_json), conversation_id),
    )
    if cur.rowcount == 0:
        raise ValueError(f"unknown conversation {conversation_id!r}")


def get(c: sqlite3.Connection, conversation_id: str) -> Conversation | None:
    """Return a conversation, or None."""
    row = c.execute("SELECT * FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    return None if row is None else _conversation(row)


def ended_before(c: sqlite3.Connection, cutoff: datetime) -> list[str]:
    """Return ids of conversations that ended before `cutoff`, oldest first."""
    found = c.execute(
        "SELECT id FROM conversations WHERE ended_at IS NOT NULL AND ended_at < ?"
        " ORDER BY ended_at",
        (rows.utc(cutoff),),
    ).fetchall()
    return [r["id"] for r in found]


def _conversation(row: sqlite3.Row) -> Conversation:
    """Build a Conversation from a conversations row, decoding its JSON columns."""
    ended = None if row["ended_at"] is None else rows.dt(row["ended_at"])
    return Conversation(
        row["id"],
        row["user_id"],
        rows.dt(row["started_at"]),
        ended,
        row["outcome"],
        row["summary"],
        **{k: json.loads(row[k]) for k in _LISTS},
    )


def overview(
    c: sqlite3.Connection,
    *,
    since: datetime | None,
    before: datetime | None,
    outcome: str | None,
    open_only: bool,
    phone: str | None,
    limit: int | None,
) -> list[CallOverview]:
    """Return the analysts' call list, the latest started first (see Store.list_conversations)."""
    where, params = ["1 = 1"], []
    if since is not None:
        where.append("started_at >= ?")
        params.append(rows.utc(since))
    if before is not None:
        where.append("started_at < ?")
        params.append(rows.utc(before))
    if outcome is not None:
        where.append("outcome = ?")
        params.append(outcome)
    if open_only:
        where.append("ended_at IS NULL")
    if phone is not None:
        where.append("phone = ?")
        params.append(phone)
    found = c.execute(
        f"SELECT * FROM conversation_overview WHERE {' AND '.join(where)}"  # fixed fragments
        " ORDER BY started_at DESC, id LIMIT ?",
        (*params, -1 if limit is None else limit),
    )
    return [
        CallOverview(
            id=r["id"],
            started_at=rows.dt(r["started_at"]),
            ended_at=None if r["ended_at"] is None else rows.dt(r["ended_at"]),
            last_at=None if r["last_at"] is None else rows.dt(r["last_at"]),
            outcome=r["outcome"],
            phone=r["phone"],
            caller_turns=int(r["caller_turns"]),
        )
        for r in found
    ]
