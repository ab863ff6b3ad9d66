"""`booking db migrate` and `booking checkpoints prune` as an operator runs them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pg import throwaway_database

pytestmark = pytest.mark.slow  # a fresh booking process per command


def booking(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the `booking` command in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "booking.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **env},
    )


@pytest.mark.postgres
def test_migrate_creates_the_schema_and_is_safe_to_run_twice() -> None:
    """The first run applies every migration, the second applies nothing."""
    with throwaway_database(migrated=False) as url:
        first = booking("db", "migrate", env={"DATABASE_URL": url})
        assert first.returncode == 0, first.stderr
        assert first.stdout.startswith("applied: 0000_original_schema, 0001_schema, 0002_")
        second = booking("db", "migrate", env={"DATABASE_URL": url})
        assert (second.returncode, second.stdout.strip()) == (0, "schema is up to date")
        assert url.split("@")[0] not in first.stderr + second.stderr  # no credentials echoed


def test_migrate_without_a_database_url_explains_sqlite_needs_none(tmp_path: Path) -> None:
    """On the embedded default the command says there is nothing to do and succeeds."""
    done = booking("db", "migrate", env={"DATABASE_URL": "", "BOOKING_DB": str(tmp_path / "x.db")})
    assert done.returncode == 0 and "nothing to do" in done.stderr


def test_prune_keeps_the_final_checkpoint_of_old_calls(tmp_path: Path) -> None:
    """A call that ended long ago keeps one checkpoint; the chat can still show it ended."""
    db = tmp_path / "b.db"
    env = {"BOOKING_DB": str(db), "DATABASE_URL": ""}
    call = [
        "chat",
        "--now",
        "2026-01-05T10:00:00-08:00",
        "--phone",
        "+14155550123",
        "--thread",
        "old",
    ]
    assert booking(*call, env=env, stdin="Sam\nbye\n").returncode == 0

    def count() -> int:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0])

    assert count() > 5
    pruned = booking("checkpoints", "prune", "--older-than-days", "30", env=env)
    assert pruned.returncode == 0 and "1 finished calls" in pruned.stdout
    assert count() == 1
    again = booking("chat", "--thread", "old", env=env, stdin="hello\n")
    assert again.returncode == 2 and "already ended" in again.stderr


@pytest.mark.postgres
def test_chat_on_an_unmigrated_database_says_what_to_run() -> None:
    """A Postgres without the schema gets one line naming `booking db migrate`, no traceback."""
    with throwaway_database(migrated=False) as url:
        done = booking("chat", env={"DATABASE_URL": url}, stdin="")
    assert done.returncode == 3
    assert "booking db migrate" in done.stderr and "Traceback" not in done.stderr
