"""The Postgres database a benchmark runs on: a throwaway one here, or DATABASE_URL as is."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager

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
