"""Conversation SQL for the Postgres store: call records and their transcript lines.

A conversation is keyed by the graph's thread_id (`conversations.thread_id`, which is
what the port calls `conversation_id` and what `Conversation.id` holds, as in SQLite);
the table's own uuid stays internal. Lines live in `conversation_turns`, one row each.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from store import postgres_rows as rows
from store.models import CallOverview, Conversation, TranscriptLine


def insert(
    c: Connection[DictRow], *, conversation_id: str, started_at: datetime, user_id: str | None
) -> None:
    """Create the conversation row if it does not exist yet."""
    c.execute(
        "INSERT INTO conversations (thread_id, user_id, started_at) VALUES (%s, %s, %s)"
        " ON CONFLICT (thread_id) DO NOTHING",
        (conversation_id, None if user_id is None else rows.key(user_id), rows.aware(started_at)),
    )


def attach_user(c: Connection[DictRow], *, conversation_id: str, user_id: str) -> None:
    """Record who the caller turned out to be."""
    cur = c.execute(
        "UPDATE conversations SET user_id = %s WHERE thread_id = %s",
        (rows.key(user_id), conversation_id),
    )
    if cur.rowcount == 0:
        raise ValueError(f"unknown conversation {conversation_id!r}")


def upsert_turn(c: Connection[DictRow], *, conversation_id: str, line: TranscriptLine) -> None:
    """Store one transcript line; writing the same index again replaces it."""
    c.execute(
        "INSERT INTO conversation_turns (thread_id, idx, role, text, at, interrupted)"
        " VALUES (%s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (thread_id, idx) DO UPDATE SET role = excluded.role,"
        " text = excluded.text, at = excluded.at, interrupted = excluded.interrupted",
        (conversation_id, line.index, line.role, line.text, rows.aware(line.at), line.interrupted),
    )


def transcript(c: Connection[DictRow], conversation_id: str) -> list[TranscriptLine]:
    """Return the conversation's transcript in order."""
    return [rows.line(r) for r in c.execute(rows.TURNS, (conversation_id,)).fetchall()]


def finish(
    c: Connection[DictRow],
    *,
    conversation_id: str,
    ended_at: datetime,
    outcome: str,
    summary: str,
    appointments_discussed: list[str],
    preferences_mentioned: list[str],
    cost_breakdown: dict[str, Any],
) -> None:
    """Store the summary; the transcript column is filled from the stored lines.

    Runs inside the caller's transaction. Each line is stored as the SQLite store stores
    it: the TranscriptLine's fields, with `at` as UTC ISO text.
    """
    turns = [asdict(line) | {"at": line.at.isoformat()} for line in transcript(c, conversation_id)]
    cur = c.execute(
        "UPDATE conversations SET ended_at = %s, outcome = %s, summary = %s,"
        " appointments_discussed = %s, preferences_mentioned = %s, transcript = %s,"
        " cost_breakdown = %s WHERE thread_id = %s",
        (
            rows.aware(ended_at),
            outcome,
            summary,
            Jsonb(appointments_discussed),
            Jsonb(preferences_mentioned),
            Jsonb(turns),
            Jsonb(cost_breakdown),
            conversation_id,
        ),
    )
    if cur.rowcount == 0:
        raise ValueError(f"unknown conversation {conversation_id!r}")


def get(c: Connection[DictRow], conversation_id: str) -> Conversation | None:
    """Return a conversation, or None."""
    row = c.execute(
        "SELECT * FROM conversations WHERE thread_id = %s", (conversation_id,)
    ).fetchone()
    if row is None:
        return None
    return Conversation(
        id=row["thread_id"],
        user_id=None if row["user_id"] is None else str(row["user_id"]),
        started_at=rows.dt(row["started_at"]),
        ended_at=None if row["ended_at"] is None else rows.dt(row["ended_at"]),
        outcome=row["outcome"],
        summary=row["summary"],
        appointments_discussed=row["appointments_discussed"],
        preferences_mentioned=row["preferences_mentioned"],
        transcript=row["transcript"],
        cost_breakdown=row["cost_breakdown"],
    )


def ended_before(c: Connection[DictRow], cutoff: datetime) -> list[str]:
    """Return ids of conversations that ended before `cutoff`, oldest first."""
    found = c.execute(
        "SELECT thread_id FROM conversations WHERE ended_at < %s ORDER BY ended_at, thread_id",
        (rows.aware(cutoff),),
    ).fetchall()
    return [r["thread_id"] for r in found]


def overview(
    c: Connection[DictRow],
    *,
    since: datetime | None,
    before: datetime | None,
    outcome: str | None,
    open_only: bool,
    phone: str | None,
    limit: int | None,
) -> list[CallOverview]:
    """Return the analysts' call list, the latest started first (see Store.list_conversations)."""
    found = c.execute(
        "SELECT * FROM conversation_overview"
        " WHERE (%(since)s::timestamptz IS NULL OR started_at >= %(since)s)"
        " AND (%(before)s::timestamptz IS NULL OR started_at < %(before)s)"
        " AND (%(outcome)s::text IS NULL OR outcome = %(outcome)s)"
        " AND (NOT %(open_only)s OR ended_at IS NULL)"
        " AND (%(phone)s::text IS NULL OR phone_number = %(phone)s)"
        " ORDER BY started_at DESC, thread_id LIMIT %(limit)s",
        {
            "since": None if since is None else rows.aware(since),
            "before": None if before is None else rows.aware(before),
            "outcome": outcome,
            "open_only": open_only,
            "phone": phone,
            "limit": limit,
        },
    ).fetchall()
    return [
        CallOverview(
            id=r["thread_id"],
            started_at=rows.dt(r["started_at"]),
            ended_at=None if r["ended_at"] is None else rows.dt(r["ended_at"]),
            last_at=None if r["last_at"] is None else rows.dt(r["last_at"]),
            outcome=r["outcome"],
            phone=r["phone_number"],
            caller_turns=r["caller_turns"],
        )
        for r in found
    ]
