"""The worker on Postgres: the store's own notices delivered once per channel, and a worker
killed between a send and its record loses nothing and repeats at most that one send.

The window is documented in `booking.notify.worker`: a worker that dies after a channel
accepted a message and before the delivery was recorded leaves the notice leased; once the
lease runs out another worker sends that channel again. Here the doomed worker is a
subprocess that SIGKILLs itself right after the SMTP server accepted its third e-mail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from booking.notify.sms import SmsChannel
from booking.notify.smtp import SmtpChannel
from booking.notify.worker import Wording, Worker
from business.calendar import BusinessCalendar
from store.postgres import PostgresStore
from tests.notify.conftest import Mailbox, TwilioStandIn, sms_settings, smtp_settings
from tests.notify.ics import ics_of
from tests.pg import throwaway_database

pytestmark = pytest.mark.postgres

LA = ZoneInfo("America/Los_Angeles")
VISIT = datetime(2030, 11, 29, 10, 0, tzinfo=LA)
ROOT = Path(__file__).resolve().parents[2]
SALON = Wording(
    calendar=BusinessCalendar(name="Salon"), business="Salon", uid_domain="salon.example"
)

# A worker process on the e-mail channel only, leasing its batch for 3 s, that kills itself
# (SIGKILL: no finally, no atexit) right after the server accepted its `kill_at`-th e-mail,
# saying first which one that was.
DOOMED = """
import json, os, signal, sys
from datetime import UTC, datetime, timedelta
from booking.notify.settings import NotifySettings
from booking.notify.smtp import SmtpChannel
from booking.notify.worker import Wording, Worker
from business.calendar import BusinessCalendar
from store.postgres import PostgresStore

url, host, port, batch, kill_at = sys.argv[1:3] + [int(a) for a in sys.argv[3:6]]
settings = NotifySettings(
    _env_file=None, notify_channels="email", smtp_host=host, smtp_port=port,
    smtp_security="plain", smtp_from="desk@salon.example",
)

class Doomed(SmtpChannel):
    sent = 0

    def send(self, contact, outgoing):
        detail = super().send(contact, outgoing)
        Doomed.sent += 1
        if Doomed.sent == kill_at:
            print(json.dumps({"subject": outgoing.message.subject}), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        return detail

worker = Worker(
    store=PostgresStore(url, max_size=1), channels=[Doomed(settings)],
    wording=Wording(calendar=BusinessCalendar(name="Salon"), business="Salon"),
    clock=lambda: datetime.now(UTC), name="doomed", batch=batch, lease=timedelta(seconds=3),
)
worker.round()
"""


@pytest.fixture
def store() -> Iterator[PostgresStore]:
    """Yield a store on a fresh migrated database, in the business's zone."""
    with throwaway_database() as url, PostgresStore(url, timezone=str(LA)) as opened:
        opened.url = url  # type: ignore[attr-defined]  # the doomed subprocess connects too
        yield opened


def later(seconds: float = 1) -> datetime:
    """Return an instant `seconds` after real now (after the writes made so far)."""
    return datetime.now(UTC) + timedelta(seconds=seconds)


def test_booked_moved_cancelled_and_a_skipped_reminder(
    store: PostgresStore, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """A booking, its move and its cancel are one SMS and one e-mail each, the e-mails one
    calendar event (SEQUENCE 0, 1, then CANCEL); the reminder pending at the cancel never
    goes; later rounds send nothing more."""
    sam = store.create_user(phone="+14155550123", name="Sam")
    store.set_user_email(sam.id, "sam@example.com")
    booked = store.book(user_id=sam.id, start=VISIT, duration_min=30, idempotency_key="b")
    moved = store.reschedule(
        user_id=sam.id,
        appointment_id=booked.id,
        new_start=VISIT + timedelta(hours=1),
        idempotency_key="m",
    )
    assert store.schedule_reminders(now=moved.start - timedelta(minutes=90), minutes_before=[120])
    store.cancel(user_id=sam.id, appointment_id=moved.id, idempotency_key="c")
    worker = Worker(
        store=store,
        channels=[SmsChannel(sms_settings(twilio_api)), SmtpChannel(smtp_settings(mailbox))],
        wording=SALON,
        clock=later,
        name="w1",
    )
    assert [r.sent for r in worker.drain()] == [3]
    worker.clock = lambda: moved.start - timedelta(minutes=30)
    assert worker.round().claimed == 0
    events = [ics_of(m) for m in mailbox.messages]
    assert [str(e["METHOD"]) for e in events] == ["REQUEST", "REQUEST", "CANCEL"]
    vevents = [e.walk("VEVENT")[0] for e in events]
    assert {str(v["UID"]) for v in vevents} == {f"appointment-{booked.id}@salon.example"}
    assert [v.decoded("SEQUENCE") for v in vevents] == [0, 1, 2]
    assert [s["Body"].split(",")[1].strip() for s in twilio_api.sent] == [
        "your appointment is booked for Friday",
        "your appointment has moved to Friday",
        "your appointment for Friday",
    ]


def test_a_worker_killed_after_sending_loses_nothing_and_repeats_one_send(
    store: PostgresStore, mailbox: Mailbox, tmp_path: Path
) -> None:
    """Ten bookings, two workers: the doomed one leases five and dies right after its third
    e-mail was accepted. The other sends the five it did not lease at once, and the three
    left when the lease runs out: every notice sent, eleven e-mails, and the one twice is the
    e-mail in flight when the worker died."""
    for i in range(10):
        caller = store.create_user(phone=f"+1415555{i:04d}", name=f"C{i}")
        store.set_user_email(caller.id, f"c{i}@example.com")
        start = VISIT + timedelta(days=i)
        store.book(user_id=caller.id, start=start, duration_min=30, idempotency_key=f"b{i}")
    url: str = store.url  # type: ignore[attr-defined]  # set by the fixture
    doomed = subprocess.run(
        [sys.executable, "-c", DOOMED, url, mailbox.host, str(mailbox.port), "5", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert doomed.returncode == -9, doomed.stderr
    in_flight = json.loads(doomed.stdout)["subject"]
    assert len(mailbox.messages) == 3

    survivor = Worker(
        store=store,
        channels=[SmtpChannel(smtp_settings(mailbox))],
        wording=SALON,
        clock=later,
        name="survivor",
        batch=5,
    )
    assert sum(r.sent for r in survivor.drain()) == 5, "only what the doomed one did not lease"
    survivor.clock = lambda: later(10)  # the doomed worker's 3 s lease has run out
    assert sum(r.sent for r in survivor.drain()) == 3

    subjects = Counter(str(m["Subject"]) for m in mailbox.messages)
    assert len(mailbox.messages) == 11
    assert [s for s, n in subjects.items() if n > 1] == [in_flight]
    assert len(subjects) == 10
    with psycopg.connect(url) as db:
        states = db.execute("SELECT status, count(*) FROM notices GROUP BY status").fetchall()
        recorded = db.execute(
            "SELECT count(*) FROM deliveries WHERE ok AND channel = 'email'"
        ).fetchone()
    assert states == [("sent", 10)]
    assert recorded == (10,), "the doomed worker's last send was never recorded"
