"""Shared fixtures (a fixed clock, an embedded agent on a temporary SQLite file) and marks.

The markers are registered in pyproject.toml, where the default run leaves the heavy ones
out. Modules about one outside need say so with `pytestmark`; here a test is marked
`postgres` by what it uses: a Postgres database fixture, or a parameter that picks the
postgres or supabase backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from booking.compose import Receptionist, fixed_clock, open_receptionist
from booking.databases import Database
from business.calendar import BusinessCalendar
from tests import servers

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
"""A Wednesday morning; every test runs against this pinned clock."""
SAM = "+14155550123"
BOOKING_CALL = ["I'd like to book an appointment on Thursday afternoon", "the second one"]
BOOKING_CALL += ["yes please", "no, that's all"]
"""Sam books Thursday, November 26th at 12:30 PM and says goodbye (4 caller turns)."""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Return the path of a fresh SQLite file."""
    return tmp_path / "booking.db"


@pytest.fixture
def agent(db: Path) -> Iterator[Receptionist]:
    """Yield an embedded agent with Sam Lee as a known caller."""
    with open_receptionist(db, calendar=BusinessCalendar(), clock=fixed_clock(NOW)) as opened:
        user = opened.store.create_user(phone=SAM)
        opened.store.set_user_name(user.id, "Sam Lee")
        yield opened


def record_booking(backend: Database, thread: str, *, open_thread: str | None = None) -> None:
    """Record Sam Lee's BOOKING_CALL on `thread` through the full agent on `backend`.

    `open_thread`, if given, is an unidentified caller's call left waiting after the greeting.
    """
    with open_receptionist(backend, calendar=BusinessCalendar(), clock=fixed_clock(NOW)) as agent:
        user = agent.store.create_user(phone=SAM)
        agent.store.set_user_name(user.id, "Sam Lee")
        call = agent.conversation(thread)
        call.start(caller_id=SAM)
        for line in BOOKING_CALL:
            call.say(line)
        if open_thread is not None:
            agent.conversation(open_thread).start(caller_id=None)


POSTGRES_FIXTURES = {"postgres_url", "clean_postgres_url", "pg_url", "clean_pg"}
"""Fixtures that yield a Postgres database (tests/store and tests/backends conftests)."""
POSTGRES_BACKENDS = {"postgres", "supabase"}
"""Parameter values that run a test on a Postgres database (supabase: through PostgREST)."""
SERVERS = {"postgres": "Postgres", "redis": "Redis"}
"""Marker → the server `tests/servers.py` finds or starts for the tests marked so."""


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by the marks added here
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `postgres` each test that uses a Postgres database by fixture or parameter."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        params = callspec.params.values() if callspec is not None else ()
        if fixtures & POSTGRES_FIXTURES or any(
            isinstance(value, str) and value in POSTGRES_BACKENDS for value in params
        ):
            item.add_marker(pytest.mark.postgres)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Refuse the servers no selected test is marked for, so an unmarked need fails loudly."""
    marked = {mark.name for item in session.items for mark in item.iter_markers()}
    for marker, kind in SERVERS.items():
        if marker not in marked:
            servers.refuse(
                kind,
                f"a test asked for {kind} but none selected in this run is marked `{marker}`:"
                f" mark it `@pytest.mark.{marker}` (tests/conftest.py explains the marks)",
            )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how to run what the marker expression left out (pyproject's default: the heavy)."""
    left_out = len(terminalreporter.stats.get("deselected", []))
    expression = terminalreporter.config.option.markexpr
    if left_out and expression:
        terminalreporter.write_line(
            f"{left_out} left out by -m {expression!r}; `-m ''` (./dev test) runs everything"
        )
