"""Replay: a call forked at a checkpoint answers a different caller line, in a sandbox."""

from __future__ import annotations

import copy
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from langgraph.checkpoint.serde.types import INTERRUPT

from analysts.data import config_of, steps
from analysts.forks import ForkOrigin, fork_of, forks
from analysts.replay import ReplayError, replay, waiting_checkpoint
from analysts.sandbox import SandboxUnavailable
from booking.compose import composer, open_receptionist
from booking.databases import Database
from business.calendar import BusinessCalendar
from graph.builder import build_graph
from graph.understanding import Expecting, Understanding
from nodes.understanding.rules import RuleUnderstander
from store.instants import utc
from store.sqlite import SqliteStore
from tests.conftest import BOOKING_CALL, NOW, SAM
from tests.pg import throwaway_database
from tests.store.stored import transcript

LA = ZoneInfo("America/Los_Angeles")
MOVE_THEN_CANCEL = ["move my appointment to Tuesday at 10am", "yes", "cancel my appointment"]
MOVE_THEN_CANCEL += ["yes", "bye"]
RULES = composer(calendar=BusinessCalendar())
"""The rule engine on the default calendar, whatever this machine's .env or environment says."""


def record_call(
    backend: Database, lines: list[str], *, thread: str = "call", now: datetime = NOW
) -> None:
    """Have Sam Lee (who has Monday 10 AM booked) make a call with these lines."""
    with open_receptionist(backend, calendar=BusinessCalendar(), clock=lambda: now) as agent:
        sam = agent.store.create_user(phone=SAM, name="Sam Lee")
        agent.store.book(
            user_id=sam.id,
            start=datetime(2026, 11, 30, 10, tzinfo=LA),
            duration_min=30,
            idempotency_key="earlier-call:1:book",
        )
        call = agent.conversation(thread)
        call.start(caller_id=SAM)
        for line in lines:
            call.say(line)


def waiting(backend: Database, thread: str = "call") -> list[str]:
    """Return the checkpoints where the call waits for the caller, one per turn."""
    with backend.open_checkpointer() as saver:
        history = steps(build_graph().compile(checkpointer=saver), thread)
    return [step.checkpoint_id for step in history if step.next == ["listen"]]


def threads(backend: Database) -> set[str]:
    """Return every thread the checkpointer holds."""
    with backend.open_checkpointer() as saver:
        return {str(s.config["configurable"]["thread_id"]) for s in saver.list(None)}


def appointment_rows(store: Database | Path | str) -> list[tuple[Any, ...]]:
    """Return every appointments row, every column, of a backend's store or a SQLite file."""
    query = "SELECT * FROM appointments ORDER BY id"
    if isinstance(store, Database) and store.database_url:
        with psycopg.connect(store.database_url) as pg:
            return pg.execute(query.encode()).fetchall()
    path = store.sqlite_path if isinstance(store, Database) else store
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(query).fetchall()


def slots(store: Database | Path | str) -> list[tuple[str, str]]:
    """Return (UTC start, status) of every appointment, by start, of a store or SQLite file."""
    if isinstance(store, Database) and store.database_url:
        with psycopg.connect(store.database_url) as pg:
            rows = pg.execute(b"SELECT start_at, status FROM appointments ORDER BY start_at")
            return [(utc(start), str(status)) for start, status in rows]
    path = store.sqlite_path if isinstance(store, Database) else store
    with closing(sqlite3.connect(path)) as conn:
        found = conn.execute("SELECT start_at, status FROM appointments ORDER BY start_at")
        return [(str(start), str(status)) for start, status in found]


def saved(backend: Database, thread: str) -> list[tuple[Any, ...]]:
    """Return everything the checkpointer holds for a thread."""
    with backend.open_checkpointer() as saver:
        return [
            (s.config, s.checkpoint, s.metadata, s.pending_writes)
            for s in saver.list(config_of(thread))
        ]


