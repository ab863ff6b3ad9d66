"""The worker: each notice once per channel, retried with backoff, given up loudly, and
reminders only for appointments still booked.

Runs on the stand-in outbox (tests/notify/outbox.py) over a real SQLite store, with a real
SMTP server and the real twilio client against a local stand-in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from booking.notify.sms import SmsChannel
from booking.notify.smtp import SmtpChannel
from booking.notify.worker import Wording, Worker
from business.calendar import BusinessCalendar
from store.models import Appointment, User
from store.sqlite import SqliteStore
from tests.notify.conftest import (
    TWILIO_SID,
    TWILIO_TOKEN,
    Mailbox,
    TwilioStandIn,
    notify_settings,
)
from tests.notify.outbox import StandInOutbox

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LA)
VISIT = datetime(2026, 11, 27, 10, 0, tzinfo=LA)


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    """Yield a SQLite store in the business's zone."""
    opened = SqliteStore(tmp_path / "notices.db", timezone="America/Los_Angeles")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sam(store: SqliteStore) -> User:
    """Return Sam, a caller with a number and (as the store will keep it) an e-mail address."""
    return store.create_user(phone="+14155550123", name="Sam Lee")


def worker_for(
    outbox: StandInOutbox, clock: Clock, mailbox: Mailbox, api: TwilioStandIn, **tuning: object
) -> Worker:
    """Return a worker on both channels, Sam's e-mail known, five attempts, 1-minute backoff."""
    settings = notify_settings(
        smtp_host=mailbox.host,
        smtp_port=mailbox.port,
        smtp_security="plain",
        smtp_from="desk@salon.example",
        twilio_account_sid=TWILIO_SID,
        twilio_auth_token=TWILIO_TOKEN,
        twilio_from_number="+15005550006",
        twilio_api_base_url=api.base_url,
    )
    return Worker(
        store=outbox,
        channels=[SmsChannel(settings), SmtpChannel(settings)],
        wording=Wording(calendar=BusinessCalendar(name="Lee's Salon"), business="Lee's Salon"),
        clock=clock,
        name="worker-1",
        email_of=lambda user: "sam@example.com" if user.name == "Sam Lee" else None,
        **tuning,  # type: ignore[arg-type]  # the few knobs a test turns
    )


def book(store: SqliteStore, user: User, start: datetime = VISIT) -> Appointment:
    """Book a 30-minute appointment for `user`."""
    return store.book(user_id=user.id, start=start, duration_min=30, idempotency_key=str(start))


