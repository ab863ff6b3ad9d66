"""A migrated throwaway Postgres database for the backend tests of this folder."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.pg import throwaway_database


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """Yield the URL of a migrated database that is dropped after this module."""
    with throwaway_database() as url:
        yield url


@pytest.fixture
def clean_pg(pg_url: str) -> str:
    """Return the database URL with the store's tables emptied."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE users, appointments, conversations, conversation_turns"
            " RESTART IDENTITY CASCADE"
        )
    return pg_url