def run(
    backend: Database, forks_dir: Path, checkpoint: str, *say: str, thread: str = "call"
) -> Any:
    """Replay `thread` from `checkpoint` with the caller saying `say`."""
    return replay(
        backend,
        thread,
        checkpoint_id=checkpoint,
        say=list(say),
        forks_dir=forks_dir,
        compose=RULES,
    )


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Yield an empty store with its checkpoints: a SQLite file, then a Postgres database."""
    if request.param == "sqlite":
        yield Database(sqlite_path=tmp_path / "calls.db")
    else:
        with throwaway_database() as url:
            yield Database(database_url=url, sqlite_path=tmp_path / "unused.db")


@pytest.fixture
def booked(tmp_path: Path) -> Database:
    """A SQLite file holding a call that booked Thursday at 12:30 PM."""
    backend = Database(sqlite_path=tmp_path / "calls.db")
    record_call(backend, BOOKING_CALL)
    return backend


@pytest.fixture
def booked_anywhere(backend: Database) -> Database:
    """A call that booked Thursday at 12:30 PM, on each backend in turn."""
    record_call(backend, BOOKING_CALL)
    return backend


MONDAY_10, TUESDAY_10 = "2026-11-30T18:00:00+00:00", "2026-12-01T18:00:00+00:00"
THURSDAY_1230, THURSDAY_1 = "2026-11-26T20:30:00+00:00", "2026-11-26T21:00:00+00:00"
FRIDAY_2 = "2026-11-27T22:00:00+00:00"


def test_another_pick_reads_back_that_slot_and_books_it_in_the_sandbox_only(
    booked_anywhere: Database, tmp_path: Path
) -> None:
    """Forked before "the second one", "the third one" reads back 1 PM; its yes books there."""
    real = appointment_rows(booked_anywhere)
    at = waiting(booked_anywhere)[1]
    fork = run(booked_anywhere, tmp_path / "forks", at, "the third one", "yes")
    assert "Thursday, November 26th at 1 PM?" in fork.replies[0]
    assert "booked" in fork.replies[1]
    assert slots(fork.sandbox) == [(THURSDAY_1, "booked"), (MONDAY_10, "booked")]
    assert slots(booked_anywhere) == [(THURSDAY_1230, "booked"), (MONDAY_10, "booked")]
    assert appointment_rows(booked_anywhere) == real


def test_no_at_the_confirmation_books_nothing(booked_anywhere: Database, tmp_path: Path) -> None:
    """Forked at the read-back, "no" leaves the sandbox without the booking the call made."""
    fork = run(booked_anywhere, tmp_path / "forks", waiting(booked_anywhere)[2], "no", "bye")
    assert "won't" in fork.replies[0] and "Goodbye" in fork.replies[1]
    assert slots(fork.sandbox) == [(MONDAY_10, "booked")]
    with SqliteStore(fork.sandbox) as sandbox:
        ended = sandbox.get_conversation("call")
        lines = [line.text for line in transcript(sandbox, "call")]
    assert ended is not None and ended.outcome == "completed"
    # the parent's first lines, copied into the sandbox
    assert lines[:4] == [lines[0], BOOKING_CALL[0], lines[2], BOOKING_CALL[1]]
    assert lines[5:] == ["no", fork.replies[0], "bye", fork.replies[1]]
    assert slots(booked_anywhere) == [(THURSDAY_1230, "booked"), (MONDAY_10, "booked")]


def test_cancel_and_move_happen_in_the_sandbox_and_the_calls_later_writes_are_undone(
    backend: Database, tmp_path: Path
) -> None:
    """Forks that move, cancel or decline differ in their sandboxes; the real rows stay put."""
    record_call(backend, MOVE_THEN_CANCEL)
    real = appointment_rows(backend)
    greeting, move, _, cancel, _ = waiting(backend)
    forks_dir = tmp_path / "forks"
    declined_move = run(backend, forks_dir, move, "no")
    assert slots(declined_move.sandbox) == [(MONDAY_10, "booked")]
    declined_cancel = run(backend, forks_dir, cancel, "no")
    assert slots(declined_cancel.sandbox) == [(MONDAY_10, "rescheduled"), (TUESDAY_10, "booked")]
    cancelled = run(backend, forks_dir, greeting, "cancel my appointment", "yes")
    assert "Monday, November 30th at 10 AM" in cancelled.replies[0]
    assert slots(cancelled.sandbox) == [(MONDAY_10, "cancelled")]
    moved = run(backend, forks_dir, greeting, "move my appointment to Friday at 2pm", "yes")
    assert "moved" in moved.replies[1]
    assert slots(moved.sandbox) == [(FRIDAY_2, "booked"), (MONDAY_10, "rescheduled")]
    assert slots(backend) == [(MONDAY_10, "rescheduled"), (TUESDAY_10, "cancelled")]
    assert appointment_rows(backend) == real


def test_parent_is_untouched_and_the_fork_starts_from_its_state(
    booked_anywhere: Database, tmp_path: Path
) -> None:
    """The parent's checkpoints stay as they were; the fork's history opens with its state."""
    before = saved(booked_anywhere, "call")
    at = waiting(booked_anywhere)[1]
    fork = run(booked_anywhere, tmp_path / "forks", at, "the third one")
    assert saved(booked_anywhere, "call") == before
    with booked_anywhere.open_checkpointer() as saver:
        graph = build_graph().compile(checkpointer=saver)
        parent = {step.checkpoint_id: step for step in steps(graph, "call")}
        history = steps(graph, fork.thread_id)
        assert fork_of(saver, fork.thread_id) == ForkOrigin(parent="call", checkpoint_id=at)
        assert fork_of(saver, "call") is None
        assert fork.thread_id.startswith("call~fork-")
    assert threads(booked_anywhere) == {"call", fork.thread_id}
    assert history[0].checkpoint_id == at and history[0].source == "fork"
    assert history[0].values == parent[at].values
    assert history[-1].values["utterance"] == "the third one"
    assert history[-1].values["task"]["pending"]["slot"] == "2026-11-26T13:00:00-08:00"
    assert forks(tmp_path / "forks") == [fork]


def test_a_checkpoint_mid_turn_forks_after_that_turns_reply(
    booked: Database, tmp_path: Path
) -> None:
    """A checkpoint inside turn 3 (the yes: a turn that writes is saved node by node) forks
    where turn 3's reply waits for the answer."""
    with booked.open_checkpointer() as saver:
        history = steps(build_graph().compile(checkpointer=saver), "call")
    heard = next(s for s in history if s.nodes == ["listen"] and s.values["turn"] == 3)
    fork = run(booked, tmp_path / "forks", heard.checkpoint_id, "no, that's all")
    assert fork.requested_checkpoint == heard.checkpoint_id
    assert fork.checkpoint_id == waiting(booked)[3]
    assert "Goodbye" in fork.replies[0]


