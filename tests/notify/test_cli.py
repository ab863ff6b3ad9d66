"""`booking notify run` as a subprocess: on a SQLite file, through the real SMTP server and
the Twilio stand-in of these tests, configured by the environment alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from store.sqlite import SqliteStore
from tests.notify.conftest import TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, Mailbox, TwilioStandIn

ROOT = Path(__file__).resolve().parents[2]
LA = ZoneInfo("America/Los_Angeles")
VISIT = datetime(2030, 11, 29, 10, 0, tzinfo=LA)


def environment(
    tmp_path: Path, mailbox: Mailbox, api: TwilioStandIn, **more: str
) -> dict[str, str]:
    """Return the only variables the command sees: both channels, staff e-mail, the zone."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "BUSINESS_TIMEZONE": "America/Los_Angeles",
        "NOTIFY_CHANNELS": "sms,email",
        "NOTIFY_STAFF_EMAIL": "desk@salon.example",
        "SMTP_HOST": mailbox.host,
        "SMTP_PORT": str(mailbox.port),
        "SMTP_SECURITY": "plain",
        "SMTP_FROM": "Salon <desk@salon.example>",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM_NUMBER": TWILIO_FROM,
        "TWILIO_API_BASE_URL": api.base_url,
        **more,
    }


def booking(db: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `booking notify ARGS --db DB` in a fresh interpreter; wait for it."""
    return subprocess.run(
        [sys.executable, "-m", "booking.cli", "notify", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=db.parent,
        env=env,
        timeout=120,
        check=False,
    )


def seed(db: Path, *, start: datetime = VISIT, key: str = "b") -> None:
    """Book Sam (number and e-mail known) at `start`, and have him ask for a callback."""
    with SqliteStore(db, timezone="America/Los_Angeles") as store:
        sam = store.create_user(phone="+14155550123", name="Sam")
        store.set_user_email(sam.id, "sam@example.com")
        store.book(user_id=sam.id, start=start, duration_min=30, idempotency_key=key)
        store.request_callback(
            conversation_id=f"call-{key}",
            user_id=sam.id,
            phone=sam.phone,
            name="Sam",
            need="a question",
            reason="message",
            at=datetime.now(UTC),
        )


def wait_for(done: Callable[[], bool], seconds: float = 30) -> None:
    """Wait until `done()` is true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_once_delivers_what_is_due_and_exits(
    tmp_path: Path, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """--once sends the booking's SMS and e-mail and tells staff of the callback, then exits;
    a second run finds nothing owed."""
    db = tmp_path / "salon.db"
    seed(db)
    env = environment(tmp_path, mailbox, twilio_api)
    first = booking(db, "run", "--once", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "booking notify: 2 sent, 0 skipped, 0 to retry, 0 given up\n"
    assert sorted(m["To"] for m in mailbox.messages) == ["desk@salon.example", "sam@example.com"]
    assert [s["To"] for s in twilio_api.sent] == ["+14155550123"]
    again = booking(db, "run", "--once", env=env)
    assert again.stdout.startswith("booking notify: 0 sent"), again.stderr
    assert len(mailbox.messages) == 2


def test_a_misconfigured_channel_stops_it_before_anything_is_sent(
    tmp_path: Path, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """SMS without its Twilio settings is exit 2 with one line naming what is missing."""
    db = tmp_path / "salon.db"
    seed(db)
    env = environment(tmp_path, mailbox, twilio_api)
    del env["TWILIO_ACCOUNT_SID"], env["TWILIO_FROM_NUMBER"]
    done = booking(db, "run", "--once", env=env)
    assert done.returncode == 2
    assert done.stderr == (
        "booking notify: NOTIFY_CHANNELS has sms but TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER"
        " are not set\n"
    )
    assert TWILIO_TOKEN not in done.stderr
    assert (mailbox.messages, twilio_api.sent) == ([], [])


def test_it_polls_until_sigterm(
    tmp_path: Path, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """Left running, it sends a booking made after it started within a poll, and stops with
    status 0 on SIGTERM."""
    db = tmp_path / "salon.db"
    SqliteStore(db).close()
    env = environment(tmp_path, mailbox, twilio_api, NOTIFY_POLL_SECONDS="0.2")
    worker = subprocess.Popen(
        [sys.executable, "-m", "booking.cli", "notify", "run", "--db", str(db)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seed(db, start=VISIT + timedelta(days=1))
        wait_for(lambda: len(mailbox.messages) == 2 and len(twilio_api.sent) == 1)
        os.kill(worker.pid, signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert len(mailbox.messages) == 2
