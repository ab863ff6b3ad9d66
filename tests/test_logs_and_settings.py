"""Logs mask phone numbers; settings describe the business calendar."""

from __future__ import annotations

import logging
from datetime import date, time
from importlib import metadata

import pytest

from booking.cli import main
from booking.logs import MaskPhones
from booking.settings import Settings, get_settings, parse_hours
from store.privacy import mask_phones


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


def test_opening_hours_are_read_per_weekday() -> None:
    """Ranges and single days both parse; unlisted days are closed."""
    hours = parse_hours("mon-fri 09:00-16:00; sat 10:00-13:00")
    assert hours[0] == (time(9), time(16)) and hours[5] == (time(10), time(13))
    assert 6 not in hours


@pytest.mark.parametrize("spec", ["mon-fri 9-16", "funday 09:00-10:00", "mon 16:00-09:00"])
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
