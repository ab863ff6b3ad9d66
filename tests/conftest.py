"""Shared fixtures: a fixed clock, an embedded agent on a temporary SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from booking.app import Agent, embedded_agent, fixed_clock
from business.calendar import BusinessCalendar

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
"""A Wednesday morning; every test runs against this pinned clock."""
SAM = "+14155550123"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Return the path of a fresh SQLite file."""
    return tmp_path / "booking.db"


@pytest.fixture
def agent(db: Path) -> Iterator[Agent]:
    """Yield an embedded agent with Sam Lee as a known caller."""
    with embedded_agent(db, calendar=BusinessCalendar(), clock=fixed_clock(NOW)) as opened:
        user = opened.store.create_user(phone=SAM)
        opened.store.set_user_name(user.id, "Sam Lee")
        yield opened
