"""Checkpoints on SQLite and Postgres: calls continue across processes, retention keeps the end."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from langgraph.checkpoint.postgres import PostgresSaver

from booking.compose import Receptionist, open_receptionist
from booking.databases import Database
from business.calendar import BusinessCalendar
from graph.checkpointer import prune
from graph.postgres_checkpointer import PROBING_SELECT, PostgresCheckpoints
from tests.conftest import NOW, SAM

NOW_ISO = "2026-11-25T10:00:00-08:00"


def chat(env: dict[str, str], lines: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    """Run `booking chat` in a fresh process with the given environment."""
    return subprocess.run(
        [sys.executable, "-m", "booking.cli", "chat", "--now", NOW_ISO, *extra],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **env},
    )


def test_a_call_continues_in_another_process_on_postgres(clean_pg: str, tmp_path: Path) -> None:
    """A worker restart mid-call: the second process picks the thread up from Postgres and books."""
    env = {"DATABASE_URL": clean_pg, "BOOKING_DB": str(tmp_path / "unused.db")}
    first = chat(
        env, ["Sam Lee", "what do you have Monday morning"], "--phone", SAM, "--thread", "pg-call"
    )
    assert first.returncode == 0, first.stderr
    assert "Monday, November 30th" in first.stdout
    second = chat(env, ["the first one", "yes", "bye"], "--thread", "pg-call")
    assert second.returncode == 0, second.stderr
    assert "booked" in second.stdout
    with psycopg.connect(clean_pg) as conn:
        rows = conn.execute(
            "SELECT u.name, a.start_at, a.status"
            " FROM appointments a JOIN users u ON u.id = a.user_id"
        ).fetchall()
        ended = conn.execute(
            "SELECT outcome FROM conversations WHERE thread_id = 'pg-call'"
        ).fetchone()
    assert rows == [("Sam Lee", datetime(2026, 11, 30, 17, 0, tzinfo=UTC), "booked")]
    assert ended == ("booked",)
    assert not (tmp_path / "unused.db").exists()  # nothing fell back to the local file


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Yield each checkpoint backend."""
    if request.param == "sqlite":
        yield Database(sqlite_path=tmp_path / "c.db")
    else:
        yield Database(database_url=request.getfixturevalue("clean_pg"))


def _finished_call(agent: Receptionist, thread: str) -> None:
    agent.store.create_user(phone=SAM, name="Sam Lee")
    call = agent.conversation(thread)
    call.start(caller_id=SAM)
    call.say("book Monday at 10am")
    call.say("yes")
    call.say("bye")


def test_pruning_keeps_only_the_final_state_of_finished_calls(backend: Database) -> None:
    """After pruning, a finished call keeps one checkpoint holding its final state."""
    clock = lambda: NOW  # noqa: E731  # the one-line clock reads best here
    with open_receptionist(backend, calendar=BusinessCalendar(), clock=clock) as agent:
        _finished_call(agent, "old")
        config = agent.conversation("old").config
        before = list(agent.graph.get_state_history(config))
        final = agent.graph.get_state(config).values
        assert len(before) > 3  # the greeting, each turn, the writes saved node by node
        later = NOW + timedelta(days=31)
        assert agent.store.ended_before(later - timedelta(days=30)) == ["old"]
        prune(agent.graph.checkpointer, agent.store.ended_before(later - timedelta(days=30)))  # type: ignore[arg-type]  # compiled with a saver
        after = list(agent.graph.get_state_history(config))
        assert len(after) == 1
        assert agent.graph.get_state(config).values == final


def test_pruning_leaves_recent_and_ongoing_calls_alone(backend: Database) -> None:
    """Calls that ended recently, or have not ended, keep their whole history."""
    with open_receptionist(backend, calendar=BusinessCalendar(), clock=lambda: NOW) as agent:
        _finished_call(agent, "recent")
        ongoing = agent.conversation("ongoing")
        ongoing.start(caller_id=SAM)
        ongoing.say("what do you have Monday")
        assert agent.store.ended_before(NOW - timedelta(days=30)) == []
        with backend.open_checkpointer() as saver:
            prune(saver, agent.store.ended_before(NOW - timedelta(days=30)))
        assert len(list(agent.graph.get_state_history(ongoing.config))) > 3
        assert ongoing.waiting()


@pytest.mark.postgres
def test_reading_a_long_calls_checkpoint_reads_only_the_values_it_holds(clean_pg: str) -> None:
    """The latest checkpoint of a 60-turn call reads as many blobs as it has channels, not
    every blob the call wrote (so a read at turn 200 costs what it did at turn 2); and it
    reads back what LangGraph's own query does."""
    with open_receptionist(
        Database(database_url=clean_pg), calendar=BusinessCalendar(), clock=lambda: NOW
    ) as agent:
        agent.store.create_user(phone=SAM, name="Sam Lee")
        call = agent.conversation("long")
        call.start(caller_id=SAM)
        for _ in range(30):
            call.say("what do I have booked?")
            call.say("yes")
    latest = " WHERE thread_id = %s ORDER BY checkpoint_id DESC LIMIT 1"
    with psycopg.connect(clean_pg, autocommit=True) as conn:
        (written,) = conn.execute("SELECT count(*) FROM checkpoint_blobs").fetchone() or (0,)
        plan = conn.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + PROBING_SELECT + latest, ("long",)
        ).fetchone()
        ours = conn.execute(PROBING_SELECT + latest, ("long",)).fetchone()
        theirs = conn.execute(PostgresSaver.SELECT_SQL + latest, ("long",)).fetchone()
    assert plan is not None and ours is not None and theirs is not None
    assert PostgresCheckpoints.SELECT_SQL == PROBING_SELECT != PostgresSaver.SELECT_SQL
    channels = len(ours[1]["channel_versions"])

    def blob_scans(node: dict[str, Any]) -> list[dict[str, Any]]:
        own = [node] if node.get("Relation Name") == "checkpoint_blobs" else []
        return own + [scan for child in node.get("Plans", []) for scan in blob_scans(child)]

    scans = blob_scans(plan[0][0]["Plan"])
    assert written > 4 * channels  # the call wrote many more than one checkpoint holds
    # one primary-key lookup per channel: at most one row each, never a scan of the call's
    assert scans and all(s["Actual Rows"] <= 1 and s["Actual Loops"] <= channels for s in scans)
    assert sorted(map(bytes, (b for row in ours[6] for b in row))) == sorted(
        map(bytes, (b for row in theirs[6] for b in row))
    )
