"""Time the rule engine on huge caller lines, with the length bound and without it.

    python -m bench.huge_lines [--sizes 10,50,100]   # KB

Each family of adversarial lines (`FAMILIES`) is built at each size and understood in
the pending-question states; the report gives the worst cost per family and size, in CPU
time (what the line costs this process, whatever else the machine is doing), two ways:

* bounded: `RuleUnderstander.understand`, what a call runs, in all six states. It reads
  the first `bounds.MAX_UNDERSTOOD_CHARS` characters, so its cost must not grow with the
  line; budget `BUDGET_MS`.
* whole: `rules.understand_whole` on the full line, every pass on every character, in
  `WHOLE_STATES`. Its growth from the smallest size to the largest is printed next to the
  size ratio: linear passes grow like the line (x10 from 10 to 100 KB), a quadratic one
  like its square (x100). This shows the passes are linear, not only hidden behind the
  bound. It takes a few minutes.

Each figure is the best of `REPEATS` runs.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from graph.understanding import Expecting
from nodes.understanding.bounds import MAX_UNDERSTOOD_CHARS
from nodes.understanding.lexicon import MONTHS, TEENS, UNIT_VALUE, WEEKDAYS
from nodes.understanding.rules import RuleUnderstander, understand_whole
from nodes.understanding.when import prepare

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
STATES: tuple[Expecting, ...] = (
    "request",
    "phone",
    "name",
    "slot_choice",
    "appointment_choice",
    "yes_no",
)
WHOLE_STATES: tuple[Expecting, ...] = ("phone", "yes_no")
"""The costliest states (phone: every digit run is an attempt; yes/no: "book it" is read
first); the others change only cheap branches, and the tests count calls in them too."""
BUDGET_MS = 50.0
"""The most one caller line of any length may cost the bounded engine."""
REPEATS = 2

_CUE_WORDS = """
    yes no but not actually make it instead rather the a on at after before between and
    until book cancel reschedule my appointment available tomorrow today next this week
    weekend am pm oh double triple number phone name is please thanks one first second last
    of in from days weeks ago half past quarter to noon morning afternoon evening
"""
LEXICON = (
    *_CUE_WORDS.split(),
    *WEEKDAYS,
    *MONTHS,
    *UNIT_VALUE,
    *TEENS,
    "13th",
    "3:30",
    "4pm",
    "3/4",
)
"""Words the passes react to: random lines of them make every pass find many phrases."""


def _repeat(unit: str, last: str = "") -> Callable[[int], str]:
    # Whole units only, so lines of every size end alike ("please", not "pleas").
    return lambda size: unit * max(1, (size - len(last)) // len(unit)) + last


def _words(size: int) -> str:
    pick = random.Random(12).choice  # the same line on every run
    words: list[str] = []
    length = 0
    while length < size:
        words.append(pick(LEXICON))
        length += len(words[-1]) + 1
    return " ".join(words)[:size]


FAMILIES: dict[str, Callable[[int], str]] = {
    "digits with spaces": _repeat("1 2 3 4 5 6 7 8 9 0 "),
    "phone-like numbers": _repeat("555 0123 and "),
    "one long number": _repeat("4155550123"),
    "digits and dashes": _repeat("1-"),
    "dates 1/2": _repeat("1/"),
    "clock 1:": _repeat("1:"),
    "yes but": _repeat("yes but "),
    "not": _repeat("not "),
    "the": _repeat("the "),
    "um": _repeat("um "),
    "one": _repeat("one "),
    "oh": _repeat("oh "),
    "tomorrow": _repeat("tomorrow "),
    "at 3 pm": _repeat("at 3 pm "),
    "please, then a word": _repeat("please ", last="sam"),
    "my name is": _repeat("my name is "),
    "letter a": _repeat("a"),
    "apostrophes": _repeat("'a"),
    "unicode": _repeat("日本語 é ü ß İ 😀 "),
    "punctuation": _repeat("!?.,;:'\"()[]{}-/ "),
    "control characters": _repeat("\x00\x01\x02\t\n\r\x0b\x0c\x1f\x7f"),
    "lexicon words": _words,
}
"""Adversarial caller lines by family, each a function of the size in characters."""


def cost_ms(run: Callable[[], object], repeats: int = 1) -> float:
    """Return the least CPU time `run` takes over `repeats` runs, in ms."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best * 1000


def worst_ms(text: str, *, whole: bool) -> float:
    """Return the worst cost of understanding `text` over the states, in ms."""
    understand = understand_whole if whole else RuleUnderstander().understand
    return max(
        cost_ms(partial(understand, text, expecting=state, now=NOW, region="US"), REPEATS)
        for state in (WHOLE_STATES if whole else STATES)
    )


def main(argv: list[str] | None = None) -> int:
    """Time every family at every size, bounded and whole, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,100", help="line sizes in KB")
    args = parser.parse_args(argv)
    sizes = [int(kb) * 1000 for kb in args.sizes.split(",")]
    prepare("US", NOW.date())
    worst_ms("warm up: compile every pattern once", whole=True)
    heads = " ".join(f"{size // 1000:>6} KB" for size in sizes)
    print(f"bound: {MAX_UNDERSTOOD_CHARS} characters; worst CPU time over the states, in ms")
    print(f"{'family':<20} {'bounded':<{9 * len(sizes)}} {'whole line':<{9 * len(sizes)}} growth")
    print(f"{'':<20} {heads} {heads}")
    worst_bounded, worst_growth = 0.0, 0.0
    for name, make in FAMILIES.items():
        lines = [make(size) for size in sizes]
        bounded = [worst_ms(line, whole=False) for line in lines]
        whole = [worst_ms(line, whole=True) for line in lines]
        growth = whole[-1] / whole[0]
        worst_bounded, worst_growth = max(worst_bounded, *bounded), max(worst_growth, growth)
        cells = " ".join(f"{ms:9.1f}" for ms in (*bounded, *whole))
        print(f"{name:<20}{cells}   x{growth:.1f}")
    verdict = "within" if worst_bounded <= BUDGET_MS else "OVER"
    print(f"worst bounded line: {worst_bounded:.1f} ms ({verdict} the {BUDGET_MS:g} ms budget)")
    print(
        f"worst growth of the whole line, {sizes[0] // 1000} to {sizes[-1] // 1000} KB: "
        f"x{worst_growth:.1f} (x{sizes[-1] / sizes[0]:g} is linear, "
        f"x{(sizes[-1] / sizes[0]) ** 2:g} quadratic)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
