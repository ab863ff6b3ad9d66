"""What a notice says: the business, the service and person, the local day and time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from booking.notify.settings import parse_offsets
from business.calendar import BusinessCalendar, Service, Staff
from business.notices import DEFAULT_TEMPLATES, check_template, compose
from tests.notify.conftest import notify_settings

SALON = BusinessCalendar(
    timezone="America/Los_Angeles",
    name="Lee's Salon",
    services=(Service(id="haircut", name="haircut", duration_min=30),),
    staff=(Staff(id="maria", name="Maria"), Staff(id="alex", name="Alex")),
)
# 22:30 UTC on December 3rd is 2:30 PM in Los Angeles
START = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)


def test_a_confirmation_names_the_service_the_person_and_the_local_time() -> None:
    """A booked haircut with Maria reads in the business's wall time, signed by the business."""
    said = compose(
        "booked",
        calendar=SALON,
        business="Lee's Salon",
        start=START,
        service="haircut",
        staff="maria",
        name="Sam Lee",
        today=date(2026, 11, 25),
    )
    assert said.sms == (
        "Lee's Salon: Hi Sam Lee, your haircut with Maria is booked for"
        " Thursday, December 3rd at 2:30 PM."
    )
    assert said.subject == "Booked: your haircut with Maria, Thursday, December 3rd at 2:30 PM"
    assert said.body.endswith("Lee's Salon")


def test_a_reminder_says_tomorrow_and_how_to_cancel() -> None:
    """The day before, the reminder says "tomorrow" before the date, and "Reply C"."""
    said = compose(
        "reminder",
        calendar=SALON,
        business="Lee's Salon",
        start=START,
        service="haircut",
        staff="alex",
        name=None,
        today=date(2026, 12, 2),
    )
    assert "Hi there" in said.sms
    assert "haircut with Alex, tomorrow, Thursday, December 3rd at 2:30 PM" in said.sms
    assert said.sms.endswith("Reply C to cancel.")


def test_a_business_with_nothing_configured_sends_an_appointment() -> None:
    """With no services or staff the notice is about an "appointment", with no one named."""
    said = compose(
        "cancelled",
        calendar=BusinessCalendar(),
        business="Appointments",
        start=START,
        service=None,
        staff="main",
        name="Sam",
        today=date(2026, 11, 25),
    )
    assert said.sms == (
        "Appointments: Hi Sam, your appointment for Thursday, December 3rd at 2:30 PM is cancelled."
    )


def test_the_business_rewords_a_template(monkeypatch: pytest.MonkeyPatch) -> None:
    """NOTIFY_TEMPLATES replaces one part of one kind; the rest keep their default."""
    reworded = '{"moved": {"sms": "{business}: now {when}, {person}."}}'
    monkeypatch.setenv("NOTIFY_TEMPLATES", reworded)
    settings = notify_settings()
    templates = settings.templates()
    assert templates["moved"].sms == "{business}: now {when}, {person}."
    assert templates["moved"].subject == DEFAULT_TEMPLATES["moved"].subject
    said = compose(
        "moved",
        calendar=SALON,
        business=settings.business(SALON),
        start=START,
        service="haircut",
        staff="maria",
        name="Sam",
        today=date(2026, 11, 25),
        templates=templates,
    )
    assert said.sms == "Lee's Salon: now Thursday, December 3rd at 2:30 PM, Maria."


@pytest.mark.parametrize("text", ["{phone}", "Hi {", "{0}", "{}"])
def test_a_template_naming_an_unknown_field_is_refused(text: str) -> None:
    """A misspelt or positional field stops the settings, naming the fields allowed."""
    with pytest.raises(ValueError, match="template"):
        check_template(text)
    with pytest.raises(ValueError, match="template"):
        notify_settings(notify_templates={"booked": {"subject": text}})


def test_reminder_offsets_read_as_minutes() -> None:
    """ "24h,2h" is 1440 and 120 minutes before; "1d" and "90m" work too; "2x" does not."""
    assert parse_offsets("24h, 2h") == (1440, 120)
    assert parse_offsets("90m,1d,24h") == (1440, 90)
    with pytest.raises(ValueError, match="2x"):
        parse_offsets("2x")
    assert notify_settings(notify_reminders="2h").notify_reminders == (120,)


def test_a_channel_without_its_settings_is_named() -> None:
    """NOTIFY_CHANNELS=sms,email with nothing set names what each channel lacks."""
    problems = notify_settings(notify_channels="sms,email", twilio_account_sid="AC1").problems()
    assert problems == [
        "NOTIFY_CHANNELS has sms but TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER are not set",
        "NOTIFY_CHANNELS has email but SMTP_HOST, SMTP_FROM are not set",
    ]
