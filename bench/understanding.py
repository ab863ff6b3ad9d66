"""Benchmark the rule engine on real caller utterances, against dateparser in the same run.

    python -m bench.understanding [FILE]   # default ../shared/datasets/sgd-services/cases.jsonl

Every caller utterance of the file is timed through `RuleUnderstander.understand`
(expecting "request", the clock at the case's `today` 00:00 in America/Los_Angeles) after
a short warm-up; the report gives the median and p95 in ms. The baseline, on the same
utterances in the same run, is `dateparser.search.search_dates` (future dates preferred,
the case's day as relative base), the usual off-the-shelf way to pull dates out of free
text. It only finds dates, while the rule engine also reads intents, yes/no, picks,
names and phone numbers. Called like that, dateparser first guesses the language of each
utterance, which is most of its cost (~37 ms each: the whole file would take minutes),
so that call is timed on an evenly spaced sample of SAMPLE utterances, and the same call
pinned to English, the fair price of its date parsing alone, on all of them.
dateparser is a dev extra only (`pip install -e '.[dev]'`); without it the baseline is
skipped, and said so.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nodes.understanding.rules import RuleUnderstander

TZ = ZoneInfo("America/Los_Angeles")
DEFAULT_FILE = Path("../shared/datasets/sgd-services/cases.jsonl")
BUDGET_MS = 2.0
"""Median cost per utterance the rule engine must stay under (warm)."""


def load(path: Path) -> list[tuple[str, date]]:
    """Return every caller utterance of a cases file with its case's `today`."""
    utterances: list[tuple[str, date]] = []
    with path.open() as lines:
        for line in lines:
            if line.strip():
                case = json.loads(line)
                today = date.fromisoformat(case["today"])
                utterances += [(text, today) for text in case["user_turns"]]
    return utterances


SAMPLE = 300
"""Utterances timed for the language-guessing dateparser call (evenly spaced, fixed)."""
WARM_UP = 100
"""Utterances run untimed first, so imports, regex compilation and caches are paid for."""


def time_each(
    run: Callable[[str, date], object], utterances: list[tuple[str, date]]
) -> list[float]:
    """Return the cost of `run` on each utterance in ms, after an untimed warm-up."""
    for text, today in utterances[:WARM_UP]:
        run(text, today)
    costs: list[float] = []
    for text, today in utterances:
        start = time.perf_counter()
        run(text, today)
        costs.append((time.perf_counter() - start) * 1000)
    return costs


def rules_runner() -> Callable[[str, date], object]:
    """Return the rule engine as a function of (utterance, today)."""
    engine = RuleUnderstander()

    def run(text: str, today: date) -> object:
        now = datetime(today.year, today.month, today.day, tzinfo=TZ)
        return engine.understand(text, expecting="request", now=now, region="US")

    return run


def dateparser_runner(*, english: bool = False) -> Callable[[str, date], object] | None:
    """Return dateparser's `search_dates` as the same kind of function, or None if missing."""
    try:
        # imported by name: a dev-only dependency without type stubs
        search: Any = importlib.import_module("dateparser.search")
    except ImportError:
        return None
    languages = {"languages": ["en"]} if english else {}

    def run(text: str, today: date) -> object:
        base = datetime(today.year, today.month, today.day)  # naive, as dateparser expects
        settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base}
        return search.search_dates(text, settings=settings, **languages)

    return run


def percentile(costs: list[float], share: float) -> float:
    """Return the `share` quantile (0..1) of the costs."""
    ordered = sorted(costs)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    """Time both engines on the file and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args(argv)
    utterances = load(args.file)
    print(f"{len(utterances)} caller utterances from {args.file}")

    rules = time_each(rules_runner(), utterances)
    median = statistics.median(rules)
    verdict = "within" if median <= BUDGET_MS else "OVER"
    print(
        f"RuleUnderstander.understand: median {median:.3f} ms, p95 "
        f"{percentile(rules, 0.95):.3f} ms ({verdict} the {BUDGET_MS:g} ms budget)"
    )
    baseline = dateparser_runner()
    if baseline is None:
        print("baseline skipped: dateparser is not installed (pip install -e '.[dev]')")
        return 0
    step = max(1, len(utterances) // SAMPLE)
    theirs = time_each(baseline, utterances[::step])
    their_median = statistics.median(theirs)
    print(
        f"baseline dateparser.search.search_dates ({len(theirs)} sampled): median "
        f"{their_median:.3f} ms, p95 {percentile(theirs, 0.95):.3f} ms"
    )
    print(f"ratio (rules / baseline, medians): {median / their_median:.3f}")
    english = dateparser_runner(english=True)
    assert english is not None
    pinned = time_each(english, utterances)
    print(
        f"same call with languages=['en']: median {statistics.median(pinned):.3f} ms, "
        f"p95 {percentile(pinned, 0.95):.3f} ms, "
        f"ratio {median / statistics.median(pinned):.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
