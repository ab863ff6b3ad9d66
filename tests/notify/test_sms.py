"""SMS notices through the real twilio client, pointed at a local stand-in for Twilio's REST."""

from __future__ import annotations

import base64

import pytest

from booking.notify.channels import Contact, DeliveryFailed, Outgoing
from booking.notify.sms import SmsChannel
from business.notices import Message
from tests.notify.conftest import TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioStandIn, sms_settings

SAM = Contact(phone="+14155550123", name="Sam Lee", email=None)
SAID = Outgoing("reminder", Message(subject="", body="", sms="Lee's Salon: see you. Reply C."))


def test_an_sms_goes_to_the_callers_number_from_ours(twilio_api: TwilioStandIn) -> None:
    """Twilio's Messages resource gets To, From and the SMS text; its SID comes back."""
    sid = SmsChannel(sms_settings(twilio_api)).send(SAM, SAID)
    assert twilio_api.sent == [
        {"To": "+14155550123", "From": TWILIO_FROM, "Body": "Lee's Salon: see you. Reply C."}
    ]
    assert sid == f"SM{0:032d}"
    basic = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert twilio_api.auth == [f"Basic {basic}"]


def test_a_messaging_service_sends_instead_of_a_number(twilio_api: TwilioStandIn) -> None:
    """TWILIO_FROM_NUMBER may name a messaging service (MG...), sent as MessagingServiceSid."""
    service = "MG" + "1" * 32
    SmsChannel(sms_settings(twilio_api, twilio_from_number=service)).send(SAM, SAID)
    assert twilio_api.sent[0]["MessagingServiceSid"] == service
    assert "From" not in twilio_api.sent[0]


def test_a_refusal_names_twilios_code_and_never_the_token(twilio_api: TwilioStandIn) -> None:
    """A 400 with Twilio's code 21610 (the caller unsubscribed) fails with that code only."""
    twilio_api.fail.append((400, 21610))
    with pytest.raises(DeliveryFailed) as failed:
        SmsChannel(sms_settings(twilio_api)).send(SAM, SAID)
    assert str(failed.value) == "Twilio 400: 21610"
    assert TWILIO_TOKEN not in str(failed.value)


def test_twilio_unreachable_is_a_failed_delivery(twilio_api: TwilioStandIn) -> None:
    """No server at the base URL is DeliveryFailed (the worker retries it), not a crash."""
    settings = sms_settings(twilio_api, twilio_api_base_url="http://127.0.0.1:1")
    with pytest.raises(DeliveryFailed, match="unreachable"):
        SmsChannel(settings).send(SAM, SAID)
