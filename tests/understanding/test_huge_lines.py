"""Huge and odd caller lines: the length bound is in force and every pass stays linear.

No test here has a wall-clock budget. Linearity is checked two ways that a busy machine
cannot fail: the number of function calls (deterministic), and the CPU time of a line
against one four times shorter (linear x4, quadratic x16, limit x8).
"""

from __future__ import annotations

import gc
import importlib
import re
import time
from collections.abc import Callable
from datetime import date
from datetime import time as clock
from functools import partial
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from bench.huge_lines import FAMILIES, NOW
from graph.understanding import Expecting, Understanding
from nodes.understanding import days, lexicon, names, relative
from nodes.understanding.bounds import LOOKBACK, MAX_UNDERSTOOD_CHARS, clip
from nodes.understanding.llm import LLMUnderstander
from nodes.understanding.rules import RuleUnderstander, understand_whole
from nodes.understanding.when import prepare
from tests.linear import calls
from tests.llm.fakes import Recorder

RULES = RuleUnderstander()
STATES: tuple[Expecting, ...] = ("request", "phone", "name", "slot_choice", "yes_no")
"""Every state whose passes differ ("appointment_choice" reads like "slot_choice")."""
HUGE = 100_000
NOISE = ("letter a", "punctuation", "control characters", "unicode")
"""Families that mean nothing, so a request said before them must still be read."""


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Load every table and cache once (holidays, patterns, phone metadata) before counting."""
    prepare("US", NOW.date())
    for make in FAMILIES.values():
        for state in STATES:
            understand_whole(make(300), expecting=state, now=NOW, region="US")


def _read(text: str, expecting: Expecting = "request") -> Understanding:
    return RULES.understand(text, expecting=expecting, now=NOW, region="US")


def test_a_short_line_is_not_clipped() -> None:
    """A line within the bound is understood whole."""
    line = "book me " * (MAX_UNDERSTOOD_CHARS // 8)
    assert clip(line) == line


def test_a_long_line_is_clipped_at_a_word_boundary() -> None:
    """A long line keeps its first words, and none is cut in two."""
    line = "book me tomorrow at 3pm please " * 1000
    kept = clip(line)
    assert len(kept) <= MAX_UNDERSTOOD_CHARS
    assert line.startswith(kept)
    assert line[len(kept)].isspace()


def test_one_word_longer_than_the_bound_is_cut_at_the_bound() -> None:
    """A line with no space at all is cut at the bound itself."""
    assert clip("a" * HUGE) == "a" * MAX_UNDERSTOOD_CHARS


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("expecting", STATES)
def test_a_huge_line_is_understood_as_its_bounded_prefix(family: str, expecting: Expecting) -> None:
    """The understanding of a 100 KB line is that of its first `MAX_UNDERSTOOD_CHARS`."""
    line = FAMILIES[family](HUGE)
    heard = _read(line, expecting)
    assert heard == understand_whole(clip(line), expecting=expecting, now=NOW, region="US")
    assert heard.text == clip(line)


@pytest.mark.parametrize("family", NOISE)
def test_a_request_at_the_start_of_a_huge_line_is_read(family: str) -> None:
    """ "book me tomorrow at 3pm" followed by 100 KB of noise is still that booking."""
    heard = _read("book me tomorrow at 3pm " + FAMILIES[family](HUGE))
    assert heard.intent == "book"
    assert heard.when.day == date(2025, 3, 13)
    assert heard.when.at == clock(15, 0)


def test_the_llm_is_sent_the_bounded_line() -> None:
    """The LLM engine sends the model the clipped line, not 100 KB."""
    model = Recorder()
    line = "I would like to book something, " + FAMILIES["lexicon words"](HUGE)
    heard = LLMUnderstander(model).understand(line, expecting="request", now=NOW, region="US")
    said = str(model.prompts[0][-1].content)
    assert isinstance(model.prompts[0][-1], HumanMessage)
    assert said.endswith("Caller: " + clip(line))
    assert heard.text == clip(line)


@pytest.mark.parametrize("family", FAMILIES)
def test_the_passes_make_linearly_many_calls(family: str) -> None:
    """Four times the line makes at most ~four times the calls, in every state.

    Deterministic: a loop that goes over the line once per phrase found (the quadratic
    phone scan before this test) makes ~16 times the calls. Limit x5: the fixed cost per
    line only makes linear growth smaller than x4.
    """
    short, long = FAMILIES[family](1_000), FAMILIES[family](4_000)
    for state in STATES:
        counts = [
            calls(partial(understand_whole, text, expecting=state, now=NOW, region="US"))
            for text in (short, long)
        ]
        assert counts[1] <= 5 * counts[0], (state, counts)


def _cpu(run: Callable[[], object]) -> float:
    """Return the CPU time `run` takes, with no garbage collection pause in it."""
    gc.disable()
    try:
        start = time.process_time()
        run()
        return time.process_time() - start
    finally:
        gc.enable()


@pytest.mark.parametrize("family", FAMILIES)
def test_the_passes_take_linear_time(family: str) -> None:
    """A line four times longer costs under eight times the CPU: no pass is quadratic.

    Regex backtracking is invisible to the call count, so this one times: CPU time, not
    wall-clock, so other processes do not count; interleaved runs, best of three each, so
    a slow moment hits both sizes. Linear is x4 (at most x4.1 measured, every family), the
    quadratic passes this replaced were x8 to x15 at these sizes; the limit is x8.
    """
    short, long = FAMILIES[family](2_000), FAMILIES[family](8_000)
    best = {len(short): float("inf"), len(long): float("inf")}
    for _ in range(3):
        for text in (short, long):
            run = partial(understand_whole, text, expecting="phone", now=NOW, region="US")
            best[len(text)] = min(best[len(text)], _cpu(run))
    ratio = best[len(long)] / max(best[len(short)], 1e-3)
    assert ratio < 8, best


# Read with the regex parser itself: its longest-match width is exact, and there is no
# public API for it (the private module is typed Any, as the bench does with dateparser).
_PARSER: Any = importlib.import_module("re._parser")


@pytest.mark.parametrize(
    "pattern",
    [
        lexicon.RULED_OUT,
        lexicon._DAY_BEFORE,
        relative.OFFSET_BEFORE,
        relative.WEEK_BEFORE,
        days._WEEK_OF,
        days._BOUND_BEFORE,
        names._TAIL_FILLER,
    ],
    ids=lambda pattern: pattern.pattern[:24],
)
def test_a_phrase_searched_before_a_position_fits_the_lookback(pattern: re.Pattern[str]) -> None:
    """Every pattern searched with `ending_at` is bounded, and no longer than `LOOKBACK`."""
    _, longest = _PARSER.parse(pattern.pattern, pattern.flags).getwidth()
    assert longest <= LOOKBACK


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("can I come tues", date(2025, 3, 18)),
        ("thurs at 3", date(2025, 3, 13)),
        ("the tues after next", date(2025, 3, 25)),
    ],
)
def test_short_weekday_names_are_read(line: str, day: date) -> None:
    """ "tues" and "thurs" are weekdays (they used to raise KeyError: "tue")."""
    assert _read(line).when.day == day


@pytest.mark.parametrize(
    ("line", "at"),
    [
        ("five after 415", None),
        ("half past twenty in the evening", clock(20, 30)),
        ("quarter to 16 in the afternoon", clock(15, 45)),
        ("half past 3", clock(15, 30)),
    ],
)
def test_a_spoken_time_past_12_is_a_24_hour_time(line: str, at: clock | None) -> None:
    """ "half past twenty" is 20:30 and "five after 415" no time (they used to raise)."""
    assert _read(line).when.at == at
