"""`booking business check`: a valid file's summary and week, a broken one's lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from booking.cli import main
from booking.settings import get_settings

EXAMPLE = Path(__file__).resolve().parents[1] / "business.example.yaml"
MONDAY = "2026-11-23"
"""The Monday of Thanksgiving week 2026: a day off, two holidays and a weekend ahead."""


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Read the settings again for each test, without BUSINESS_FILE unless it sets one."""
    monkeypatch.delenv("BUSINESS_FILE", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `booking business check ...`; return the exit status, stdout and stderr."""
    code = main(["business", "check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_example_file_is_summed_up(capsys: pytest.CaptureFixture[str]) -> None:
    """The summary says the hours, what each service takes and costs, and who does it."""
    code, out, err = check(capsys, str(EXAMPLE), "--today", MONDAY)
    assert (code, err) == (0, "")
    summary = out.split("\n\nthe week")[0].splitlines()
    assert summary[:5] == [
        f"{EXAMPLE} is valid: Bright Smile Dental (America/Los_Angeles)",
        "hours: mon-thu 08:00-17:00; fri 08:00-14:00",
        "slots every 30 min, booked 120 min to 60 days ahead, at most 3 upcoming a caller",
        "closed: 2026-12-24, 2026-12-28 to 2026-12-31, the public holidays of US-CA",
        "past appointments marked completed: yes",
    ]
    assert "services (default: checkup and cleaning)" in summary
    filling = summary.index("  filling: filling, 60 min + 15 buffer, 180.00")
    assert summary[filling + 1] == "      by: Dr. Patel, Dr. Kim"
    assert "  consultation: consultation, 30 min, free" in summary
    kim = summary.index("  kim: Dr. Kim (person)")
    assert summary[kim + 1] == "      hours: tue, thu 09:00-17:00; fri 08:00-14:00"
    sam = summary.index("  sam: Sam (person)")
    assert summary[sam + 1 : sam + 3] == [
        "      hours: the business's",
        "      days off: 2026-12-07 to 2026-12-11",
    ]


def test_the_week_shows_each_persons_starts_or_why_they_are_off(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each person's seven days: their window and starts, a day off, holidays, days not worked."""
    _, out, _ = check(capsys, str(EXAMPLE), "--today", MONDAY)
    week = out.split("the week from Mon 2026-11-23, before bookings\n")[1]
    assert week.split("Dr. Kim")[0].splitlines() == [
        "Dr. Patel: starts of filling, 60 min",
        "    Mon 11-23  day off",
        "    Tue 11-24  08:00-17:00  08:00 08:30 09:00 09:30 10:00 10:30 11:00 11:30 12:00 12:30"
        " 13:00 13:30",
        "                            14:00 14:30 15:00 15:30 16:00",
        "    Wed 11-25  08:00-17:00  08:00 08:30 09:00 09:30 10:00 10:30 11:00 11:30 12:00 12:30"
        " 13:00 13:30",
        "                            14:00 14:30 15:00 15:30 16:00",
        "    Thu 11-26  closed: Thanksgiving Day",
        "    Fri 11-27  closed: Day After Thanksgiving",
        "    Sat 11-28  not working Saturdays",
        "    Sun 11-29  not working Sundays",
    ]
    kim = week.split("Dr. Kim: starts of filling, 60 min\n")[1].splitlines()
    assert kim[0] == "    Mon 11-23  not working Mondays"
    assert kim[1].startswith("    Tue 11-24  09:00-17:00  09:00 09:30")
    sam = week.split("Sam: starts of checkup and cleaning, 45 min\n")[1].splitlines()
    assert sam[0].startswith("    Mon 11-23  08:00-17:00  08:00")
    assert sam[1].endswith("16:00")  # 16:30 would end at 17:15, after closing
    assert sam[-2:] == ["    Sat 11-28  closed on Saturdays", "    Sun 11-29  closed on Sundays"]


def test_a_closure_and_a_run_of_days_off_show_in_the_week(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Sam's week off and the practice's Christmas Eve closure are said on their days."""
    _, out, _ = check(capsys, str(EXAMPLE), "--today", "2026-12-07")
    sam = out.split("Sam: starts of checkup and cleaning, 45 min\n")[1].splitlines()
    assert sam[:5] == [f"    {d}  day off" for d in ("Mon 12-07", "Tue 12-08", "Wed 12-09",
                                                    "Thu 12-10", "Fri 12-11")]  # fmt: skip
    _, out, _ = check(capsys, str(EXAMPLE), "--today", "2026-12-24")
    assert "    Thu 12-24  closed: business closure" in out.splitlines()
    assert "    Fri 12-25  closed: Christmas Day" in out.splitlines()


def test_a_broken_file_is_each_problem_on_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Exit 1, every problem naming its line on stderr, nothing on stdout, no traceback."""
    broken = tmp_path / "business.yaml"
    text = EXAMPLE.read_text().replace("duration: 60", "duration: -60")
    broken.write_text(text.replace("max_upcoming: 3", "max_upcomming: 3"))
    code, out, err = check(capsys, str(broken))
    lines = {n + 1 for n, line in enumerate(text.splitlines()) if "-60" in line or "max_up" in line}
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{broken}, line {min(lines)}: max_upcomming: unknown key (did you mean 'max_upcoming'?)",
        f"{broken}, line {max(lines)}: services[1].duration: must be greater than 0",
    ]


def test_without_file_it_checks_business_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """FILE left out, the check reads BUSINESS_FILE; with neither, it says what to give."""
    code, _, err = check(capsys)
    assert (code, err) == (2, "booking business check: give FILE, or set BUSINESS_FILE\n")
    monkeypatch.setenv("BUSINESS_FILE", str(EXAMPLE))
    get_settings.cache_clear()
    code, out, _ = check(capsys, "--today", MONDAY)
    assert code == 0 and out.startswith(f"{EXAMPLE} is valid: Bright Smile Dental")
