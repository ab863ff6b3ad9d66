"""The Supabase store's calls: each call's record and lines, and the questions across calls.

Conversations are keyed by `thread_id` (the graph's thread id; the row's own uuid stays
internal). Starting one is an insert-or-ignore, a line is an upsert on (thread_id, idx),
so every write here is safe to repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Unpack

from postgrest import SyncSelectRequestBuilder
from postgrest.types import ReturnMethod
from typing_extensions import override

from store.instants import utc
from store.models import CallOverview, CallRecord, TranscriptLine
from store.port import CallFilter, CallLog, CallQueries, CallSummary
from store.supabase import rows
from store.supabase.api import SupabaseApi


class SupabaseCallLog(SupabaseApi, CallLog):
    """`CallLog` through the Supabase API."""

    @override
    def start_conversation(
        self, *, conversation_id: str, started_at: datetime, user_id: str | None = None
    ) -> None:
        row = {"thread_id": conversation_id, "started_at": utc(started_at)}
        if user_id is not None:
            if rows.as_uuid(user_id) is None:
                raise ValueError(f"unknown user {user_id!r}")
            row["user_id"] = user_id
        convs = self._db.table("conversations")
        self._rows(
            convs.upsert(
                row, on_conflict="thread_id", ignore_duplicates=True, returning=ReturnMethod.minimal
            )
        )

    @override
    def attach_user(self, *, conversation_id: str, user_id: str) -> None:
        if rows.as_uuid(user_id) is None:
            raise ValueError(f"unknown user {user_id!r}")
        update = self._db.table("conversations").update({"user_id": user_id})
        if not self._rows(update.eq("thread_id", conversation_id).select("thread_id")):
            raise ValueError(f"unknown conversation {conversation_id!r}")

    @override
    def append_turn(self, *, conversation_id: str, lines: Sequence[TranscriptLine]) -> None:
        if not lines:
            return
        found = []
        for line in lines:
            turn = rows.line_json(line)
            found.append({"thread_id": conversation_id, "idx": turn.pop("index"), **turn})
        turns = self._db.table("conversation_turns")  # one request: all lines or none
        self._rows(turns.upsert(found, on_conflict="thread_id,idx", returning=ReturnMethod.minimal))

    def _lines(self, conversation_id: str) -> list[TranscriptLine]:
        """Return a call's stored lines in order."""
        found = self._all(
            lambda: (
                self._db.table("conversation_turns")
                .select(rows.TURN_COLS)
                .eq("thread_id", conversation_id)
                .order("idx")
            )
        )
        return [rows.line(r) for r in found]

    @override
    def finish_conversation(self, **summary: Unpack[CallSummary]) -> None:
        """Store the summary in two requests, not one transaction.

        A line appended between them is in the turns table but not in this copy. The graph
        appends nothing after it finishes a call.
        """
        call = summary["conversation_id"]
        row = {
            "ended_at": utc(summary["ended_at"]),
            "outcome": summary["outcome"],
            "summary": summary["summary"],
            "appointments_discussed": summary["appointments_discussed"],
            "preferences_mentioned": summary["preferences_mentioned"],
            "transcript": [rows.line_json(t) for t in self._lines(call)],
            "cost_breakdown": summary["cost_breakdown"],
        }
        update = self._db.table("conversations").update(row)
        if not self._rows(update.eq("thread_id", call).select("thread_id")):
            raise ValueError(f"unknown conversation {call!r}")

    @override
    def get_conversation(self, conversation_id: str) -> CallRecord | None:
        convs = self._db.table("conversations").select(rows.CONV_COLS)
        found = self._rows(convs.eq("thread_id", conversation_id))
        return rows.call_record(found[0]) if found else None


class SupabaseCallQueries(SupabaseApi, CallQueries):
    """`CallQueries` through the Supabase API."""

    @override
    def ended_before(self, cutoff: datetime) -> list[str]:
        before = utc(cutoff)
        found = self._all(
            lambda: (
                self._db.table("conversations")
                .select("thread_id")
                .lt("ended_at", before)
                .order("ended_at")
                .order("thread_id")
            )
        )
        return [r["thread_id"] for r in found]

    @override
    def list_conversations(self, **where: Unpack[CallFilter]) -> list[CallOverview]:
        since, before, limit = where.get("since"), where.get("before"), where.get("limit")
        outcome, phone = where.get("outcome"), where.get("phone")

        def query() -> SyncSelectRequestBuilder:
            found = self._db.table("conversation_overview").select(rows.OVERVIEW_COLS)
            if since is not None:
                found = found.gte("started_at", utc(since))
            if before is not None:
                found = found.lt("started_at", utc(before))
            if outcome is not None:
                found = found.eq("outcome", outcome)
            if where.get("open_only"):
                found = found.is_("ended_at", "null")
            if phone is not None:
                found = found.eq("contact_number", phone)
            return found.order("started_at", desc=True).order("thread_id")

        if limit is None:
            return [rows.overview(r) for r in self._all(query)]
        return [rows.overview(r) for r in self._rows(query().limit(limit))]
