"""Real kills: `booking chat` on a SQLite file dies by SIGKILL mid-"yes", then `--thread` resumes.

The killed process is a fork of the test process running `booking.cli.main(["chat", ...])`
(no import cost, so every point of the step can be tried): from the caller's "yes" on it
counts the calls its SQLite store and checkpointer make, and SIGKILLs itself just before or
just after the chosen one. Nothing in the product knows about it. The resumed call is
`booking chat --thread` again (forked the same way, or a real subprocess for one point),
answering "yes" and then hanging up; it must print the confirmation exactly once, leave
exactly one booking row, and store a summary saying booked.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import traceback
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from booking import cli
from booking.settings import get_settings
from graph.checkpointer import SqliteCheckpoints
from graph.conversation import Conversation, Said
from nodes.understanding.when import prepare
from store.sqlite import SqliteStore
from tests.conftest import SAM

pytestmark = pytest.mark.slow  # forks and kills a process at 30 points

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-25T10:00:00-08:00"
THREAD = "killed-call"
CONFIRMED = "booked for Monday, November 30th at 10 AM"
READ_BACK = "book you for Monday, November 30th at 10 AM?"
CALL = ["Sam Lee", "book Monday at 10am", "yes"]
"""A new caller gives their name, asks for Monday at 10 AM, and says yes to the read-back."""
CALLS = {
    "saver.get_tuple": (SqliteCheckpoints, "get_tuple"),
    "saver.put": (SqliteCheckpoints, "put"),
    "saver.put_writes": (SqliteCheckpoints, "put_writes"),
    "store.append_turn": (SqliteStore, "append_turn"),
    "store.book": (SqliteStore, "book"),
}
"""Where a kill can be placed: the store's and the checkpointer's calls in a 'yes' step."""
Point = tuple[str, int, str]
"""(call, nth since the "yes", "before" | "after")."""


def install(point: Point | None, record: list[str]) -> None:
    """In this (forked) process: count calls from the "yes" on, and die at `point`."""
    counts: Counter[str] = Counter()
    armed = [False]

    def wrapped(target: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            hit = False
            if armed[0]:
                counts[target] += 1
                record.append(target)
                hit = point is not None and point[:2] == (target, counts[target])
            if hit and point is not None and point[2] == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            result = original(*args, **kwargs)
            if hit:
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        return call

    for target, (cls, name) in CALLS.items():
        setattr(cls, name, wrapped(target, getattr(cls, name)))
    say = Conversation.say

    def arming(self: Conversation, utterance: str, **kwargs: Any) -> Said:
        armed[0] = utterance == "yes" and not counts  # only the first "yes" of the call
        try:
            return say(self, utterance, **kwargs)
        finally:
            armed[0] = False

    Conversation.say = arming  # type: ignore[method-assign]  # only in the forked child


def chat(db: Path, lines: list[str], *, point: Point | None = None) -> tuple[int, str, list[str]]:
    """Run `booking chat --thread` in a forked process; return (exit code, stdout, calls seen)."""
    out, calls = db.with_suffix(".out"), db.with_suffix(".calls")
    args = ["chat", "--db", str(db), "--thread", THREAD, "--phone", SAM, "--now", NOW]
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            record: list[str] = []
            install(point, record)
            with out.open("w") as stdout:
                sys.stdin, sys.stdout = io.StringIO("".join(f"{x}\n" for x in lines)), stdout
                code = cli.main(args)
                stdout.flush()
            calls.write_text(json.dumps(record))
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    seen = json.loads(calls.read_text()) if calls.exists() else []
    calls.unlink(missing_ok=True)
    return os.waitstatus_to_exitcode(status), out.read_text(), seen


def yes_step_points(tmp: Path) -> list[Point]:
    """Return every kill point of the "yes" step, from a call that is not killed."""
    code, printed, seen = chat(tmp / "record.db", CALL)
    assert code == 0 and CONFIRMED in printed, printed
    counted: Counter[str] = Counter()
    points = []
    for target in seen:
        counted[target] += 1
        points += [(target, counted[target], "before"), (target, counted[target], "after")]
    return points


def check_resumed(db: Path, printed: str) -> None:
    """Assert the resumed call said the booking once, holds one row and a booked summary."""
    assert printed.count(CONFIRMED) == 1, printed
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM appointments").fetchone() == (1,)
        summary = conn.execute(
            "SELECT outcome, summary FROM conversations WHERE id = ?", (THREAD,)
        ).fetchone()
    assert summary is not None and summary[0] == "booked" and summary[1], summary


def test_a_chat_killed_anywhere_in_a_yes_resumes_with_the_confirmation(tmp_path: Path) -> None:
    """SIGKILL at each store and checkpoint call of a "yes": `--thread` always confirms once."""
    prepare("US", date.fromisoformat(NOW[:10]))  # built once here, inherited by every fork
    points = yes_step_points(tmp_path)
    # every kind of call the step makes is tried, before and after each of its calls
    assert {call for call, _, _ in points} == set(CALLS) and len(points) >= 2 * len(CALLS)
    failures = []
    for n, point in enumerate(points):
        db = tmp_path / f"kill-{n}.db"
        code, printed, _ = chat(db, CALL, point=point)
        assert code == -signal.SIGKILL, (point, printed)
        assert CONFIRMED not in printed  # killed before the caller heard anything
        code, resumed, _ = chat(db, ["yes", "/hangup"])
        first = resumed.splitlines()[0] if resumed else ""
        try:
            assert code == 0 and (CONFIRMED in first or READ_BACK in first), resumed
            check_resumed(db, resumed)
        except AssertionError as error:
            failures.append(f"{point}: {error}")
    assert failures == []


def test_booking_chat_thread_prints_the_confirmation_of_a_killed_booking(tmp_path: Path) -> None:
    """The real command, killed just after the booking was written, confirms it on --thread."""
    db = tmp_path / "b.db"
    code, printed, _ = chat(db, CALL, point=("store.book", 1, "after"))
    assert code == -signal.SIGKILL and CONFIRMED not in printed
    command = ["chat", "--db", str(db), "--thread", THREAD, "--now", NOW]
    resumed = subprocess.run(
        [sys.executable, "-m", "booking.cli", *command],
        input="/hangup\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # the tree under test, run from tmp_path
    )
    assert resumed.returncode == 0, resumed.stderr
    assert CONFIRMED in resumed.stdout.splitlines()[0]
    check_resumed(db, resumed.stdout)


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run where no developer .env is read, on the embedded defaults."""
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
