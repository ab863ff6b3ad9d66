"""Reading back the calendar file an e-mail notice carries."""

from __future__ import annotations

from email.message import EmailMessage

from icalendar import Calendar


def ics_of(message: EmailMessage) -> Calendar:
    """Return the calendar file attached to a received e-mail, parsed."""
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "one calendar file per e-mail"
    payload = parts[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    return Calendar.from_ical(payload)
