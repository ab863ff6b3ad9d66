"""`booking chat` as a developer scripts it: piped lines in, replies out, data in the file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a fresh booking process per call

NOW = "2026-11-25T10:00:00-08:00"


def chat(db: Path, lines: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    """Run `booking chat` with lines on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "booking.cli", "chat", "--db", str(db), "--now", NOW, *extra],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_piped_call_books_lists_moves_and_cancels(tmp_path: Path) -> None:
    """Every ability works through a pipe and the results are in the SQLite file."""
    db = tmp_path / "b.db"
    done = chat(
        db,
        [
            "415 555 0123",
            "Sam Lee",
            "book Monday at 10am",
            "yes",
            "yes",
            "book Tuesday at 2pm",
            "yes",
            "what do I have booked?",
            "move my Monday appointment to Friday at 11am",
            "the first one",
            "yes",
            "cancel the Tuesday one",
            "yes",
            "that's all",
        ],
    )
    assert done.returncode == 0, done.stderr
    replies = done.stdout.splitlines()
    assert len(replies) == 15  # the greeting plus one reply per caller line
    assert "2 upcoming appointments" in replies[8]
    assert replies[-1] == "Thanks for calling. Goodbye!"
    rows = (
        sqlite3.connect(db)
        .execute("SELECT start_at, status FROM appointments ORDER BY created_at, start_at")
        .fetchall()
    )
    assert sorted(rows) == [
        ("2026-11-27T19:00:00+00:00", "booked"),  # Friday 11 AM in Los Angeles
        ("2026-11-30T18:00:00+00:00", "rescheduled"),
        ("2026-12-01T22:00:00+00:00", "cancelled"),
    ]


def test_a_paused_call_resumes_in_a_new_process(tmp_path: Path) -> None:
    """End of input pauses the call; `--thread` continues it from its last checkpoint."""
    db = tmp_path / "b.db"
    first = chat(
        db, ["what do you have Monday morning"], "--phone", "+14155550123", "--thread", "t"
    )
    assert "paused" in first.stderr
    second = chat(db, ["Sam", "the second one", "yes", "bye"], "--thread", "t")
    assert second.returncode == 0, second.stderr
    out = second.stdout
    assert out.splitlines()[0] == first.stdout.splitlines()[-1]  # the last question, again
    assert "booked" in out
    count = sqlite3.connect(db).execute("SELECT count(*) FROM appointments").fetchone()
    assert count == (1,)


def test_an_ended_call_cannot_be_resumed(tmp_path: Path) -> None:
    """Resuming a call that said goodbye refuses with a clear message."""
    db = tmp_path / "b.db"
    chat(db, ["bye"], "--thread", "done")
    again = chat(db, ["hello"], "--thread", "done")
    assert again.returncode == 2
    assert "already ended" in again.stderr
