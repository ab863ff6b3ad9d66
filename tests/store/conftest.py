"""Store fixtures: every contract test runs once per backend listed in `BACKENDS`.

A new backend (Postgres, Supabase) adds a factory to `_FACTORIES`; a factory that needs a
server should `pytest.skip` when it is not configured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from store.models import User
from store.port import Store
from store.sqlite import SqliteStore


@contextmanager
def _sqlite(tmp_path: Path) -> Iterator[Store]:
    """Open a fresh SQLite store in a temporary file."""
    with SqliteStore(tmp_path / "s.db") as store:
        yield store


_FACTORIES: dict[str, Callable[[Path], AbstractContextManager[Store]]] = {"sqlite": _sqlite}
BACKENDS = list(_FACTORIES)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Yield a fresh, empty store of each backend in turn."""
    with _FACTORIES[request.param](tmp_path) as opened:
        yield opened


@pytest.fixture
def alice(store: Store) -> User:
    """Return a registered caller."""
    return store.create_user(phone="+15550000001", name="Alice")


@pytest.fixture
def bob(store: Store) -> User:
    """Return a second registered caller."""
    return store.create_user(phone="+15550000002", name="Bob")
