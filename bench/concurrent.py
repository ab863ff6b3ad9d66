"""Run work on threads released together and time it: the benchmarks' saturation runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def rate(threads: int, work: Callable[[int], int]) -> float:
    """Run `work(i)` on `threads` threads released at once; return the units per second they did.

    `work` returns how many units (steps, bookings) it did. A thread that fails is raised
    here once every thread has ended, so a failure never reads as a slow run.
    """
    done = [0] * threads
    failures: list[BaseException] = []
    go = threading.Barrier(threads + 1)

    def run(i: int) -> None:
        go.wait()
        try:
            done[i] = work(i)
        except BaseException as error:
            failures.append(error)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    go.wait()
    began = time.perf_counter()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise failures[0]
    return sum(done) / elapsed
