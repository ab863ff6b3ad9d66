"""Fuzzed calls: 20,000 generated caller lines through the real graph, and what must hold.

Garbage, control characters, 100 KB lines, SQL, half sentences, other callers' numbers and
real requests from the shared dialogues, across hundreds of calls from trusted, web and
new callers. Every reply must be a sentence short enough to say, no step may raise, and the
database may change only by a yes to the read-back of that very change, heard last, on an
account the call was trusted with.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from tests.fuzz_calls import run_calls

pytestmark = pytest.mark.slow  # 20,000 fuzzed lines in two processes

UTTERANCES = int(os.environ.get("FUZZ_UTTERANCES", "20000"))
SEED = 20261206
WORKERS = 2


def test_fuzzed_calls_never_crash_never_ramble_and_write_only_on_a_heard_yes() -> None:
    """20,000 generated lines: no exception, every reply said and short, every write agreed."""
    share = -(-UTTERANCES // WORKERS)
    with ProcessPoolExecutor(WORKERS, mp_context=get_context("spawn")) as pool:
        runs = list(pool.map(run_calls, [SEED + n for n in range(WORKERS)], [share] * WORKERS))
    said = sum(lines for lines, _, _ in runs)
    assert said >= UTTERANCES
    assert all(calls > 100 for _, calls, _ in runs)  # across many calls, not a few long ones
    assert all(writes > 0 for _, _, writes in runs)  # real writes were made, and audited
