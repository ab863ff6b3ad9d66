"""`booking db migrate` and `booking checkpoints prune`: keeping the backends in shape."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from booking.backends import Backend, open_checkpointer, open_store
from graph.checkpointer import prune
from store.migrate import migrate


def run_migrate(backend: Backend) -> int:
    """Apply pending Postgres migrations (safe to run twice); SQLite needs none."""
    if backend.database_url is None:
        print(
            "No DATABASE_URL: the SQLite store creates its schema when it opens; nothing to do."
            " For a Supabase project, run this with its direct connection string as DATABASE_URL.",
            file=sys.stderr,
        )
        return 0
    applied = migrate(backend.database_url)
    print(f"applied: {', '.join(applied)}" if applied else "schema is up to date")
    return 0


def run_prune(backend: Backend, *, older_than_days: int) -> int:
    """Keep only the final checkpoint of calls that ended more than N days ago."""
    cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
    with open_store(backend) as store:
        threads = store.ended_before(cutoff)
    with open_checkpointer(backend) as saver:
        prune(saver, threads)
    print(
        f"pruned the checkpoints of {len(threads)} finished calls older than {older_than_days} days"
    )
    return 0
