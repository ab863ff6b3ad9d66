"""The SQLite store's calls: each call's record and lines, and the questions across calls.

A call is keyed by the graph's thread id (`conversations.id`); its lines live in
`conversation_turns`, one row each, so appending a line costs the same however long the
call. JSON columns hold text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Unpack

from typing_extensions import override

from store.instants import parse, utc
from store.models import CallOverview, CallRecord, TranscriptLine
from store.port import CallFilter, CallLog, CallQueries, CallSummary
from store.sqlite import rows
from store.sqlite.connection import SqliteConnection

TURNS = "SELECT * FROM conversation_turns WHERE conversation_id = ? ORDER BY idx"
_JSON = ("appointments_discussed", "preferences_mentioned", "transcript", "cost_breakdown")


class SqliteCallLog(SqliteConnection, CallLog):
    """`CallLog` on the SQLite file."""

    @override
    def start_conversation(
        self, *, conversation_id: str, started_at: datetime, user_id: str | None = None
    ) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO conversations (id, user_id, started_at) VALUES (?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                (conversation_id, user_id, utc(started_at)),
            )

    @override
    def attach_user(self, *, conversation_id: str, user_id: str) -> None:
        with self._write() as c:
            cur = c.execute(
                "UPDATE conversations SET user_id = ? WHERE id = ?", (user_id, conversation_id)
            )
            if cur.rowcount == 0:
                raise ValueError(f"unknown conversation {conversation_id!r}")

    @override
    def append_turn(self, *, conversation_id: str, lines: Sequence[TranscriptLine]) -> None:
        if not lines:
            return
        values = [
            (conversation_id, line.index, line.role, line.text, utc(line.at), line.interrupted)
            for line in lines
        ]
        with self._write() as c:
            c.execute(
                "INSERT INTO conversation_turns (conversation_id, idx, role, text, at, interrupted)"
                f" VALUES {', '.join(['(?, ?, ?, ?, ?, ?)'] * len(values))}"  # placeholders only
                " ON CONFLICT (conversation_id, idx) DO UPDATE SET role = excluded.role,"
                " text = excluded.text, at = excluded.at, interrupted = excluded.interrupted",
                [value for row in values for value in row],
            )

    @override
    def finish_conversation(self, **summary: Unpack[CallSummary]) -> None:
        call = summary["conversation_id"]
        with self._write() as c:
            # json cannot encode the datetime asdict gives, so the stored UTC text goes in.
            turns = [asdict(rows.line(r)) | {"at": r["at"]} for r in c.execute(TURNS, (call,))]
            cur = c.execute(
                "UPDATE conversations SET ended_at = ?, outcome = ?, summary = ?,"
                " appointments_discussed = ?, preferences_mentioned = ?, transcript = ?,"
                " cost_breakdown = ? WHERE id = ?",
                (
                    utc(summary["ended_at"]),
                    summary["outcome"],
                    summary["summary"],
                    json.dumps(summary["appointments_discussed"]),
                    json.dumps(summary["preferences_mentioned"]),
                    json.dumps(turns),
                    json.dumps(summary["cost_breakdown"]),
                    call,
                ),
            )
            if cur.rowcount == 0:
                raise ValueError(f"unknown conversation {call!r}")

    @override
    def get_conversation(self, conversation_id: str) -> CallRecord | None:
        with self._read() as c:
            row = c.execute(
                "SELECT * FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        return None if row is None else _record(row)


class SqliteCallQueries(SqliteConnection, CallQueries):
    """`CallQueries` on the SQLite file."""

    @override
    def ended_before(self, cutoff: datetime) -> list[str]:
        with self._read() as c:
            found = c.execute(
                "SELECT id FROM conversations WHERE ended_at IS NOT NULL AND ended_at < ?"
                " ORDER BY ended_at",
                (utc(cutoff),),
            ).fetchall()
        return [r["id"] for r in found]

    @override
    def list_conversations(self, **where: Unpack[CallFilter]) -> list[CallOverview]:
        # Only the filters given become clauses (fixed fragments; values are parameters), so
        # the index on started_at serves the window.
        clauses, params = ["1 = 1"], list[object]()
        for value, clause in (
            (where.get("since"), "started_at >= ?"),
            (where.get("before"), "started_at < ?"),
            (where.get("outcome"), "outcome = ?"),
            (where.get("phone"), "phone = ?"),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(utc(value) if isinstance(value, datetime) else value)
        if where.get("open_only"):
            clauses.append("ended_at IS NULL")
        limit = where.get("limit")
        with self._read() as c:
            found = c.execute(
                f"SELECT * FROM conversation_overview WHERE {' AND '.join(clauses)}"
                " ORDER BY started_at DESC, id LIMIT ?",
                (*params, -1 if limit is None else limit),
            ).fetchall()
        return [
            CallOverview(
                id=r["id"],
                started_at=parse(r["started_at"]),
                ended_at=_maybe_dt(r["ended_at"]),
                last_at=_maybe_dt(r["last_at"]),
                outcome=r["outcome"],
                phone=r["phone"],
                caller_turns=int(r["caller_turns"]),
            )
            for r in found
        ]


def _maybe_dt(text: str | None) -> datetime | None:
    """Parse stored UTC ISO text, keeping NULL as None."""
    return None if text is None else parse(text)


def _record(row: sqlite3.Row) -> CallRecord:
    """Build a CallRecord from a conversations row, decoding its JSON columns."""
    return CallRecord(
        row["id"],
        row["user_id"],
        parse(row["started_at"]),
        _maybe_dt(row["ended_at"]),
        row["outcome"],
        row["summary"],
        **{k: json.loads(row[k]) for k in _JSON},
    )
