"""Benchmark bookings per second the Postgres store sustains with concurrent callers.

    python -m bench.store_throughput                      # throwaway DB from tests/pg.py
    python -m bench.store_throughput --callers 8 --runs 5 --per-caller 200
    python -m bench.store_throughput --database-url postgresql://user@host/db

Each run: 8 caller threads (by default) share one store, each books its own distinct
slots (so none is refused) as fast as it can; the figure is bookings / wall time, and the
median of the runs is reported. The same workload on a SqliteStore (one WAL file, its
connection behind a lock) is measured in the same run as the baseline.

Without --database-url a throwaway database is created on the test server and dropped
afterwards. With one, that database must be migrated (`booking db migrate`); the bench
writes users with +1999… numbers and their appointments, and deletes them when done.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from bench.concurrent import rate
from store.port import Store
from store.postgres import PostgresStore
from store.sqlite import SqliteStore

FIRST_SLOT = datetime(2031, 1, 6, 8, 0, tzinfo=UTC)
PHONE_PREFIX = "+1999"


def one_run(store: Store, *, callers: int, per_caller: int, run: int) -> float:
    """Book `callers * per_caller` distinct slots from `callers` threads; return bookings/s."""
    users = [store.create_user(phone=f"{PHONE_PREFIX}{run:03d}{i:04d}") for i in range(callers)]

    def caller(i: int) -> int:
        for j in range(per_caller):
            n = (run * callers + i) * per_caller + j
            store.book(
                user_id=users[i].id,
                start=FIRST_SLOT + timedelta(minutes=30 * n),
                duration_min=30,
                idempotency_key=f"bench-{run}-{i}-{j}",
            )
        return per_caller

    return rate(callers, caller)


def measure(
    opener: Callable[[], AbstractContextManager[Store]], *, callers: int, per_caller: int, runs: int
) -> list[float]:
    """Return bookings/s of each run, after one unmeasured warm-up run."""
    with opener() as store:
        one_run(store, callers=callers, per_caller=max(1, per_caller // 10), run=0)
        return [
            one_run(store, callers=callers, per_caller=per_caller, run=r)
            for r in range(1, runs + 1)
        ]


@contextmanager
def postgres_database(url: str | None) -> Iterator[str]:
    """Yield the given database (cleaning the bench rows afterwards) or a throwaway one."""
    if url is None:
        from tests.pg import throwaway_database  # noqa: PLC0415  # only the default needs it

        with throwaway_database() as throwaway:
            yield throwaway
        return
    try:
        yield url
    finally:
        with psycopg.connect(url, autocommit=True) as c, c.transaction():
            mine = "SELECT id FROM users WHERE contact_number LIKE %s"
            like = (f"{PHONE_PREFIX}%",)
            c.execute(f"DELETE FROM appointments WHERE user_id IN ({mine})", like)
            c.execute("DELETE FROM users WHERE contact_number LIKE %s", like)


def main(argv: list[str] | None = None) -> int:
    """Print bookings/s of the Postgres store and of the SQLite baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--callers", type=int, default=8)
    parser.add_argument("--per-caller", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="a migrated Postgres database")
    args = parser.parse_args(argv)
    shape = {"callers": args.callers, "per_caller": args.per_caller, "runs": args.runs}
    with postgres_database(args.database_url) as url:
        pg = measure(lambda: PostgresStore(url, max_size=args.callers), **shape)
    with tempfile.TemporaryDirectory() as tmp:
        lite = measure(lambda: SqliteStore(Path(tmp) / "bench.db"), **shape)
    total = args.callers * args.per_caller
    print(f"{args.callers} concurrent callers, {total} bookings per run, {args.runs} runs")
    for name, rates in (("postgres", pg), ("sqlite", lite)):
        spread = ", ".join(f"{r:.0f}" for r in rates)
        print(f"  {name:<8} median {statistics.median(rates):7.0f} bookings/s  ({spread})")
    print(f"  postgres / sqlite: {statistics.median(pg) / statistics.median(lite):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
