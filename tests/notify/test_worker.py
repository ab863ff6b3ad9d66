"""The worker on a real SQLite store: each notice once per channel, retried with backoff,
given up loudly, reminders only for appointments still booked, and staff told of callbacks.

The notices are the store's own (its triggers write confirmations and callback notices with
the write), delivered through a real SMTP server and the real twilio client against a
local stand-in. Confirmations are due at the database's real now, so every clock here
starts at or after real time; the visit is years ahead, on a fixed date.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from booking.notify.sms import SmsChannel
from booking.notify.smtp import SmtpChannel
from booking.notify.worker import Wording, Worker
from business.calendar import BusinessCalendar
from store.errors import SlotUnavailable
from store.models import Appointment, User
from store.sqlite import SqliteStore
from tests.notify.conftest import (
    TWILIO_SID,
    TWILIO_TOKEN,
    Mailbox,
    TwilioStandIn,
    notify_settings,
)

LA = ZoneInfo("America/Los_Angeles")
VISIT = datetime(2030, 11, 29, 10, 0, tzinfo=LA)
"""A Friday, years ahead of any real now the tests run at."""


class Clock:
    """A clock the test moves forward, starting a second after real now (after the writes
    a test makes first)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)

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
    """Return Sam, a caller with a number and an e-mail address."""
    made = store.create_user(phone="+14155550123", name="Sam Lee")
    return store.set_user_email(made.id, "sam@example.com")


def worker_for(
    store: SqliteStore, clock: Clock, mailbox: Mailbox, api: TwilioStandIn, **tuning: object
) -> Worker:
    """Return a worker on both channels, five attempts, 1-minute backoff."""
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
        store=store,
        channels=[SmsChannel(settings), SmtpChannel(settings)],
        wording=Wording(
            calendar=BusinessCalendar(name="Lee's Salon"),
            business="Lee's Salon",
            uid_domain="salon.example",
        ),
        clock=clock,
        name="worker-1",
        **tuning,  # type: ignore[arg-type]  # the few knobs a test turns
    )


def book(store: SqliteStore, user: User, start: datetime = VISIT) -> Appointment:
    """Book a 30-minute appointment for `user`."""
    return store.book(user_id=user.id, start=start, duration_min=30, idempotency_key=str(start))


