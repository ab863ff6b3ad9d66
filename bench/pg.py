"""The Postgres database a benchmark runs on: a throwaway one here, or DATABASE_URL as is."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from tests.pg import throwaway_database


def add_keep_url(parser: argparse.ArgumentParser) -> None:
    """Add `--keep-url`: benchmark the database DATABASE_URL names instead of a throwaway."""
    parser.add_argument("--keep-url", action="store_true", help="use DATABASE_URL as is")


@contextmanager
def bench_database(keep_url: bool) -> Iterator[str]:
    """Yield DATABASE_URL with `keep_url` (and it set), else a migrated throwaway database."""
    given = os.environ.get("DATABASE_URL") if keep_url else None
    if given:
        yield given
        return
    with throwaway_database() as url:
        yield url


def owe_bookings(
    c: psycopg.Connection[Any], *, phone: str, count: int, email: str | None = None
) -> None:
    """Add a caller and `count` half-hour bookings of theirs, from 2031-01-06 on; the trigger
    owes each one its confirmation."""
    user = c.execute(
        "INSERT INTO users (contact_number, email) VALUES (%s, %s) RETURNING id", (phone, email)
    ).fetchone()
    assert user is not None
    c.execute(
        "INSERT INTO appointments (user_id, date, time, slot, start_at, duration_min)"
        " SELECT %s, s::date, s::time, '', s, 30 FROM"
        " (SELECT '2031-01-06 08:00+00'::timestamptz + n * interval '30 minutes' AS s"
        "    FROM generate_series(1, %s) AS n) AS starts",
        (user[0], count),
    )


def clear_caller(c: psycopg.Connection[Any], phone: str) -> None:
    """Remove a caller and their appointments (notices and deliveries go with them)."""
    mine = "SELECT id FROM users WHERE contact_number = %s"
    c.execute(f"DELETE FROM appointments WHERE user_id IN ({mine})", (phone,))
    c.execute("DELETE FROM users WHERE contact_number = %s", (phone,))
