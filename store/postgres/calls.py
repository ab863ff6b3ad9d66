"""The Postgres store's calls: each call's record and lines, and the questions across calls.

A call is keyed by the graph's thread id (`conversations.thread_id`, which is what the port
calls `conversation_id` and `CallRecord.id` holds, as in SQLite); the table's own uuid
stays internal. Lines live in `conversation_turns`, one row each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Unpack

from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb
from typing_extensions import override

from store.instants import aware
from store.models import CallOverview, CallRecord, TranscriptLine
from store.port import CallFilter, CallLog, CallQueries, CallSummary
from store.postgres import rows
from store.postgres.connection import PostgresConnection

TURNS = "SELECT * FROM conversation_turns WHERE thread_id = %s ORDER BY idx"


class PostgresCallLog(PostgresConnection, CallLog):
    """`CallLog` on the Postgres database."""

    @override
    def start_conversation(
        self, *, conversation_id: str, started_at: datetime, user_id: str | None = None
    ) -> None:
        user = None if user_id is None else rows.key(user_id)
        with self._conn() as c:
            c.execute(
                "INSERT INTO conversations (thread_id, user_id, started_at) VALUES (%s, %s, %s)"
                " ON CONFLICT (thread_id) DO NOTHING",
                (conversation_id, user, aware(started_at)),
            )

    @override
    def attach_user(self, *, conversation_id: str, user_id: str) -> None:
        with self._conn() as c:
            cur = c.execute(
                "UPDATE conversations SET user_id = %s WHERE thread_id = %s",
                (rows.key(user_id), conversation_id),
            )
            if cur.rowcount == 0:
                raise ValueError(f"unknown conversation {conversation_id!r}")

    @override
    def append_turn(self, *, conversation_id: str, lines: Sequence[TranscriptLine]) -> None:
        if not lines:
            return
        values = [
            (conversation_id, line.index, line.role, line.text, aware(line.at), line.interrupted)
            for line in lines
        ]
        with self._conn() as c:  # one statement: one round trip, all lines or none
            c.execute(
                "INSERT INTO conversation_turns (thread_id, idx, role, text, at, interrupted)"
                f" VALUES {', '.join(['(%s, %s, %s, %s, %s, %s)'] * len(values))}"
                " ON CONFLICT (thread_id, idx) DO UPDATE SET role = excluded.role,"
                " text = excluded.text, at = excluded.at, interrupted = excluded.interrupted",
                [value for row in values for value in row],
            )

    @override
    def finish_conversation(self, **summary: Unpack[CallSummary]) -> None:
        call = summary["conversation_id"]
        with self._tx() as c:
            turns = [asdict(line) | {"at": line.at.isoformat()} for line in _lines(c, call)]
            cur = c.execute(
                "UPDATE conversations SET ended_at = %s, outcome = %s, summary = %s,"
                " appointments_discussed = %s, preferences_mentioned = %s, transcript = %s,"
                " cost_breakdown = %s WHERE thread_id = %s",
                (
                    aware(summary["ended_at"]),
                    summary["outcome"],
                    summary["summary"],
                    Jsonb(summary["appointments_discussed"]),
                    Jsonb(summary["preferences_mentioned"]),
                    Jsonb(turns),
                    Jsonb(summary["cost_breakdown"]),
                    call,
                ),
            )
            if cur.rowcount == 0:
                raise ValueError(f"unknown conversation {call!r}")

    @override
    def get_conversation(self, conversation_id: str) -> CallRecord | None:
        with self._conn() as c:
            row = c.execute(
                "SELECT * FROM conversations WHERE thread_id = %s", (conversation_id,)
            ).fetchone()
        if row is None:
            return None
        return CallRecord(
            id=row["thread_id"],
            user_id=None if row["user_id"] is None else str(row["user_id"]),
            started_at=rows.dt(row["started_at"]),
            ended_at=_maybe_dt(row["ended_at"]),
            outcome=row["outcome"],
            summary=row["summary"],
            appointments_discussed=row["appointments_discussed"],
            preferences_mentioned=row["preferences_mentioned"],
            transcript=row["transcript"],
            cost_breakdown=row["cost_breakdown"],
        )


class PostgresCallQueries(PostgresConnection, CallQueries):
    """`CallQueries` on the Postgres database."""

    @override
    def ended_before(self, cutoff: datetime) -> list[str]:
        with self._conn() as c:
            found = c.execute(
                "SELECT thread_id FROM conversations WHERE ended_at < %s"
                " ORDER BY ended_at, thread_id",
                (aware(cutoff),),
            ).fetchall()
        return [r["thread_id"] for r in found]

    @override
    def list_conversations(self, **where: Unpack[CallFilter]) -> list[CallOverview]:
        since, before = where.get("since"), where.get("before")
        with self._conn() as c:
            found = c.execute(
                "SELECT * FROM conversation_overview"
                " WHERE (%(since)s::timestamptz IS NULL OR started_at >= %(since)s)"
                " AND (%(before)s::timestamptz IS NULL OR started_at < %(before)s)"
                " AND (%(outcome)s::text IS NULL OR outcome = %(outcome)s)"
                " AND (NOT %(open_only)s OR ended_at IS NULL)"
                " AND (%(phone)s::text IS NULL OR contact_number = %(phone)s)"
                " ORDER BY started_at DESC, thread_id LIMIT %(limit)s",
                {
                    "since": None if since is None else aware(since),
                    "before": None if before is None else aware(before),
                    "outcome": where.get("outcome"),
                    "open_only": bool(where.get("open_only")),
                    "phone": where.get("phone"),
                    "limit": where.get("limit"),
                },
            ).fetchall()
        return [
            CallOverview(
                id=r["thread_id"],
                started_at=rows.dt(r["started_at"]),
                ended_at=_maybe_dt(r["ended_at"]),
                last_at=_maybe_dt(r["last_at"]),
                outcome=r["outcome"],
                phone=r["contact_number"],
                caller_turns=r["caller_turns"],
            )
            for r in found
        ]


def _lines(c: Connection[DictRow], conversation_id: str) -> list[TranscriptLine]:
    """Return a call's stored lines in order."""
    return [rows.line(r) for r in c.execute(TURNS, (conversation_id,)).fetchall()]


def _maybe_dt(value: datetime | None) -> datetime | None:
    """Return a timestamptz as aware UTC, keeping NULL as None."""
    return None if value is None else rows.dt(value)
