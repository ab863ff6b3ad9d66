"""The `booking` command behaves like a Unix tool when its reader stops early."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from booking.compose import fixed_clock, open_receptionist
from business.calendar import BusinessCalendar
from tests.conftest import NOW, SAM

pytestmark = pytest.mark.slow  # a fresh booking process per call


def test_output_cut_short_by_head_is_not_a_traceback(tmp_path: Path) -> None:
    """`booking threads show X | head -1` prints one line and no error."""
    db = tmp_path / "calls.db"
    with open_receptionist(db, calendar=BusinessCalendar(), clock=fixed_clock(NOW)) as agent:
        call = agent.conversation("long")
        call.start(caller_id=SAM)
        for _ in range(40):
            call.say("what do I have booked?")
            call.say("yes")
    env = {**os.environ, "BOOKING_DB": str(db), "DATABASE_URL": "", "SUPABASE_URL": ""}
    command = f"'{sys.executable}' -m booking.cli threads show long | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        check=False,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.stdout.startswith("thread long")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