def test_unknown_thread_or_checkpoint_and_an_ended_call_are_refused_cleanly(
    booked: Database, tmp_path: Path
) -> None:
    """Each refusal is one clear sentence, and nothing is forked or written."""
    forks_dir = tmp_path / "forks"
    with booked.open_checkpointer() as saver:
        last = next(iter(saver.list(config_of("call")))).checkpoint["id"]
    with pytest.raises(ReplayError, match="no such thread: nope"):
        run(booked, forks_dir, last, "yes", thread="nope")
    with pytest.raises(ReplayError, match="no checkpoint 1f0-not-there in thread call"):
        run(booked, forks_dir, "1f0-not-there", "yes")
    with pytest.raises(ReplayError, match="ended without waiting for the caller"):
        run(booked, forks_dir, last, "yes")
    with pytest.raises(ReplayError, match="at least one utterance"):
        run(booked, forks_dir, waiting(booked)[1])
    assert threads(booked) == {"call"}
    assert not forks_dir.exists()


def test_a_call_that_ends_leaves_the_rest_unsaid(booked: Database, tmp_path: Path) -> None:
    """Lines after the goodbye are not sent; the sidecar says which were left over."""
    fork = run(booked, tmp_path / "forks", waiting(booked)[3], "bye", "hello?")
    assert fork.utterances == ("bye",) and fork.unsaid == ("hello?",)
    assert "Goodbye" in fork.replies[0]


def test_dates_resolve_with_the_parents_clock_not_todays(tmp_path: Path) -> None:
    """A call made on Wednesday, March 6th 2024 hears "tomorrow" as Thursday, March 7th."""
    then = datetime(2024, 3, 6, 10, tzinfo=LA)
    assert then < datetime.now(LA)
    backend = Database(sqlite_path=tmp_path / "calls.db")
    record_call(backend, ["what are my appointments?"], now=then)
    fork = run(backend, tmp_path / "forks", waiting(backend)[0], "book tomorrow at 2pm", "yes")
    assert datetime.fromisoformat(fork.clock) == then
    assert "tomorrow, Thursday, March 7th at 2 PM" in fork.replies[0]
    assert ("2024-03-07T22:00:00+00:00", "booked") in slots(fork.sandbox)