def test_a_confirmation_goes_once_on_each_channel(
    store: SqliteStore, sam: User, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """A booking is one SMS and one e-mail to the address the store keeps, however many
    rounds run after it."""
    clock = Clock()
    book(store, sam)
    worker = worker_for(store, clock, mailbox, twilio_api)
    for _ in range(3):
        worker.drain()
        clock.now += timedelta(minutes=5)
    assert len(twilio_api.sent) == 1
    assert "Friday, November 29th, 2030 at 10 AM" in twilio_api.sent[0]["Body"]
    assert [m["To"] for m in mailbox.messages] == ["sam@example.com"]


def test_a_caller_without_email_gets_sms_only(
    store: SqliteStore, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """With no e-mail address the notice is one SMS, and counts as sent."""
    kim = store.create_user(phone="+14155550188", name="Kim")
    book(store, kim)
    assert worker_for(store, Clock(), mailbox, twilio_api).round().sent == 1
    assert [s["To"] for s in twilio_api.sent] == ["+14155550188"]
    assert mailbox.messages == []


def test_a_write_that_rolled_back_sends_nothing(
    store: SqliteStore, sam: User, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """A booking of a taken time and a move onto one roll back, and owe no notice."""
    kim = store.create_user(phone="+14155550188", name="Kim")
    mine = book(store, sam)
    later = book(store, sam, VISIT + timedelta(hours=1))
    with pytest.raises(SlotUnavailable):
        store.book(user_id=kim.id, start=VISIT, duration_min=30, idempotency_key="k")
    with pytest.raises(SlotUnavailable):
        store.reschedule(
            user_id=sam.id, appointment_id=later.id, new_start=mine.start, idempotency_key="m"
        )
    assert worker_for(store, Clock(), mailbox, twilio_api).round().sent == 2
    assert [s["To"] for s in twilio_api.sent] == ["+14155550123"] * 2
    assert all(
        s["Body"].startswith("Lee's Salon: Hi Sam Lee, your appointment is booked")
        for s in twilio_api.sent
    )


def test_a_retry_resends_only_the_channel_that_failed(
    store: SqliteStore, sam: User, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """Twilio down once: the e-mail goes at once, the SMS a minute later; neither twice."""
    clock = Clock()
    book(store, sam)
    worker = worker_for(store, clock, mailbox, twilio_api)
    twilio_api.fail.append((503, 20003))
    assert worker.round().retried == 1
    assert (len(twilio_api.sent), len(mailbox.messages)) == (0, 1)
    clock.now += timedelta(seconds=59)
    assert worker.round().claimed == 0, "not before its backoff is over"
    clock.now += timedelta(seconds=1)
    assert worker.round().sent == 1
    assert (len(twilio_api.sent), len(mailbox.messages)) == (1, 1)


def test_backoff_doubles_and_then_the_notice_is_given_up_loudly(
    store: SqliteStore,
    sam: User,
    mailbox: Mailbox,
    twilio_api: TwilioStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Twilio refusing every time: waits of 1, 2, 4 minutes, then one ERROR line naming the
    notice and Twilio's code, with the number masked and no token."""
    clock = Clock()
    book(store, sam)
    worker = worker_for(store, clock, mailbox, twilio_api, max_attempts=4)
    twilio_api.fail.extend([(500, 20500)] * 4)
    with caplog.at_level(logging.ERROR, logger="booking.notify.worker"):
        assert worker.round().retried == 1
        for wait in (1, 2, 4):
            clock.now += timedelta(minutes=wait, seconds=-1)
            assert worker.round().claimed == 0, f"not before {wait} minutes"
            clock.now += timedelta(seconds=1)
            assert worker.round().claimed == 1
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert "given up after 4 attempts" in line
    assert "Twilio 500: 20500" in line
    assert "+14155550123" not in line
    assert TWILIO_TOKEN not in line
    assert len(mailbox.messages) == 1, "the e-mail went once, on the first attempt"
    clock.now += timedelta(hours=1)
    assert worker.round().claimed == 0, "given up for good"


def test_reminders_go_at_each_offset_once(
    store: SqliteStore, sam: User, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """24 h and 2 h before the visit the caller gets a reminder each, and never a second."""
    clock = Clock()
    book(store, sam)
    worker = worker_for(store, clock, mailbox, twilio_api, reminders=(1440, 120))
    worker.drain()  # the confirmation
    clock.now = VISIT - timedelta(hours=30)
    assert worker.round().scheduled == 0
    clock.now = VISIT - timedelta(hours=23)
    assert worker.round().sent == 1
    worker.round()
    clock.now = VISIT - timedelta(minutes=90)
    assert worker.round().sent == 1
    worker.round()
    reminders = [s["Body"] for s in twilio_api.sent[1:]]
    assert len(reminders) == 2
    assert "tomorrow, Friday, November 29th at 10 AM" in reminders[0]
    assert "today, Friday, November 29th at 10 AM" in reminders[1]
    assert all(r.endswith("Reply C to cancel.") for r in reminders)
    assert all(m.get_content_type() == "text/plain" for m in mailbox.messages[1:]), "no .ics"
    assert store.reminded_appointment(sam.id, channel="sms") is not None


def test_a_reminder_of_a_cancelled_visit_is_skipped(
    store: SqliteStore, sam: User, mailbox: Mailbox, twilio_api: TwilioStandIn
) -> None:
    """A reminder due but not sent when its visit is cancelled never goes; the cancellation
    does."""
    clock = Clock()
    appointment = book(store, sam)
    worker = worker_for(store, clock, mailbox, twilio_api, reminders=(120,))
    worker.drain()
    assert store.schedule_reminders(now=VISIT - timedelta(hours=2), minutes_before=[120]) == 1
    store.cancel(user_id=sam.id, appointment_id=appointment.id, idempotency_key="c")
    clock.now = VISIT - timedelta(hours=1)
    assert worker.round().sent == 1
    bodies = [s["Body"] for s in twilio_api.sent]
    assert len(bodies) == 2 and "is cancelled" in bodies[1]
    assert not any("reminder" in b for b in bodies)
    assert store.reminded_appointment(sam.id, channel="sms") is None
