"""Benchmark notices claimed and finished per second through the Postgres outbox.

    python -m bench.outbox_throughput                 # throwaway DB from tests/pg.py
    python -m bench.outbox_throughput --notices 4000 --batch 20 --runs 5
    DATABASE_URL=postgresql://... python -m bench.outbox_throughput --keep-url

Each run owes `--notices` notices (one INSERT of as many appointments: the trigger writes
their confirmations), then 1 and then 4 workers, each with its own PostgresStore, claim
batches of `--batch` (`claim_notices`, a lease) and finish each notice as sent with a
no-op sender, until none is left; the figure is notices / wall time, the median of the
runs is reported. The baseline, measured in the same run on the same server, is the bare
work-queue pattern on a plain table of as many rows: in one transaction, `SELECT ... FOR
UPDATE SKIP LOCKED LIMIT batch`, then one `UPDATE` per row, then commit (as many
statements per batch as the outbox sends). The ratio is what the outbox's leases, its
functions, the CHECKs and the partial index cost against that floor.

With --keep-url the database DATABASE_URL names must be migrated; the bench writes users
with +1999… numbers, their appointments and a `bench_queue` table, and removes them all.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg

from bench.concurrent import rate
from bench.pg import add_keep_url, bench_database, clear_caller, owe_bookings
from store.postgres import PostgresStore

PHONE = "+19990000001"
LEASE = timedelta(minutes=5)
QUEUE = "bench_queue"


def owe(url: str, count: int) -> None:
    """Clear what an earlier run left, then owe `count` notices (and fill the bare queue)."""
    with psycopg.connect(url, autocommit=True) as c, c.transaction():
        _clear(c)
        c.execute(
            f"CREATE TABLE {QUEUE} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " due_at timestamptz NOT NULL DEFAULT now(), status text NOT NULL DEFAULT 'pending')"
        )
        c.execute(
            f"INSERT INTO {QUEUE} (due_at) SELECT now() FROM generate_series(1, %s)", (count,)
        )
        owe_bookings(c, phone=PHONE, count=count)


def _clear(c: psycopg.Connection[tuple[object, ...]]) -> None:
    """Remove the bench's rows and table (notices go with their appointments)."""
    c.execute(f"DROP TABLE IF EXISTS {QUEUE}")
    clear_caller(c, PHONE)


def outbox(url: str, workers: int, batch: int) -> float:
    """Drain the outbox with `workers` workers; return notices per second."""
    stores = [PostgresStore(url, max_size=1) for _ in range(workers)]
    now = datetime.now(UTC) + timedelta(seconds=1)  # every confirmation is due by then

    def work(i: int) -> int:
        store, name, done = stores[i], f"bench-{i}", 0
        while notices := store.claim_notices(
            now=now, limit=batch, lease_until=now + LEASE, worker=name
        ):
            for notice in notices:
                store.finish_notice(notice.id, worker=name, outcome="sent")
            done += len(notices)
        return done

    try:
        return rate(workers, work)
    finally:
        for store in stores:
            store.close()


def bare(url: str, workers: int, batch: int) -> float:
    """Drain the bare queue with `workers` connections; return rows per second."""
    conns = [psycopg.connect(url, prepare_threshold=None) for _ in range(workers)]

    def work(i: int) -> int:
        c, done = conns[i], 0
        while True:
            with c.transaction():
                ids = c.execute(
                    f"SELECT id FROM {QUEUE} WHERE status = 'pending' AND due_at <= now()"
                    " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                    (batch,),
                ).fetchall()
                for (row,) in ids:
                    c.execute(f"UPDATE {QUEUE} SET status = 'sent' WHERE id = %s", (row,))
            if not ids:
                return done
            done += len(ids)

    try:
        return rate(workers, work)
    finally:
        for conn in conns:
            conn.close()


def measure(
    url: str, drain: Callable[[str, int, int], float], *, workers: int, notices: int, batch: int
) -> float:
    """Owe `notices` afresh and return the rate `drain` empties them at."""
    owe(url, notices)
    return drain(url, workers, batch)


def main(argv: list[str] | None = None) -> int:
    """Print notices/s through the outbox and through the bare queue, 1 and 4 workers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    add_keep_url(parser)
    args = parser.parse_args(argv)
    shape = {"notices": args.notices, "batch": args.batch}
    with bench_database(args.keep_url) as url:
        try:
            print(f"{args.notices} notices a run, batches of {args.batch}, {args.runs} runs")
            for workers in (1, 4):
                measure(url, outbox, workers=workers, **shape)  # warm-up, not counted
                ours, floor = [], []
                for _ in range(args.runs):
                    ours.append(measure(url, outbox, workers=workers, **shape))
                    floor.append(measure(url, bare, workers=workers, **shape))
                mid, base = statistics.median(ours), statistics.median(floor)
                print(
                    f"  {workers} worker{'s' if workers > 1 else ' '}: outbox {mid:6.0f}/s,"
                    f" bare queue {base:6.0f}/s, outbox / bare {mid / base:.2f}x"
                    f"  (outbox runs: {', '.join(f'{r:.0f}' for r in ours)})"
                )
        finally:
            with psycopg.connect(url, autocommit=True) as c, c.transaction():
                _clear(c)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
