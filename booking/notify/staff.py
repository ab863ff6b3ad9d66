"""Telling staff of a callback owed: an e-mail to NOTIFY_STAFF_EMAIL, a JSON POST to
NOTIFY_STAFF_WEBHOOK, or both.

These are the business's own channels, so they carry the caller's number in full (staff
must call it); nothing here logs it, and a failure's message says only the status or the
error's type. A webhook with NOTIFY_STAFF_WEBHOOK_SECRET set carries an HMAC-SHA256 of its
body in X-Booking-Signature ("sha256=<hex>"), so the receiver can tell it came from us.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import SecretStr

from booking.notify.channels import Contact, DeliveryFailed, Outgoing
from booking.notify.smtp import SmtpChannel
from business.calendar import BusinessCalendar
from business.notices import Message
from store.models import Callback, CallbackReason

WHY: dict[CallbackReason, str] = {
    "message": "left a message",
    "callback_offer": "asked to be called back",
    "transfer_failed": "could not be put through",
    "refused": "could not be verified on the phone",
}
SUBJECT = "Call back {name} ({phone})"
BODY = (
    "{name} {why} on {when} and is owed a call back at {phone}.\n\n"
    "What they need: {need}\n\n"
    "Mark it done with `booking callbacks done {id}` once called.\n{business}"
)
SIGNATURE_HEADER = "X-Booking-Signature"


@dataclass(frozen=True)
class StaffNote:
    """A callback told to staff: an e-mail's subject and body, and a webhook's JSON."""

    subject: str
    body: str
    payload: dict[str, Any]


def staff_note(callback: Callback, *, calendar: BusinessCalendar, business: str) -> StaffNote:
    """Word a callback for staff; its time in the business's zone."""
    local = callback.created_at.astimezone(calendar.tz)
    values = {
        "name": callback.name or "A caller",
        "phone": callback.phone or "no number given",
        "why": WHY[callback.reason],
        "when": f"{local:%a %d %b %Y at %H:%M}",
        "need": callback.need,
        "id": callback.id,
        "business": business,
    }
    payload = {
        "id": callback.id,
        "when": callback.created_at.isoformat(),
        "name": callback.name,
        "phone": callback.phone,
        "need": callback.need,
        "reason": callback.reason,
        "call": callback.conversation_id,
        "user_id": callback.user_id,
    }
    return StaffNote(SUBJECT.format_map(values), BODY.format_map(values), payload)


class StaffChannel(Protocol):
    """A way of telling staff of a callback."""

    @property
    def name(self) -> str:
        """Return the channel's name in the deliveries recorded."""
        ...

    def tell(self, note: StaffNote) -> str:
        """Send and return the provider's id or status; DeliveryFailed when it fails."""
        ...


class StaffEmail:
    """Staff's e-mail address, through the notices' SMTP server."""

    name: Literal["email"] = "email"

    def __init__(self, smtp: SmtpChannel, to: str) -> None:
        """Send to `to` through `smtp`."""
        self._smtp, self._to = smtp, to

    def tell(self, note: StaffNote) -> str:
        """Send the e-mail; return its Message-ID."""
        message = Message(subject=note.subject, body=note.body, sms="")
        to = Contact(phone="", name=None, email=self._to)
        return self._smtp.send(to, Outgoing("callback", message))


class StaffWebhook:
    """An HTTPS endpoint of the business's, POSTed each callback as JSON."""

    name: Literal["webhook"] = "webhook"

    def __init__(self, url: str, *, secret: SecretStr | None, timeout: float) -> None:
        """POST to `url`, signed with `secret` if given, waiting at most `timeout` seconds."""
        self._url, self._secret, self._timeout = url, secret, timeout

    def tell(self, note: StaffNote) -> str:
        """POST the callback; return the answer's HTTP status (any 2xx is delivered)."""
        body = json.dumps(note.payload).encode()
        headers = {"Content-Type": "application/json"}
        if self._secret is not None:
            digest = hmac.new(self._secret.get_secret_value().encode(), body, hashlib.sha256)
            headers[SIGNATURE_HEADER] = f"sha256={digest.hexdigest()}"
        request = urllib.request.Request(self._url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(
                request, timeout=self._timeout
            ) as answer:  # https (settings)
                return f"HTTP {answer.status}"
        except urllib.error.HTTPError as error:
            raise DeliveryFailed(f"webhook answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryFailed(f"webhook unreachable: {type(error).__name__}") from None
