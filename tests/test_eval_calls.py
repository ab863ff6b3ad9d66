"""`booking eval-calls` plays whole calls with a goal-driven caller and scores the store."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from booking.cli import main
from booking.devtools.eval_calls import Caller, run
from booking.devtools.eval_dst import ALWAYS_OPEN
from graph.state import CallState, Task, no_task

pytestmark = pytest.mark.slow  # the whole shared dataset

CASES = [
    {  # read back at once and confirmed: correct
        "id": "said-exactly",
        "today": "2019-03-01",
        "user_turns": ["I'd like an appointment on the 7th at 3:30 pm", "Correct."],
        "expected": {"date": "2019-03-07", "time": "15:30"},
    },
    {  # the words mean the 7th but the goal is the 8th: the read-back must be refused
        "id": "wrong-read-back",
        "today": "2019-03-01",
        "user_turns": ["Book me on the 7th at 10am", "Yes, that works"],
        "expected": {"date": "2019-03-08", "time": "10:00"},
    },
    {  # offers that include the goal: the caller picks it by its time
        "id": "picks-an-offer",
        "today": "2019-03-01",
        "user_turns": ["Anything on Thursday after 12 pm?", "Yes please"],
        "expected": {"date": "2019-03-07", "time": "12:15"},
    },
    {  # no day in the caller's words: counted in all cases, not in the own-words line
        "id": "time-only",
        "today": "2019-03-01",
        "user_turns": ["Anything available at 12:45?", "Yes that's good for me."],
        "expected": {"date": "2019-03-01", "time": "12:45"},
    },
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the --errors report of the four cases (played once for all tests)."""
    path = tmp_path_factory.mktemp("eval") / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CASES))
    out = io.StringIO()
    assert run(path, errors=True, out=out) == 0
    return out.getvalue()


def test_summary_counts_every_case_then_the_own_words_ones(report: str) -> None:
    """The last two lines count outcomes over all cases, then over those with a spoken day."""
    assert report.splitlines()[-2:] == [
        "correct 3/4, wrong 0, none 1",
        "correct 2/3, wrong 0, none 1 (day and time in the caller's own words)",
    ]


def test_a_wrong_read_back_is_refused_not_booked(report: str) -> None:
    """The caller says no to a read-back that is not its goal, so nothing is booked."""
    block = report.split("wrong-read-back: ", 1)[1]
    assert block.startswith("none, expected 2019-03-08 10:00\n")
    lines = [line.strip() for line in block.splitlines()]
    read_back = next(i for i, line in enumerate(lines) if "March 7th at 10 AM" in line)
    assert lines[read_back + 1] == "caller*: no"
    assert "caller: Yes, that works" not in lines  # the plain yes was replaced by the no
    assert "why: the caller's turns ran out (agent waiting in stage ask_request)" in lines


def test_errors_shows_only_failing_calls(report: str) -> None:
    """Calls that booked their goal, by read-back or by a pick among offers, are not listed."""
    listed = [line.split(":")[0] for line in report.splitlines() if not line.startswith((" ", "("))]
    assert listed[:-2] == ["wrong-read-back"]


def test_command_line_limit_and_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`booking eval-calls FILE --limit 1` plays one case; a missing file exits 2."""
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(CASES[2]) + "\n" + json.dumps(CASES[1]) + "\n")
    assert main(["eval-calls", str(path), "--limit", "1", "--engine", "scripted-llm"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "correct 1/1, wrong 0, none 0"
    assert main(["eval-calls", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def offered(offers: list[str]) -> Task:
    """A booking with these slots on offer."""
    return {**no_task(), "kind": "book", "offers": offers}


def test_the_caller_names_its_goal_among_offers() -> None:
    """An offered goal is picked by its time, with its day when another offer shares it."""
    goal = datetime(2019, 3, 7, 15, 0, tzinfo=ALWAYS_OPEN.tz)
    caller = Caller(["Yes please"], goal=goal, now=goal)
    offers = [goal.isoformat(), (goal + timedelta(minutes=15)).isoformat()]
    assert caller.next_line(CallState(stage="offer_slots", task=offered(offers))) == (
        "the 3 PM one",
        False,
    )
    offers = [goal.isoformat(), (goal + timedelta(days=1)).isoformat()]
    assert caller.next_line(CallState(stage="offer_slots", task=offered(offers))) == (
        "the one on Thursday, March 7th at 3 PM",
        False,
    )
    assert caller.turns == ["Yes please"]  # a pick is the caller's own line, not a real turn
