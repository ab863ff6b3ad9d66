"""`booking db migrate` and `booking checkpoints prune`: keeping the databases in shape."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from booking.cli.common import db_of
from booking.databases import Database
from booking.settings import Settings
from graph.checkpointer import prune


def add_parsers(sub: Any, database: argparse.ArgumentParser) -> None:
    """Add `booking db migrate` and `booking checkpoints prune` to the `booking` parser."""
    db = sub.add_parser("db", help="database maintenance")
    db.add_subparsers(dest="action", required=True).add_parser(
        "migrate",
        parents=[database],
        help="apply the Postgres migrations in store/migrations and set up the checkpoint"
        " tables (safe to run twice)",
    ).set_defaults(command=migrate_command)
    checkpoints = sub.add_parser("checkpoints", help="checkpoint retention")
    prune_parser = checkpoints.add_subparsers(dest="action", required=True).add_parser(
        "prune",
        parents=[database],
        help="keep only the final checkpoint of calls that ended long ago",
    )
    prune_parser.add_argument(
        "--older-than-days", type=int, help="default: CHECKPOINT_RETENTION_DAYS"
    )
    prune_parser.set_defaults(command=prune_command)


def migrate_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking db migrate` on the configured database."""
    return run_migrate(Database.from_settings(settings, sqlite_path=db_of(args)))


def prune_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking checkpoints prune` on the configured database."""
    days = args.older_than_days or settings.checkpoint_retention_days
    database = Database.from_settings(settings, sqlite_path=db_of(args))
    return run_prune(database, older_than_days=days)


def run_migrate(database: Database) -> int:
    """Apply pending Postgres migrations and set up the checkpoint tables (safe to run twice).

    SQLite needs none: the file creates its schema when it opens. What an original
    database's adoption changed, or could not, is said after the versions applied.
    """
    done = database.migrate()
    if done is None:
        print(
            "No DATABASE_URL: the SQLite store creates its schema when it opens; nothing to do."
            " For a Supabase project, run this with its direct connection string as DATABASE_URL.",
            file=sys.stderr,
        )
        return 0
    print(f"applied: {', '.join(done.applied)}" if done.applied else "schema is up to date")
    if done.numbers_rewritten:
        print(f"caller numbers rewritten as E.164: {done.numbers_rewritten}")
    if done.numbers_kept:
        print(
            f"caller numbers kept as they were, not E.164 (unreadable in PHONE_REGION, or"
            f" another caller's): {done.numbers_kept}; callers are found by E.164 numbers only"
        )
    if done.overlaps_flagged:
        print(
            f"overlapping bookings flagged legacy_overlap (kept booked, the later-made of"
            f" each overlap): {done.overlaps_flagged}"
        )
    return 0


def run_prune(database: Database, *, older_than_days: int) -> int:
    """Keep only the final checkpoint of calls that ended more than N days ago."""
    cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
    with database.open_store() as store:
        threads = store.ended_before(cutoff)
    with database.open_checkpointer() as saver:
        prune(saver, threads)
    print(
        f"pruned the checkpoints of {len(threads)} finished calls older than {older_than_days} days"
    )
    return 0
