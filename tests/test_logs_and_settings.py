"""Logs mask phone numbers, in a LiveKit job too; settings describe the business calendar.

The calendar comes from the environment, or from BUSINESS_FILE, which then wins.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date, time
from importlib import metadata
from pathlib import Path

import pytest
from livekit.agents.cli.log import JsonFormatter

import voice_bridge
from booking.cli import main
from booking.logs import APP_LOGGERS, MaskPhones, configure
from booking.settings import Settings, get_settings, parse_hours
from business.calendar import BusinessCalendar
from business.config import load_business
from store.privacy import mask_phones
from tests.voice.jobs import ROOM_SID, job_context, job_process_logging


@pytest.mark.parametrize(
    "text", ["caller +14155550123 booked", "caller (415) 555-0123 booked", "415 555 0123"]
)
def test_phone_numbers_are_masked(text: str) -> None:
    """Only the last two digits of a number survive into a log line."""
    masked = mask_phones(text)
    assert "555" not in masked and masked.count("23") == 1


def test_times_and_dates_are_not_masked() -> None:
    """Short numbers such as times and dates stay readable."""
    assert mask_phones("slot 2026-11-30 at 10:30") == "slot 2026-11-30 at 10:30"


def test_the_filter_masks_arguments_too() -> None:
    """A number passed as a logging argument is masked in the final message."""
    record = logging.LogRecord("x", logging.INFO, "f", 1, "caller %s", ("+14155550123",), None)
    MaskPhones().filter(record)
    assert record.getMessage() == "caller ***23"


@pytest.fixture
def anyio_backend() -> str:
    """Run the async tests on asyncio, LiveKit's event loop."""
    return "asyncio"


@pytest.fixture
def levels() -> Iterator[None]:
    """Put back the levels a logging set-up changes, for the tests after this one."""
    names = [*APP_LOGGERS, "psycopg.pool", ""]
    kept = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in kept.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.anyio
async def test_a_call_keeps_livekits_log_handler_masks_numbers_and_names_the_call(
    levels: None,
) -> None:
    """In a job process, the call's log set-up keeps LiveKit's handler, masked, with the call id.

    The root logger holds what livekit-agents 1.8.9 gives a job process: only its handler
    forwarding records to the worker. LiveKit adds its context-fields filter before the
    entrypoint (`_on_setup`); the entrypoint's `log_call` runs; a line with a caller's
    number then reaches the worker, in LiveKit's JSON, masked and carrying the call id.
    """
    with job_process_logging() as worker:
        job = job_context()
        job._on_setup()  # what the job process does before the entrypoint runs
        assert voice_bridge.log_call(job, level="INFO") == ROOM_SID
        logging.getLogger("voice.agent").info(
            "caller %s joined", "+14155550123", extra={"participant": "sip_+14155550123"}
        )
        assert logging.getLogger().handlers == [worker.handler]
        line = json.loads(JsonFormatter().format(worker.forwarded()))
    assert line["message"] == "caller ***23 joined"
    assert line["participant"] == "sip_***23"
    assert line["call_id"] == ROOM_SID


def test_the_cli_keeps_the_handlers_it_finds_and_masks_them(levels: None) -> None:
    """`configure` adds its stderr handler beside those already there, and masks them all."""
    root = logging.getLogger()
    kept = root.handlers[:]
    other = logging.NullHandler()
    root.handlers = [other]
    try:
        configure("WARNING")
        configure("WARNING")  # a second set-up adds nothing
        assert root.handlers[0] is other and len(root.handlers) == 2
        assert all(
            sum(isinstance(f, MaskPhones) for f in handler.filters) == 1
            for handler in root.handlers
        )
    finally:
        root.handlers = kept


def test_opening_hours_are_read_per_weekday() -> None:
    """Ranges and single days both parse; unlisted days are closed."""
    hours = parse_hours("mon-fri 09:00-16:00; sat 10:00-13:00")
    assert hours[0] == (time(9), time(16)) and hours[5] == (time(10), time(13))
    assert 6 not in hours


