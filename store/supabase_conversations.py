"""Conversation requests of the Supabase store: call records and their transcript lines.

Conversations are keyed by `thread_id` (the graph's thread id; the row's own uuid stays
internal). Starting one is an insert-or-ignore, a line is an upsert on (thread_id, idx),
so every request here is safe to repeat.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from postgrest import SyncSelectRequestBuilder
from postgrest.types import ReturnMethod

from store import supabase_rows as rows
from store.models import CallOverview, Conversation, TranscriptLine
from store.supabase_api import SupabaseApi


class SupabaseConversations(SupabaseApi):
    """The conversation half of `SupabaseStore`."""

    def start_conversation(
        self, *, conversation_id: str, started_at: datetime, user_id: str | None = None
    ) -> None:
        """Create the conversation row if it does not exist yet."""
        row = {"thread_id": conversation_id, "started_at": rows.utc(started_at)}
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

    def attach_user(self, *, conversation_id: str, user_id: str) -> None:
        """Record who the caller turned out to be."""
        if rows.as_uuid(user_id) is None:
            raise ValueError(f"unknown user {user_id!r}")
        update = self._db.table("conversations").update({"user_id": user_id})
        if not self._rows(update.eq("thread_id", conversation_id).select("thread_id")):
            raise ValueError(f"unknown conversation {conversation_id!r}")

    def append_turn(self, *, conversation_id: str, line: TranscriptLine) -> None:
        """Store one transcript line; writing the same index again replaces it."""
        turn = rows.line_json(line)
        row = {"thread_id": conversation_id, "idx": turn.pop("index"), **turn}
        turns = self._db.table("conversation_turns")
        self._rows(turns.upsert(row, on_conflict="thread_id,idx", returning=ReturnMethod.minimal))

    def transcript(self, conversation_id: str) -> list[TranscriptLine]:
        """Return the conversation's transcript in order."""
        found = self._all(
            lambda: (
                self._db.table("conversation_turns")
                .select(rows.TURN_COLS)
                .eq("thread_id", conversation_id)
                .order("idx")
            )
        )
        return [rows.line(r) for r in found]

    def finish_conversation(
        self,
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

        Two requests, not one transaction: a line appended between them is in the turns
        table but not in this copy. The graph appends nothing after it finishes a call.
        """
        summary_row = {
            "ended_at": rows.utc(ended_at),
            "outcome": outcome,
            "summary": summary,
            "appointments_discussed": appointments_discussed,
            "preferences_mentioned": preferences_mentioned,
            "transcript": [rows.line_json(t) for t in self.transcript(conversation_id)],
            "cost_breakdown": cost_breakdown,
        }
        update = self._db.table("conversations").update(summary_row)
        if not self._rows(update.eq("thread_id", conversation_id).select("thread_id")):
            raise ValueError(f"unknown conversation {conversation_id!r}")

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        """Return a conversation, or None."""
        convs = self._db.table("conversations").select(rows.CONV_COLS)
        found = self._rows(convs.eq("thread_id", conversation_id))
        return rows.conversation(found[0]) if found else None

    def ended_before(self, cutoff: datetime) -> list[str]:
        """Return the ids of conversations that ended before `cutoff` (for retention)."""
        before = rows.utc(cutoff)
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

    def list_conversations(
        self,
        *,
        since: datetime | None = None,
        before: datetime | None = None,
        outcome: str | None = None,
        open_only: bool = False,
        phone: str | None = None,
        limit: int | None = None,
    ) -> list[CallOverview]:
        """Return conversations, the latest started first, for the analysts' list."""

        def query() -> SyncSelectRequestBuilder:
            found = self._db.table("conversation_overview").select(rows.OVERVIEW_COLS)
            if since is not None:
                found = found.gte("started_at", rows.utc(since))
            if before is not None:
                found = found.lt("started_at", rows.utc(before))
            if outcome is not None:
                found = found.eq("outcome", outcome)
            if open_only:
                found = found.is_("ended_at", "null")
            if phone is not None:
                found = found.eq("phone_number", phone)
            return found.order("started_at", desc=True).order("thread_id")

        if limit is None:
            return [rows.overview(r) for r in self._all(query)]
        return [rows.overview(r) for r in self._rows(query().limit(limit))]
