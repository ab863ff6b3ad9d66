"""Shared fixtures: a fixed clock, an embedded agent on a temporary SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from booking.compose import Receptionist, fixed_clock, open_receptionist
from booking.databases import Database
from business.calendar import BusinessCalendar

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