@pytest.mark.parametrize(
    "spec", ["mon-fri 9-16", "funday 09:00-10:00", "mon 16:00-09:00", "sat-mon 09:00-12:00"]
)
def test_unreadable_hours_are_refused(spec: str) -> None:
    """A typo in the opening hours fails loudly instead of closing the business."""
    with pytest.raises(ValueError):
        parse_hours(spec)


def test_settings_build_the_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    """Environment variables configure timezone, hours, slot length and closures."""
    monkeypatch.setenv("BUSINESS_TIMEZONE", "Europe/Paris")
    monkeypatch.setenv("BUSINESS_HOURS", "tue-sat 10:00-18:00")
    monkeypatch.setenv("SLOT_MINUTES", "45")
    monkeypatch.setenv("CLOSURES", "2026-12-25, 2027-01-01")
    cal = Settings(_env_file=None).calendar()  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert cal.timezone == "Europe/Paris" and cal.slot_minutes == 45
    assert cal.opening(date(2026, 12, 1)) == (time(10), time(18))  # a Tuesday
    assert cal.opening(date(2026, 11, 30)) is None  # a Monday
    assert cal.opening(date(2026, 12, 25)) is None


EXAMPLE = Path(__file__).resolve().parents[1] / "business.example.yaml"


def test_without_a_business_file_the_environment_is_the_calendar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An empty BUSINESS_FILE is none: the single calendar of the environment, no services."""
    monkeypatch.setenv("BUSINESS_FILE", "")
    monkeypatch.setenv("MAX_UPCOMING_PER_CALLER", "2")
    cal = Settings(_env_file=None).calendar()  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert cal == BusinessCalendar(max_upcoming=2, hours=cal.hours)
    assert cal.hours == {day: (time(9), time(16)) for day in range(5)}


def test_a_business_file_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With BUSINESS_FILE, the calendar is the file's, read once: BUSINESS_* are ignored."""
    copy = tmp_path / "business.yaml"
    copy.write_text(EXAMPLE.read_text())
    monkeypatch.setenv("BUSINESS_FILE", str(copy))
    monkeypatch.setenv("BUSINESS_TIMEZONE", "Europe/Paris")
    monkeypatch.setenv("SLOT_MINUTES", "45")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    copy.unlink()  # read when the settings were made, not at each call
    assert settings.calendar() == load_business(EXAMPLE)
    assert settings.calendar().timezone == "America/Los_Angeles"
    assert settings.calendar().slot_minutes == 30


def test_a_broken_business_file_stops_the_cli_with_the_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Any command refuses to start on a broken BUSINESS_FILE: one sentence, exit 1."""
    broken = tmp_path / "business.yaml"
    broken.write_text(EXAMPLE.read_text().replace("slot_minutes: 30", "slot_minutes: 0"))
    monkeypatch.setenv("BUSINESS_FILE", str(broken))
    get_settings.cache_clear()
    try:
        assert main(["threads", "list", "--db", str(tmp_path / "none.db")]) == 1
    finally:
        get_settings.cache_clear()
    line = EXAMPLE.read_text().splitlines().index("slot_minutes: 30") + 1
    assert capsys.readouterr().err == (
        f"booking: {broken}, line {line}: slot_minutes: must be greater than 0\n"
    )


def test_a_weak_analysts_secret_stops_the_cli_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A weak ANALYSTS_SECRET is one sentence on how to make a strong one, exit 2, no trace."""
    monkeypatch.setenv("ANALYSTS_SECRET", "hunter2")
    get_settings.cache_clear()
    try:
        assert main(["threads", "list"]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "token_urlsafe" in err and "hunter2" not in err and "Traceback" not in err


def test_booking_version_names_the_installed_release(capsys: pytest.CaptureFixture[str]) -> None:
    """`booking --version` prints the installed distribution's version, for bug reports."""
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"booking {metadata.version('booking-agent')}"
