"""E-mail notices through a real SMTP server, their calendar files read back with icalendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from booking.notify.channels import Contact, DeliveryFailed, Outgoing
from booking.notify.smtp import SmtpChannel
from booking.notify.worker import Wording, Worker
from business.calendar import BusinessCalendar, Service, Staff
from business.notices import Message
from store.sqlite import SqliteStore
from tests.notify.conftest import Mailbox, smtp_settings
from tests.notify.ics import ics_of

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LA)
SALON = BusinessCalendar(
    name="Lee's Salon",
    services=(Service(id="haircut", name="haircut", duration_min=30),),
    staff=(Staff(id="maria", name="Maria"),),
)
SAM = Contact(phone="+14155550123", name="Sam Lee", email="sam@example.com")


def test_an_email_arrives_with_subject_body_and_sender(mailbox: Mailbox) -> None:
    """The SMTP server receives the notice from SMTP_FROM to the caller, as written."""
    channel = SmtpChannel(smtp_settings(mailbox))
    said = Message(subject="Booked: your haircut", body="Hi Sam,\n\nSee you.", sms="unused")
    message_id = channel.send(SAM, Outgoing("booked", said))
    (got,) = mailbox.messages
    assert got["To"] == "sam@example.com"
    assert got["From"] == "Lee's Salon <desk@salon.example>"
    assert got["Subject"] == "Booked: your haircut"
    assert got["Message-ID"] == message_id
    body = got.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n").strip() == "Hi Sam,\n\nSee you."


def test_the_server_login_uses_the_configured_user(mailbox: Mailbox) -> None:
    """SMTP_USER and SMTP_PASSWORD log in; a refused login fails without the password."""
    SmtpChannel(smtp_settings(mailbox, smtp_user="desk", smtp_password="smtp-password")).send(
        SAM, Outgoing("booked", Message("s", "b", "m"))
    )
    assert mailbox.logins == [("desk", "smtp-password")]
    wrong = SmtpChannel(smtp_settings(mailbox, smtp_user="desk", smtp_password="not-it-123"))
    with pytest.raises(DeliveryFailed) as failed:
        wrong.send(SAM, Outgoing("booked", Message("s", "b", "m")))
    assert "login refused" in str(failed.value)
    assert "not-it-123" not in str(failed.value)
    assert len(mailbox.messages) == 1


def test_a_server_that_is_down_is_a_failed_delivery(mailbox: Mailbox) -> None:
    """No server listening is DeliveryFailed (the worker retries), not a crash."""
    channel = SmtpChannel(smtp_settings(mailbox, smtp_port=1, smtp_timeout_seconds=2))
    with pytest.raises(DeliveryFailed, match="SMTP"):
        channel.send(SAM, Outgoing("booked", Message("s", "b", "m")))


@pytest.fixture
def salon(tmp_path: Path) -> Iterator[SqliteStore]:
    """Yield a SQLite store in the salon's zone."""
    store = SqliteStore(tmp_path / "salon.db", timezone="America/Los_Angeles")
    try:
        yield store
    finally:
        store.close()


def test_a_booking_moved_then_cancelled_is_one_event_in_the_callers_calendar(
    mailbox: Mailbox, salon: SqliteStore
) -> None:
    """Booked, moved and cancelled e-mails (the store's own notices) carry one UID, SEQUENCE
    0, 1, 2, the last a CANCEL, with DTSTART at the salon's wall time."""
    sam = salon.create_user(phone=SAM.phone, name="Sam Lee")
    salon.set_user_email(sam.id, "sam@example.com")
    settings = smtp_settings(mailbox)
    worker = Worker(
        store=salon,
        channels=[SmtpChannel(settings)],
        wording=Wording(
            calendar=SALON,
            business=settings.business(SALON),
            uid_domain="salon.example",
            organizer="desk@salon.example",
        ),
        clock=lambda: datetime.now(UTC),  # the notices are due at the database's real now
        name="w1",
    )
    booked = salon.book(
        user_id=sam.id,
        start=datetime(2030, 12, 3, 14, 30, tzinfo=LA),
        duration_min=30,
        idempotency_key="b1",
        service="haircut",
        staff="maria",
    )
    moved = salon.reschedule(
        user_id=sam.id,
        appointment_id=booked.id,
        new_start=datetime(2030, 12, 4, 9, 0, tzinfo=LA),
        idempotency_key="m1",
    )
    salon.cancel(user_id=sam.id, appointment_id=moved.id, idempotency_key="c1")

    assert worker.round().sent == 3

    events = [ics_of(m) for m in mailbox.messages]
    assert [str(e["METHOD"]) for e in events] == ["REQUEST", "REQUEST", "CANCEL"]
    vevents = [e.walk("VEVENT")[0] for e in events]
    assert len({str(v["UID"]) for v in vevents}) == 1
    assert str(vevents[0]["UID"]) == f"appointment-{booked.id}@salon.example"
    assert [v.decoded("SEQUENCE") for v in vevents] == [0, 1, 2]
    assert [v.decoded("DTSTART") for v in vevents] == [
        datetime(2030, 12, 3, 14, 30, tzinfo=LA),
        datetime(2030, 12, 4, 9, 0, tzinfo=LA),
        datetime(2030, 12, 4, 9, 0, tzinfo=LA),
    ]
    assert all(v["DTSTART"].params["TZID"] == "America/Los_Angeles" for v in vevents)
    assert all(e.walk("VTIMEZONE")[0]["TZID"] == "America/Los_Angeles" for e in events)
    assert str(vevents[2]["STATUS"]) == "CANCELLED"
    assert mailbox.messages[1]["Subject"].strip() == (
        "Moved: your haircut with Maria is now Wednesday, December 4th, 2030 at 9 AM"
    )
    assert vevents[0].decoded("DTEND") - vevents[0].decoded("DTSTART") == timedelta(minutes=30)
