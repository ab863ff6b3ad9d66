"""Store fixtures: every contract test runs once per backend listed in `BACKENDS`.

- sqlite: a fresh file per test;
- postgres: one migrated throwaway database per session (`tests/pg.py` finds or starts
  the server, and never skips), emptied before each test, with a fresh `PostgresStore`;
- supabase: a `SupabaseStore` on the same database, its HTTP served by the PostgREST
  emulator (`tests/store/postgrest_emulator.py`) that calls the real SQL functions.
A backend that needs a server must not skip when it is missing: CI has to run it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from store.models import User
from store.port import Store
from store.postgres import PostgresStore
from store.sqlite import SqliteStore
from tests.pg import throwaway_database, truncate
from tests.store.supabase_backend import open_store as open_supabase_store


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Yield the URL of one migrated throwaway database shared by the whole session."""
    with throwaway_database() as url:
        yield url


@pytest.fixture
def clean_postgres_url(postgres_url: str) -> str:
    """Return the session database's URL after emptying every store table."""
    truncate(postgres_url)
    return postgres_url


@contextmanager
def _sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Open a fresh SQLite store in a temporary file."""
    with SqliteStore(tmp_path / "s.db") as store:
        yield store


@contextmanager
def _postgres(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Open a fresh PostgresStore on the emptied session database."""
    url: str = request.getfixturevalue("clean_postgres_url")
    with PostgresStore(url, max_size=4) as store:
        yield store


# --- supabase backend ----------------------------------------------------------------
# A SupabaseStore whose HTTP calls an in-process PostgREST emulator serves from the same
# session database, so the adapter's requests meet the real SQL functions.
@contextmanager
def _supabase(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Open a Supabase store (over the PostgREST emulator) on the emptied session database."""
    with open_supabase_store(request.getfixturevalue("clean_postgres_url")) as store:
        yield store


_FACTORIES: dict[str, Callable[[pytest.FixtureRequest, Path], AbstractContextManager[Store]]] = {
    "sqlite": _sqlite,
    "postgres": _postgres,
    "supabase": _supabase,
}
BACKENDS = ["sqlite", "postgres", "supabase"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Yield a fresh, empty store of each backend in turn."""
    with _FACTORIES[request.param](request, tmp_path) as opened:
        yield opened


@pytest.fixture
def alice(store: Store) -> User:
    """Return a registered caller."""
    return store.create_user(phone="+15550000001", name="Alice")


@pytest.fixture
def bob(store: Store) -> User:
    """Return a second registered caller."""
    return store.create_user(phone="+15550000002", name="Bob")