def test_an_old_checkpoint_without_the_clock_falls_back_to_its_timestamp(
    booked: Database, tmp_path: Path
) -> None:
    """Checkpoints written before `now` existed pin the clock to when they were saved."""
    with booked.open_checkpointer() as saver:
        old = waiting_checkpoint(saver, "call", waiting(booked)[1])
        checkpoint = copy.deepcopy(old.checkpoint)
        del checkpoint["channel_values"]["now"]
        checkpoint["ts"] = "2026-11-25T18:00:00+00:00"
        stored = saver.put(
            {"configurable": {"thread_id": "old-call", "checkpoint_ns": ""}},
            checkpoint,
            old.metadata,
            checkpoint["channel_versions"],
        )
        for task, channel, value in old.pending_writes or []:
            if channel == INTERRUPT:
                saver.put_writes(stored, [(channel, value)], task)
    fork = run(booked, tmp_path / "forks", waiting(booked)[1], "the third one", thread="old-call")
    assert fork.clock == "2026-11-25T18:00:00+00:00"
    assert "tomorrow, Thursday, November 26th at 1 PM" in fork.replies[0]


def test_a_fork_of_a_fork_starts_from_its_parents_sandbox(booked: Database, tmp_path: Path) -> None:
    """Forking a fork copies that fork's sandbox, which it leaves as it was."""
    forks_dir = tmp_path / "forks"
    first = run(booked, forks_dir, waiting(booked)[1], "the third one")
    mine = appointment_rows(first.sandbox)
    second = run(
        booked, forks_dir, waiting(booked, first.thread_id)[-1], "yes", thread=first.thread_id
    )
    assert "booked for tomorrow, Thursday, November 26th at 1 PM" in second.replies[0]
    assert slots(second.sandbox) == [(THURSDAY_1, "booked"), (MONDAY_10, "booked")]
    assert appointment_rows(first.sandbox) == mine
    assert [fork.thread_id for fork in forks(forks_dir)] == [first.thread_id, second.thread_id]


def test_supabase_api_store_is_refused_before_anything_is_written(
    booked: Database, tmp_path: Path
) -> None:
    """With only the Supabase API there is no store to copy, so the replay says so."""
    api = Database(sqlite_path=booked.sqlite_path, supabase_url="http://x", supabase_key="k")
    with pytest.raises(SandboxUnavailable, match="DATABASE_URL"):
        run(api, tmp_path / "forks", waiting(booked)[1], "the third one")
    assert threads(booked) == {"call"}
    assert list((tmp_path / "forks").glob("*")) == []


class Recording(RuleUnderstander):
    """The rule engine, noting every utterance it is asked about."""

    def __init__(self) -> None:
        self.heard: list[str] = []

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Note the utterance, then read it with the rules."""
        self.heard.append(text)
        return super().understand(text, expecting=expecting, now=now, region=region)


def test_the_given_understanding_engine_reads_the_fork(booked: Database, tmp_path: Path) -> None:
    """The engine passed in, not a default, understands the fork's lines."""
    engine = Recording()
    replay(
        booked,
        "call",
        checkpoint_id=waiting(booked)[1],
        say=["the third one"],
        forks_dir=tmp_path / "forks",
        compose=composer(calendar=BusinessCalendar(), understander=engine),
    )
    assert engine.heard == ["the third one"]


@pytest.mark.postgres
def test_the_postgres_copy_keeps_the_callers_and_the_calls_rows(tmp_path: Path) -> None:
    """Postgres rows (uuid keys, thread-keyed conversations) arrive in the SQLite sandbox."""
    with throwaway_database() as url:
        backend = Database(database_url=url, sqlite_path=tmp_path / "unused.db")
        record_call(backend, BOOKING_CALL, thread="pg-call")
        fork = run(
            backend, tmp_path / "forks", waiting(backend, "pg-call")[3], "bye", thread="pg-call"
        )
        with psycopg.connect(url) as pg:
            sam_id = pg.execute(b"SELECT id FROM users").fetchone()
    with SqliteStore(fork.sandbox) as sandbox:
        sam = sandbox.find_user_by_phone(SAM)
        lines = [line.text for line in transcript(sandbox, "pg-call")]
        booked = sandbox.list_appointments(sam.id if sam else "")
        call = sandbox.get_conversation("pg-call")
    assert sam is not None and sam.name == "Sam Lee" and sam_id == (uuid.UUID(sam.id),)
    assert [a.start for a in booked] == [
        datetime(2026, 11, 26, 20, 30, tzinfo=UTC),
        datetime(2026, 11, 30, 18, tzinfo=UTC),
    ]
    assert lines[1::2] == [*BOOKING_CALL[:3], "bye"]
    assert call is not None and call.user_id == sam.id and call.outcome == "booked"
    assert not (tmp_path / "unused.db").exists()
