"""SMS notices through Twilio's REST API, with its own client; the base URL is a setting.

TWILIO_API_BASE_URL points the client somewhere else than https://api.twilio.com (the
tests' local server, a proxy); TWILIO_REGION and TWILIO_EDGE pick Twilio's own regional
hosts, and only apply to Twilio's host. The `twilio` package comes with the `notify`
extra: import this module inside `needs("notify", ...)`.
"""

from __future__ import annotations

from typing import Any, Literal

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from booking.notify.channels import Contact, DeliveryFailed, Outgoing
from booking.notify.settings import NotifySettings


class SmsChannel:
    """Send each notice as one SMS from TWILIO_FROM_NUMBER to the caller's E.164 number."""

    name: Literal["sms"] = "sms"

    def __init__(self, settings: NotifySettings) -> None:
        """Make the Twilio client the settings describe."""
        sid, token = settings.twilio_account_sid, settings.twilio_auth_token
        if not sid or token is None or not settings.twilio_from_number:
            raise ValueError("SMS needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER")
        base = settings.twilio_api_base_url
        self._client = Client(
            sid,
            token.get_secret_value(),
            # Twilio's regional hosts are names under twilio.com: no meaning for another base
            region=None if base else settings.twilio_region,
            edge=None if base else settings.twilio_edge,
            http_client=TwilioHttpClient(timeout=settings.twilio_timeout_seconds),
        )
        if base:
            self._client.api.base_url = base.rstrip("/")
        self._from = settings.twilio_from_number

    def reaches(self, contact: Contact) -> bool:
        """Return True: every caller has an E.164 number."""
        return bool(contact.phone)

    def send(self, contact: Contact, outgoing: Outgoing) -> str:
        """Send the SMS; return Twilio's message SID."""
        sender: dict[str, Any] = (
            {"messaging_service_sid": self._from}
            if self._from.startswith("MG")
            else {"from_": self._from}
        )
        try:
            sent = self._client.messages.create(
                to=contact.phone, body=outgoing.message.sms, **sender
            )
        except TwilioRestException as error:
            # Twilio's code and HTTP status say why ("21610: unsubscribed"), never the token
            raise DeliveryFailed(f"Twilio {error.status}: {error.code}") from None
        except (TwilioException, OSError) as error:
            raise DeliveryFailed(f"Twilio unreachable: {type(error).__name__}") from None
        return str(sent.sid)
