"""`booking eval-dst`: measure understanding + dialogue-state tracking on real dialogues.

Each case is a caller's turns from a booking dialogue (Schema-Guided Dialogue, see
../shared/datasets/sgd-services/README.md) and the date and time finally booked. The
turns answered another system's questions, so they are not replayed through our own
dialogue; they go, in order, through the same understanding engine and the same tracker
(`nodes.dialogue.track`) the graph uses, with the caller identified and booking, the
clock at the start of the case's `today`, and the business open every day, all day.
What the caller has settled on is what the graph's slot search would read back for the
tracked wish after the last turn: an exact time if one was said, else the first slot the
wish allows ("after 3:30" → 15:30), on a calendar open every day, all day, in 15-minute
slots (the grid of the data), so that no calendar rule interferes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO, cast
from zoneinfo import ZoneInfo

from business.calendar import BusinessCalendar
from business.slots import find_slots
from graph.state import CallState, Task, no_task
from graph.understanding import Understander
from nodes.dialogue import EXPECTING, track
from nodes.wish import to_query

TZ = ZoneInfo("America/Los_Angeles")
ALWAYS_OPEN = BusinessCalendar(
    timezone="America/Los_Angeles",
    hours={day: (time(0, 0), time(23, 59)) for day in range(7)},
    slot_minutes=15,
    min_lead_minutes=0,
    horizon_days=366,
)


@dataclass(frozen=True)
class Outcome:
    """What the tracker settled on for one case, against what was booked."""

    id: str
    expected_date: str
    expected_time: str
    got_date: str | None
    got_time: str | None

    @property
    def date_ok(self) -> bool:
        """Return True when the date matches."""
        return self.got_date == self.expected_date

    @property
    def time_ok(self) -> bool:
        """Return True when the time matches."""
        return self.got_time == self.expected_time


def settle(turns: Iterable[str], *, today: date, engine: Understander) -> CallState:
    """Feed the caller's turns through understanding and tracking; return the final state."""
    now = datetime.combine(today, time(0, 0), tzinfo=TZ)
    booking: Task = {**no_task(), "kind": "book"}
    state = CallState(call_id="eval", user_id="caller", stage="ask_request", task=booking)
    for text in turns:
        heard = engine.understand(text, expecting=EXPECTING[state.stage], now=now, region="US")
        update = track(state, heard)
        if update.get("act") == "never_mind":
            update = {**update, "task": {**no_task(), "kind": "book"}}
        update.pop("speech", None)  # the reply is not scored; the rest are fields as they are
        state = replace(state, **cast("dict[str, Any]", update))
    return state


def evaluate(case: dict[str, Any], engine: Understander) -> Outcome:
    """Run one case."""
    today = date.fromisoformat(case["today"])
    state = settle(case["user_turns"], today=today, engine=engine)
    got_date, got_time = settled_slot(state, today=today)
    return Outcome(
        id=case["id"],
        expected_date=case["expected"]["date"],
        expected_time=case["expected"]["time"],
        got_date=got_date,
        got_time=got_time,
    )


def settled_slot(state: CallState, *, today: date) -> tuple[str | None, str | None]:
    """Return the day and time the graph would read back for the tracked wish."""
    wish = state.task["wish"]
    if not wish.get("day") or not (wish.get("at") or wish.get("earliest")):
        return wish.get("day"), wish.get("at")  # no single slot: report what is known
    found = find_slots(
        ALWAYS_OPEN,
        to_query(wish),
        now=datetime.combine(today, time(0, 0), tzinfo=TZ),
        busy=lambda start, end: (),
        limit=1,
    )
    if not found.matched or not found.slots:
        return wish.get("day"), wish.get("at")
    slot = found.slots[0]
    return slot.date().isoformat(), slot.strftime("%H:%M")


def report(outcomes: list[Outcome], out: TextIO, *, errors: bool, cases: dict[str, Any]) -> None:
    """Print mismatches (optionally) and the three accuracy lines."""
    total = len(outcomes)
    if errors:
        for o in outcomes:
            if not (o.date_ok and o.time_ok):
                print(
                    f"{o.id}: expected {o.expected_date} {o.expected_time}, "
                    f"got {o.got_date} {o.got_time}",
                    file=out,
                )
                for turn in cases[o.id]["user_turns"]:
                    print(f"    | {turn}", file=out)
    for label, hits in (
        ("date", sum(o.date_ok for o in outcomes)),
        ("time", sum(o.time_ok for o in outcomes)),
        ("joint", sum(o.date_ok and o.time_ok for o in outcomes)),
    ):
        print(f"{label} accuracy: {hits / total if total else 0:.3f} ({hits}/{total})", file=out)


def load_cases(path: Path) -> dict[str, dict[str, Any]]:
    """Read a JSONL file of cases, keyed by id."""
    with path.open() as lines:
        return {c["id"]: c for c in (json.loads(line) for line in lines if line.strip())}


def run(path: Path, *, errors: bool, engine: Understander, out: TextIO = sys.stdout) -> int:
    """Evaluate every case of a JSONL file; always exit 0 (a score is not a failure)."""
    cases = load_cases(path)
    outcomes = [evaluate(case, engine) for case in cases.values()]
    report(outcomes, out, errors=errors, cases=cases)
    return 0
