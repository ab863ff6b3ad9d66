"""`booking callbacks` as staff use it on a SQLite file: the open callbacks, oldest first, in
local time with numbers masked, and marking one done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from booking.cli import main
from booking.settings import get_settings
from store.models import Callback, CallbackReason
from store.sqlite import SqliteStore

ZONE = "America/Los_Angeles"
MONDAY_4PM = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)
"""Monday 2 November 2026, 16:00 in Los Angeles (already Tuesday in UTC)."""


@pytest.fixture(autouse=True)
def los_angeles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the command as a business in Los Angeles with a SQLite store."""
    monkeypatch.setenv("BUSINESS_TIMEZONE", ZONE)
    for name in ("BUSINESS_FILE", "DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    """Run `booking callbacks ARGV --db DB`; return its status, stdout and stderr."""
    code = main(["callbacks", *argv, "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out, err


def asked(
    db: Path,
    call: str,
    at: datetime,
    *,
    need: str,
    reason: CallbackReason = "message",
    phone: str | None = None,
    name: str | None = None,
) -> Callback:
    """Record a callback asked for in `call` at `at`."""
    with SqliteStore(db, timezone=ZONE) as store:
        return store.request_callback(
            conversation_id=call,
            user_id=None,
            phone=phone,
            name=name,
            need=need,
            reason=reason,
            at=at,
        )


def words(line: str) -> str:
    """Return a printed line with its columns' padding folded to single spaces."""
    return " ".join(line.split())


def test_list_shows_the_open_callbacks_oldest_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The list has the open callbacks, the oldest first, in the business's time, with the
    caller's number masked, name, reason, call and need (a number in it masked too)."""
    db = tmp_path / "b.db"
    later = asked(
        db,
        "call-2",
        MONDAY_4PM + timedelta(hours=1),
        need="call me on 415 555 0199 about a refund",
        phone="+14155550123",
        name="Sam",
    )
    first = asked(db, "call-1", MONDAY_4PM, need="transfer to Maria", reason="transfer_failed")
    code, out, err = run(capsys, db, "list")
    assert (code, err) == (0, "")
    assert [words(line) for line in out.splitlines()] == [
        "id asked caller name reason call need",
        f"{first.id} Mon 2026-11-02 16:00 ? - transfer_failed call-1 transfer to Maria",
        f"{later.id} Mon 2026-11-02 17:00 ***23 Sam message call-2 call me on ***99 about a refund",
    ]


def test_done_closes_one_and_list_all_shows_it_after_the_open_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`done ID --by NAME` closes a callback, which leaves the list and comes after the open
    ones with --all, with when and by whom; closing it again changes nothing."""
    db = tmp_path / "b.db"
    called = asked(db, "call-1", MONDAY_4PM, need="a question about prices")
    waiting = asked(db, "call-2", MONDAY_4PM + timedelta(minutes=5), need="a refund")
    code, out, err = run(capsys, db, "done", called.id, "--by", "Maria")
    assert (code, err) == (0, "")
    assert out.startswith(f"{called.id} done ") and out.endswith(" by Maria\n")
    assert run(capsys, db, "done", called.id, "--by", "Kim")[1] == out
    _, listed, _ = run(capsys, db, "list")
    assert [line.split()[0] for line in listed.splitlines()[1:]] == [waiting.id]
    _, every, _ = run(capsys, db, "list", "--all")
    lines = every.splitlines()[1:]
    assert [line.split()[0] for line in lines] == [waiting.id, called.id]
    assert lines[1].endswith(" by Maria]") and "[done " in lines[1]


def test_an_unknown_callback_is_one_line_and_a_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Closing an id no callback has is refused with one line and exit status 1; a file
    that does not exist is not created."""
    db = tmp_path / "b.db"
    SqliteStore(db).close()
    assert run(capsys, db, "done", "nope") == (1, "", "booking callbacks: no callback nope\n")
    missing = tmp_path / "typo.db"
    assert run(capsys, missing, "list") == (
        1,
        "",
        f"booking callbacks: no database at {missing}\n",
    )
    assert not missing.exists()
