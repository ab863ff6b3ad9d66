"""`booking threads` on Postgres checkpoints and store (DATABASE_URL), as in production."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from booking.cli import main
from booking.databases import Database
from booking.settings import get_settings
from tests.conftest import BOOKING_CALL, record_booking
from tests.pg import throwaway_database

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_calls() -> Iterator[str]:
    """A migrated database holding one booked call and one call still waiting."""
    with throwaway_database() as url:
        record_booking(Database(database_url=url), "pg-booked", open_thread="pg-open")
        yield url


@pytest.fixture
def on_postgres(pg_calls: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the CLI at the Postgres database through DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", pg_calls)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def threads(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run `booking threads ARGV` and return its output; it must succeed."""
    capsys.readouterr()
    assert main(["threads", *argv]) == 0
    return capsys.readouterr().out


@pytest.mark.usefixtures("on_postgres")
def test_list_and_filters_on_postgres(capsys: pytest.CaptureFixture[str]) -> None:
    """The list comes from Postgres with outcomes, masked callers and working filters."""
    rows = {row["thread_id"]: row for row in json.loads(threads(capsys, "list", "--json"))}
    assert rows["pg-booked"]["outcome"] == "booked" and rows["pg-booked"]["turns"] == 4
    assert rows["pg-booked"]["caller"] == "***23"
    assert rows["pg-open"]["outcome"] == "in progress" and rows["pg-open"]["caller"] == "unknown"
    assert "pg-open" not in threads(capsys, "list", "--outcome", "booked")
    assert "pg-booked" in threads(capsys, "list", "--caller", "(415) 555-0123")
    assert "0123" not in threads(capsys, "list").replace("***23", "")


@pytest.mark.usefixtures("on_postgres")
def test_show_history_diff_export_on_postgres(capsys: pytest.CaptureFixture[str]) -> None:
    """Turn-by-turn view, checkpoints, a diff and exports read Postgres checkpoints."""
    shown = json.loads(threads(capsys, "show", "pg-booked", "--json"))
    assert [t["utterance"] for t in shown["turns"][1:]] == BOOKING_CALL
    assert "book" in shown["turns"][3]["nodes"]
    assert shown["turns"][3]["held"]["pending"] is None  # the read-back was written
    history = threads(capsys, "history", "pg-booked").splitlines()
    ran = {line.split()[0]: line.split()[3].split(",") for line in history}  # id → nodes
    before_yes = next(checkpoint for checkpoint, nodes in ran.items() if "confirm" in nodes)
    after_yes = next(checkpoint for checkpoint, nodes in ran.items() if "book" in nodes)
    changes = threads(capsys, "diff", "pg-booked", before_yes, after_yes)
    assert "~ task.pending:" in changes and "~ outcomes:" in changes
    rows = list(csv.DictReader(io.StringIO(threads(capsys, "export", "--all", "--format", "csv"))))
    assert {row["thread_id"] for row in rows} == {"pg-booked", "pg-open"}
    assert "+14155550123" not in json.dumps(rows)


@pytest.mark.usefixtures("on_postgres")
def test_unknown_thread_on_postgres(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown thread is one clear line and exit code 1."""
    assert main(["threads", "show", "nope"]) == 1
    assert "no such thread: nope" in capsys.readouterr().err
