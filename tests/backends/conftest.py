"""A migrated throwaway Postgres database for the backend tests of this folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg import throwaway_database, truncate


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """Yield the URL of a migrated database that is dropped after this module."""
    with throwaway_database() as url:
        yield url


@pytest.fixture
def clean_pg(pg_url: str) -> str:
    """Return the database URL with the store's tables emptied."""
    truncate(pg_url)
    return pg_url
