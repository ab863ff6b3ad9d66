"""The day and time each real dialogue booked, said in other everyday ways, still read right.

The rules were tuned on the shared SGD dialogues; held-out callers say the same days in
other words. Each case's booked date and time is rephrased (calendar forms, relative
days, weekday plus date, clock forms with and without am/pm, spoken minutes) inside a
few carrier sentences, and must resolve to exactly that day and time, or be asked about:
never another day.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nodes.understanding.when import resolve_when

pytestmark = pytest.mark.slow  # the whole shared dataset

TZ = ZoneInfo("America/Los_Angeles")
CASES = Path(__file__).resolve().parents[3] / "shared/datasets/sgd-services/cases.jsonl"
WORDS = [
    "twelve",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
]
MINUTES = {15: "fifteen", 30: "thirty", 45: "forty five"}
CARRIERS = (
    "Can you book it for {d} at {t}?",
    "I'd like {d} at {t} please.",
    "Make it {t} on {d}.",
    "Is there anything {d} at {t}?",
    "{d}, {t} works for me.",
)


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def day_phrases(today: date, day: date) -> list[str]:
    """Everyday ways to name `day` when said on `today`."""
    month, weekday, n = day.strftime("%B"), day.strftime("%A"), _ordinal(day.day)
    said = [f"{month} {n}", f"the {n} of {month}", f"{month} {day.day}", f"the {n}"]
    said += [f"on the {n}", f"{weekday} the {n}", f"{weekday}, {month} {n}"]
    ahead = (day - today).days
    said += {0: ["today", "later today"], 1: ["tomorrow"], 2: ["the day after tomorrow"]}.get(
        ahead, []
    )
    if 0 < ahead < 7:
        said += [f"this {weekday}", weekday, f"this coming {weekday}"]
    if day.month == today.month:
        said.append(f"the {n} of this month")
    return said


def time_phrases(at: time) -> list[str]:
    """Everyday ways to say the clock time `at`."""
    hour, minute = at.hour % 12 or 12, at.minute
    meridiem = "am" if at.hour < 12 else "pm"
    part = "morning" if at.hour < 12 else "afternoon" if at.hour < 17 else "evening"
    said = [f"{hour}:{minute:02d} {meridiem}", f"{hour}:{minute:02d} in the {part}"]
    said.append(f"{part} {hour}:{minute:02d}" if minute else f"{part} {hour}")
    if at.hour >= 13:
        said.append(f"{at.hour}:{minute:02d}")
    if minute == 30:
        said += [f"half past {hour} in the {part}", f"half past {WORDS[hour % 12]} in the {part}"]
    if minute == 15:
        said.append(f"a quarter past {WORDS[hour % 12]} in the {part}")
    if minute == 45:
        said.append(f"quarter to {hour % 12 + 1} in the {part}")
    if minute == 0:
        said += [f"{hour} {meridiem}", f"{WORDS[hour % 12]} o'clock in the {part}"]
    if minute in MINUTES:
        said.append(f"{WORDS[hour % 12]} {MINUTES[minute]} {meridiem}")
    return said


def test_rephrased_bookings_never_read_as_another_day_or_time() -> None:
    """Thousands of rephrasings of the booked day and time: none misread, none dropped."""
    rng = random.Random(11)
    checked, wrong = 0, []
    for line in CASES.read_text().splitlines():
        case = json.loads(line)
        today = date.fromisoformat(case["today"])
        day = date.fromisoformat(case["expected"]["date"])
        at = time.fromisoformat(case["expected"]["time"])
        now = datetime.combine(today, time(8), TZ)
        days, times = day_phrases(today, day), time_phrases(at)
        for _ in range(4):
            d, t = rng.choice(days), rng.choice(times)
            text = rng.choice(CARRIERS).format(d=d, t=t)
            got = resolve_when(text, now=now)
            checked += 1
            if got.ambiguous is None and (got.day, got.at) != (day, at):
                wrong.append(f"{text!r}: got {got.day} {got.at}, booked {day} {at}")
    assert checked > 4000
    assert not wrong, f"{len(wrong)} misread:\n" + "\n".join(wrong[:30])
