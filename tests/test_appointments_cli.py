"""`booking appointments` as the business uses it on a SQLite file: every caller's
appointments in local time with numbers masked, and past ones closed one by one or all."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from booking.cli import main
from booking.settings import get_settings
from store.models import MAIN, Appointment
from store.sqlite import SqliteStore
from tests.store.stored import appointment

ZONE = "America/Los_Angeles"
SAM, KIM = "+14155550123", "+14155550177"
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
    """Run `booking appointments ARGV --db DB`; return its status, stdout and stderr."""
    code = main(["appointments", *argv, "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out, err


def booked(
    db: Path,
    phone: str,
    start: datetime,
    minutes: int = 30,
    *,
    service: str | None = None,
    staff: str = MAIN,
    notes: str | None = None,
) -> Appointment:
    """Book `minutes` from `start` for the caller with `phone`."""
    with SqliteStore(db, timezone=ZONE) as store:
        user = store.create_user(phone=phone)
        return store.book(
            user_id=user.id,
            start=start,
            duration_min=minutes,
            idempotency_key=f"{phone}{start.isoformat()}",
            service=service,
            staff=staff,
            notes=notes,
        )


def words(line: str) -> str:
    """Return a printed line with its columns' padding folded to single spaces."""
    return " ".join(line.split())


def test_list_shows_every_callers_appointments_in_local_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The list has every caller's appointments of the days asked for, by start, in the
    business's time, with service, person, status and notes, and no number in clear."""
    db = tmp_path / "b.db"
    note = "call me back on 415 555 0199"
    cut = booked(db, SAM, MONDAY_4PM, 45, service="haircut", staff="maria", notes=note)
    early = booked(db, KIM, MONDAY_4PM - timedelta(hours=6))
    tuesday = booked(db, KIM, MONDAY_4PM + timedelta(days=1))
    gone = booked(db, SAM, MONDAY_4PM + timedelta(hours=2))
    with SqliteStore(db) as store:
        store.cancel(user_id=gone.user_id, appointment_id=gone.id, idempotency_key="x")

    code, out, err = run(capsys, db, "list", "--from", "2026-11-02", "--to", "2026-11-02")
    assert (code, err) == (0, "")
    assert [words(line) for line in out.splitlines()] == [
        "id when service staff status caller notes",
        f"{early.id} Mon 2026-11-02 10:00-10:30 appointment main booked ***77",
        f"{cut.id} Mon 2026-11-02 16:00-16:45 haircut maria booked ***23 call me back on ***99",
        f"{gone.id} Mon 2026-11-02 18:00-18:30 appointment main cancelled ***23",
    ]

    code, out, _ = run(capsys, db, "list", "--from", "2026-11-02", "--status", "booked")
    assert [line.split()[0] for line in out.splitlines()[1:]] == [early.id, cut.id, tuesday.id]


def test_complete_and_no_show_close_one_appointment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An appointment that has started is marked completed, or a no-show, by its id."""
    db = tmp_path / "b.db"
    now = datetime.now(UTC)
    came = booked(db, SAM, now - timedelta(hours=2))
    absent = booked(db, KIM, now - timedelta(minutes=10))
    assert run(capsys, db, "complete", came.id) == (0, f"marked {came.id} completed\n", "")
    assert run(capsys, db, "no-show", absent.id) == (0, f"marked {absent.id} no_show\n", "")
    with SqliteStore(db) as store:
        assert [appointment(store, a.id).status for a in (came, absent)] == [
            "completed",
            "no_show",
        ]


def test_what_cannot_be_closed_is_one_line_and_a_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An unknown id, an appointment not started yet, and one no longer booked are each
    refused with one line on stderr and exit status 1, changing nothing."""
    db = tmp_path / "b.db"
    now = datetime.now(UTC)
    soon = booked(db, SAM, now + timedelta(hours=1))
    gone = booked(db, KIM, now - timedelta(hours=1))
    with SqliteStore(db) as store:
        store.cancel(user_id=gone.user_id, appointment_id=gone.id, idempotency_key="x")
    refusals = {
        "no-such-id": "booking appointments: no appointment no-such-id",
        soon.id: f"booking appointments: appointment {soon.id!r} has not started",
        gone.id: f"booking appointments: appointment {gone.id!r} is cancelled, not booked",
    }
    for appointment_id, said in refusals.items():
        assert run(capsys, db, "complete", appointment_id) == (1, "", f"{said}\n")
    with SqliteStore(db) as store:
        assert [appointment(store, a.id).status for a in (soon, gone)] == ["booked", "cancelled"]


def test_close_past_completes_every_booking_that_has_ended(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """close-past marks the booked appointments that are over completed and says how many;
    one still running, one to come and a cancelled one stay as they were."""
    db = tmp_path / "b.db"
    now = datetime.now(UTC)
    over = [booked(db, SAM, now - timedelta(days=1)), booked(db, KIM, now - timedelta(hours=1))]
    running = booked(db, SAM, now - timedelta(minutes=10))
    future = booked(db, KIM, now + timedelta(days=1))
    gone = booked(db, SAM, now - timedelta(hours=3))
    with SqliteStore(db) as store:
        store.cancel(user_id=gone.user_id, appointment_id=gone.id, idempotency_key="x")
    assert run(capsys, db, "close-past") == (0, "past appointments marked completed: 2\n", "")
    with SqliteStore(db) as store:
        statuses = [appointment(store, a.id).status for a in (*over, running, future, gone)]
    assert statuses == ["completed", "completed", "booked", "booked", "cancelled"]
    assert run(capsys, db, "close-past") == (0, "past appointments marked completed: 0\n", "")


def test_a_mistyped_database_is_not_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Listing a file that does not exist says so and leaves no empty database behind."""
    missing = tmp_path / "typo.db"
    assert run(capsys, missing, "list") == (
        1,
        "",
        f"booking appointments: no database at {missing}\n",
    )
    assert not missing.exists()


@pytest.mark.slow  # a fresh booking process
def test_the_installed_command_fails_with_its_line(tmp_path: Path) -> None:
    """`booking appointments complete ID` run as a process exits 1 with its one line (the
    environment is this test's: a SQLite store, no business file)."""
    db = tmp_path / "b.db"
    SqliteStore(db).close()
    done = subprocess.run(
        [sys.executable, "-m", "booking.cli", "appointments", "complete", "nope", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "booking appointments: no appointment nope\n",
    )