def test_a_confirmation_goes_once_on_each_channel(
    store: SqliteStore, sam: User, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """A booking is one SMS and one e-mail, however many rounds run after it."""
    clock, outbox = Clock(), StandInOutbox(store)
    notice = outbox.owe("booked", book(store, sam), at=NOW)
    worker = worker_for(outbox, clock, mailbox, twilio_api)
    for _ in range(3):
        worker.drain()
        clock.now += timedelta(minutes=5)
    assert len(twilio_api.sent) == 1
    assert "Friday, November 27th at 10 AM" in twilio_api.sent[0]["Body"]
    assert len(mailbox.messages) == 1
    assert outbox.state(notice.id) == "sent"
    assert [(d.channel, d.ok) for d in outbox.deliveries(notice.id)] == [
        ("sms", True),
        ("email", True),
    ]


def test_a_caller_without_email_gets_sms_only(
    store: SqliteStore, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """With no e-mail address the notice is one SMS, and counts as sent."""
    kim = store.create_user(phone="+14155550188", name="Kim")
    clock, outbox = Clock(), StandInOutbox(store)
    notice = outbox.owe("booked", book(store, kim), at=NOW)
    worker_for(outbox, clock, mailbox, twilio_api).drain()
    assert [s["To"] for s in twilio_api.sent] == ["+14155550188"]
    assert mailbox.messages == []
    assert outbox.state(notice.id) == "sent"


def test_a_retry_resends_only_the_channel_that_failed(
    store: SqliteStore, sam: User, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """Twilio down once: the e-mail goes at once, the SMS a minute later, then two minutes'
    wait would have followed; neither goes twice."""
    clock, outbox = Clock(), StandInOutbox(store)
    notice = outbox.owe("booked", book(store, sam), at=NOW)
    worker = worker_for(outbox, clock, mailbox, twilio_api)
    twilio_api.fail.append((503, 20003))
    assert worker.round().retried == 1
    assert (len(twilio_api.sent), len(mailbox.messages)) == (0, 1)
    assert outbox.rows[notice.id].notice.due_at == NOW + timedelta(minutes=1)

    clock.now += timedelta(seconds=59)
    assert worker.round().claimed == 0, "not before its backoff is over"
    clock.now += timedelta(seconds=1)
    assert worker.round().sent == 1
    assert (len(twilio_api.sent), len(mailbox.messages)) == (1, 1)
    assert [(d.channel, d.ok) for d in outbox.deliveries(notice.id)] == [
        ("sms", False),
        ("email", True),
        ("sms", True),
    ]


def test_backoff_doubles_and_then_the_notice_is_given_up_loudly(
    store: SqliteStore,
    sam: User,
    mailbox: Mailbox,
    twilio_api: TwilioStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Twilio refusing every time: waits of 1, 2, 4 minutes, then one ERROR line naming the
    notice and Twilio's code, with the number masked and no token."""
    clock, outbox = Clock(), StandInOutbox(store)
    notice = outbox.owe("booked", book(store, sam), at=NOW)
    worker = worker_for(outbox, clock, mailbox, twilio_api, max_attempts=4)
    twilio_api.fail.extend([(500, 20500)] * 4)
    waits = []
    with caplog.at_level(logging.ERROR, logger="booking.notify.worker"):
        for _ in range(4):
            worker.round()
            row = outbox.rows[notice.id]
            if row.state == "pending":
                waits.append(row.notice.due_at - clock.now)
                clock.now = row.notice.due_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert outbox.state(notice.id) == "failed"
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert notice.id in line
    assert "given up after 4 attempts" in line
    assert "Twilio 500: 20500" in line
    assert "+14155550123" not in line
    assert TWILIO_TOKEN not in line
    assert len(mailbox.messages) == 1, "the e-mail went once, on the first attempt"


def test_reminders_go_at_each_offset_once(
    store: SqliteStore, sam: User, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """24 h and 2 h before the visit the caller gets a reminder each, and never a second."""
    clock, outbox = Clock(), StandInOutbox(store)
    book(store, sam)
    worker = worker_for(outbox, clock, mailbox, twilio_api, reminders=(1440, 120))
    clock.now = VISIT - timedelta(hours=30)
    assert worker.round().scheduled == 0
    clock.now = VISIT - timedelta(hours=23)
    assert worker.round().sent == 1
    worker.round()
    clock.now = VISIT - timedelta(minutes=90)
    assert worker.round().sent == 1
    worker.round()
    reminders = [s["Body"] for s in twilio_api.sent]
    assert len(reminders) == 2
    assert "tomorrow, Friday, November 27th at 10 AM" in reminders[0]
    assert "today, Friday, November 27th at 10 AM" in reminders[1]
    assert all(r.endswith("Reply C to cancel.") for r in reminders)
    assert all(m.get_content_type() == "text/plain" for m in mailbox.messages), "no .ics"


def test_a_reminder_due_after_a_cancel_is_skipped(
    store: SqliteStore, sam: User, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """A reminder claimed after its appointment was cancelled is skipped, nothing sent."""
    clock, outbox = Clock(), StandInOutbox(store)
    appointment = book(store, sam)
    reminder = outbox.owe("reminder", appointment, at=VISIT - timedelta(hours=2), minutes=120)
    store.cancel(user_id=sam.id, appointment_id=appointment.id, idempotency_key="c")
    clock.now = VISIT - timedelta(hours=1)
    assert worker_for(outbox, clock, mailbox, twilio_api).round().skipped == 1
    assert outbox.state(reminder.id) == "skipped"
    assert twilio_api.sent == []
    assert mailbox.messages == []
