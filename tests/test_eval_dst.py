"""`booking eval-dst` reports date, time and joint accuracy, and lists mismatches on demand."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from booking.devtools.eval_dst import run
from nodes.understanding.rules import RuleUnderstander

pytestmark = pytest.mark.slow  # the whole shared dataset

CASES = [
    {  # a correction: the last choice counts
        "id": "c1",
        "today": "2019-03-01",
        "user_turns": ["Book me on the 7th at 10am", "Actually, make it the 8th", "Yes"],
        "expected": {"date": "2019-03-08", "time": "10:00"},
    },
    {  # "after 4:30" settles on the first slot it allows
        "id": "c2",
        "today": "2019-03-01",
        "user_turns": ["Anything next Tuesday after 4:30 pm?", "That works"],
        "expected": {"date": "2019-03-05", "time": "16:30"},
    },
    {  # the expectation is wrong on purpose: it must be reported
        "id": "c3",
        "today": "2019-03-01",
        "user_turns": ["March 12th at half past 2 in the afternoon please"],
        "expected": {"date": "2019-03-12", "time": "15:30"},
    },
]


def write(tmp_path: Path) -> Path:
    """Write the cases as JSONL."""
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CASES))
    return path


def test_accuracy_lines_end_with_joint(tmp_path: Path) -> None:
    """Date, time and joint accuracy are printed in that order, joint last, with counts."""
    out = io.StringIO()
    assert run(write(tmp_path), errors=False, engine=RuleUnderstander(), out=out) == 0
    assert out.getvalue().splitlines() == [
        "date accuracy: 1.000 (3/3)",
        "time accuracy: 0.667 (2/3)",
        "joint accuracy: 0.667 (2/3)",
    ]


def test_errors_lists_each_mismatch_with_its_turns(tmp_path: Path) -> None:
    """With --errors the mismatching case is shown with what was expected and what was got."""
    out = io.StringIO()
    run(write(tmp_path), errors=True, engine=RuleUnderstander(), out=out)
    text = out.getvalue()
    assert "c3: expected 2019-03-12 15:30, got 2019-03-12 14:30" in text
    assert "    | March 12th at half past 2 in the afternoon please" in text
    assert "c1:" not in text and "c2:" not in text


def test_shared_dataset_meets_the_target() -> None:
    """The rule engine keeps joint accuracy at or above 0.95 on the SGD services cases."""
    path = Path(__file__).resolve().parents[2] / "shared/datasets/sgd-services/cases.jsonl"
    assert path.exists(), f"the shared dataset is missing at {path}"
    out = io.StringIO()
    run(path, errors=False, engine=RuleUnderstander(), out=out)
    joint = out.getvalue().splitlines()[-1]
    assert float(joint.split()[2]) >= 0.95, joint
