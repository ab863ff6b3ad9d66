"""Every shipped scenario passes: replies, final database and checkpointed state."""

from __future__ import annotations

from pathlib import Path

import pytest

from booking.devtools.scenarios import run_scenario, scenario_files

SCENARIOS = sorted(scenario_files([str(Path(__file__).parent.parent / "scenarios")]))


def test_the_suite_covers_at_least_thirty_conversations() -> None:
    """The issue asks for at least 30 scenarios; losing some would go unnoticed otherwise."""
    assert len(SCENARIOS) >= 30


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path, tmp_path: Path) -> None:
    """The scenario's conversation meets every expectation it states."""
    result = run_scenario(path, workdir=tmp_path)
    transcript = "\n".join(result.transcript)
    assert result.failure is None, f"{result.failure}\n{transcript}"


def test_a_wrong_expectation_fails_the_scenario(tmp_path: Path) -> None:
    """The runner is not a rubber stamp: a reply that lacks the expected words fails."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: wrong on purpose\n"
        "now: 2026-11-25T10:00:00-08:00\n"
        'phone: "+14155550123"\n'
        "turns:\n"
        "  - caller: what do you have Monday morning\n"
        "    agent: Saturday\n"
    )
    result = run_scenario(bad, workdir=tmp_path)
    assert result.failure is not None and "Saturday" in result.failure


def test_a_wrong_database_expectation_fails(tmp_path: Path) -> None:
    """An expected booking that is not in the database fails the scenario."""
    bad = tmp_path / "bad_db.yaml"
    bad.write_text(
        "name: nothing was booked\n"
        "now: 2026-11-25T10:00:00-08:00\n"
        'phone: "+14155550123"\n'
        "turns:\n"
        "  - caller: bye\n"
        "expect:\n"
        '  appointments: [{phone: "+14155550123", start: "2026-11-30T10:00"}]\n'
    )
    result = run_scenario(bad, workdir=tmp_path)
    assert result.failure is not None and "database" in result.failure
