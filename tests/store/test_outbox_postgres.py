"""The Postgres outbox under real concurrency: workers in threads and processes, each with
its own store, never hold one notice together, and a killed worker's notices are not lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from store.postgres import PostgresStore

pytestmark = pytest.mark.postgres

NOTICES = 500
LEASE = timedelta(minutes=5)
ROOT = Path(__file__).resolve().parents[2]

# A worker process: claims a batch leased for 30 s, finishes the first `finished` of it,
# says which it claimed and finished and until when they are leased, then hangs until killed.
WORKER = """
import json, sys, time
from datetime import UTC, datetime, timedelta
from store.postgres import PostgresStore

url, batch, finished = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = PostgresStore(url, max_size=1)
now = datetime.now(UTC)
until = now + timedelta(seconds=30)
claimed = store.claim_notices(now=now, limit=batch, lease_until=until, worker="doomed")
done = [n.id for n in claimed[:finished]
        if store.finish_notice(n.id, worker="doomed", outcome="sent")]
said = {"claimed": [n.id for n in claimed], "finished": done, "until": until.isoformat()}
print(json.dumps(said), flush=True)
time.sleep(600)
"""
FINISHED = 10


def owe_notices(url: str, count: int = NOTICES) -> set[str]:
    """Book `count` appointments in one INSERT (the trigger owes a notice for each, whatever
    wrote the rows); return the notices' ids."""
    with psycopg.connect(url, autocommit=True) as c:
        user = c.execute(
            "INSERT INTO users (contact_number) VALUES ('+15550000001') RETURNING id"
        ).fetchone()
        assert user is not None
        c.execute(
            "INSERT INTO appointments (user_id, date, time, slot, start_at, duration_min)"
            " SELECT %s, s::date, s::time, '', s, 30 FROM"
            " (SELECT '2031-01-06 08:00+00'::timestamptz + n * interval '30 minutes' AS s"
            "    FROM generate_series(1, %s) AS n) AS starts",
            (user[0], count),
        )
        return {str(r[0]) for r in c.execute("SELECT id FROM notices WHERE kind = 'booked'")}


def drain(url: str, worker: str, now: datetime, barrier: threading.Barrier) -> list[str]:
    """Claim and finish notices in batches of 7 until none is left; return those claimed.

    Each finish must succeed: a notice another worker also held would be ended twice.
    """
    claimed: list[str] = []
    with PostgresStore(url, max_size=2) as store:
        barrier.wait()
        while batch := store.claim_notices(
            now=now, limit=7, lease_until=now + LEASE, worker=worker
        ):
            for notice in batch:
                claimed.append(notice.id)
                assert store.finish_notice(notice.id, worker=worker, outcome="sent")
    return claimed


def test_concurrent_workers_never_hold_the_same_notice(clean_postgres_url: str) -> None:
    """Four workers, each with its own store, claiming at once over 500 notices: each notice
    is claimed by exactly one of them, and all of them are sent."""
    owed = owe_notices(clean_postgres_url)
    assert len(owed) == NOTICES
    now, workers = datetime.now(UTC), 4
    barrier = threading.Barrier(workers)
    results: dict[str, list[str]] = {}
    failures: list[BaseException] = []

    def run(name: str) -> None:
        try:
            results[name] = drain(clean_postgres_url, name, now, barrier)
        except BaseException as exc:  # re-raised below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    claimed = [notice for batch in results.values() for notice in batch]
    assert len(claimed) == len(set(claimed)) == NOTICES
    assert set(claimed) == owed
    assert sum(1 for batch in results.values() if batch) > 1  # they really did share the work


def test_a_killed_workers_notices_are_claimed_again_after_its_lease(
    clean_postgres_url: str,
) -> None:
    """A worker killed (SIGKILL) after claiming a batch and sending part of it: the rest of
    its batch is claimed by another worker once the lease runs out, never before, and
    nothing is lost or sent twice."""
    owed = owe_notices(clean_postgres_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    doomed = subprocess.Popen(
        [sys.executable, "-c", WORKER, clean_postgres_url, "50", str(FINISHED)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert doomed.stdout is not None
        said = json.loads(doomed.stdout.readline())
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
    assert doomed.returncode == -signal.SIGKILL
    claimed, finished = set(said["claimed"]), set(said["finished"])
    assert (len(claimed), len(finished)) == (50, FINISHED)

    with PostgresStore(clean_postgres_url, max_size=2) as store:
        now = datetime.now(UTC)
        during = store.claim_notices(now=now, limit=1000, lease_until=now + LEASE, worker="b")
        assert {n.id for n in during} == owed - claimed
        for notice in during:
            assert store.finish_notice(notice.id, worker="b", outcome="sent")
        later = datetime.fromisoformat(said["until"]) + timedelta(seconds=1)
        after = store.claim_notices(now=later, limit=1000, lease_until=later + LEASE, worker="b")
        assert {n.id for n in after} == claimed - finished
        for notice in after:
            assert store.finish_notice(notice.id, worker="b", outcome="sent")
        assert store.claim_notices(now=later, limit=1000, lease_until=later, worker="b") == []
