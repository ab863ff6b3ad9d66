"""Every `booking threads` command on every call the scenario suite produces.

The suite runs once with `--keep`, leaving one SQLite file per scenario; each command is
then run on each of them, the way an analyst would after a test run.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from booking.cli import main
from booking.devtools.scenarios import load, run_paths
from booking.settings import get_settings
from store.privacy import mask_phones
from store.sqlite import SqliteStore
from tests.store.stored import transcript

pytestmark = pytest.mark.slow  # every scenario again

SCENARIOS = Path(__file__).parents[2] / "scenarios"
NAMES = sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the whole scenario suite once, keeping each scenario's database."""
    folder = tmp_path_factory.mktemp("kept")
    assert run_paths([str(SCENARIOS)], keep=folder) == 0
    return folder


@pytest.fixture(autouse=True)
def no_env_db(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make sure only --db decides which file is read."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SUPABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def threads(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> str:
    """Run `booking threads --db DB ARGV` and return its output; it must succeed."""
    capsys.readouterr()
    assert main(["threads", "--db", str(db), *argv]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_every_command_reads_the_scenario_call(
    name: str, kept: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """list, show, history, diff and export agree with what the scenario said and stored."""
    db, thread = kept / f"{name}.db", f"scenario-{name}"
    spec = load(SCENARIOS / f"{name}.yaml")
    said = [str(turn["caller"]) for turn in spec["turns"] if "caller" in turn]
    with SqliteStore(db) as store:
        stored = store.get_conversation(thread)
        lines = transcript(store, thread)
    assert stored is not None

    (row,) = json.loads(threads(capsys, db, "list", "--json"))
    assert row["thread_id"] == thread
    assert row["outcome"] == (stored.outcome or "in progress")
    # the caller lines the store holds (one said during a store outage is not among them)
    assert row["turns"] == sum(line.role == "caller" for line in lines) > 0

    shown = json.loads(threads(capsys, db, "show", thread, "--json"))
    heard = [turn["utterance"] for turn in shown["turns"] if turn["number"]]
    assert heard[: len(said)] == [mask_phones(line) for line in said]
    assert shown["turns"][0]["nodes"][:2] == ["__start__", "greet"]
    assert all(turn["nodes"] for turn in shown["turns"])
    text = threads(capsys, db, "show", thread)
    assert all(mask_phones(line) in text for line in said)

    history = threads(capsys, db, "history", thread).splitlines()
    first, last = history[0].split()[0], history[-1].split()[0]
    changes = threads(capsys, db, "diff", thread, first, last)
    assert "~ stage:" in changes or "+ stage:" in changes  # the call went somewhere

    (exported,) = json.loads(threads(capsys, db, "export", thread))
    assert [t["utterance"] for t in exported["turns"]] == [t["utterance"] for t in shown["turns"]]
    rows = list(
        csv.DictReader(io.StringIO(threads(capsys, db, "export", "--all", "--format", "csv")))
    )
    assert {r["thread_id"] for r in rows} == {thread}
    assert len(rows) == len(shown["turns"])

    # replay: fork at the first question with other words; the real store stays as it was
    waiting = next(line.split()[0] for line in history if "(waits for the caller)" in line)
    before = appointment_rows(db)
    forks = db.with_suffix(".forks")
    forked = threads(
        capsys, db, "replay", thread, "--from", waiting, "--say", "what do I have booked?"
    )
    assert forked.startswith(f"fork {thread}~fork-") and "\nagent: " in forked
    assert appointment_rows(db) == before
    (fork_line,) = threads(capsys, db, "forks", "--forks-dir", str(forks)).splitlines()
    fork = fork_line.split()[0]
    assert f"of {thread} at {waiting}" in fork_line
    assert f"fork of {thread} at checkpoint {waiting}" in threads(capsys, db, "show", fork)


def appointment_rows(db: Path) -> list[tuple[object, ...]]:
    """Every appointment row of a SQLite store, every column, in id order."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM appointments ORDER BY id").fetchall()
