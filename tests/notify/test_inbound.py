"""Twilio's inbound SMS webhook: "C" cancels the visit last reminded, only when Twilio signed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from booking.notify.inbound import inbound_router
from booking.notify.settings import get_notify_settings
from business.calendar import BusinessCalendar
from store.models import Appointment, Delivery, User
from store.sqlite import SqliteStore
from tests.notify.conftest import TWILIO_TOKEN, notify_settings

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2030, 11, 28, 10, 0, tzinfo=LA)
URL = "http://testserver/twilio/sms"
SAM = "+14155550123"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    """Yield the store, in the business's zone."""
    with SqliteStore(tmp_path / "replies.db", timezone="America/Los_Angeles") as opened:
        yield opened


@pytest.fixture
def sam(store: SqliteStore) -> User:
    """Return Sam, a caller."""
    return store.create_user(phone=SAM, name="Sam Lee")


@pytest.fixture
def visit(store: SqliteStore, sam: User) -> Appointment:
    """Book Sam for tomorrow at 10 and record the reminder SMS about it as delivered."""
    booked = store.book(
        user_id=sam.id,
        start=datetime(2030, 11, 29, 10, 0, tzinfo=LA),
        duration_min=30,
        idempotency_key="b",
    )
    store.schedule_reminders(now=NOW, minutes_before=[1440])
    far = datetime(2100, 1, 1, tzinfo=UTC)
    for notice in store.claim_notices(now=far, limit=10, lease_until=far, worker="w"):
        if notice.kind == "reminder":
            store.record_delivery(Delivery(notice.id, "sms", at=NOW, ok=True, detail="SM0"))
    assert store.reminded_appointment(sam.id, channel="sms") == booked.id
    return booked


@pytest.fixture
def client(store: SqliteStore) -> TestClient:
    """Return a client of an app serving the webhook, with the auth token set."""
    app = FastAPI()
    app.include_router(
        inbound_router(lambda: store, calendar=BusinessCalendar(), clock=lambda: NOW)
    )
    app.dependency_overrides[get_notify_settings] = lambda: notify_settings(
        twilio_auth_token=TWILIO_TOKEN
    )
    return TestClient(app)


def sms(body: str, *, sid: str = "SM1", sender: str = SAM) -> dict[str, str]:
    """Return the form Twilio posts for one inbound SMS."""
    return {"MessageSid": sid, "From": sender, "To": "+15005550006", "Body": body}


def post(client: TestClient, form: dict[str, str], *, token: str = TWILIO_TOKEN) -> str:
    """Post `form` signed as Twilio signs it with `token`; return the TwiML's text."""
    signature = RequestValidator(token).compute_signature(URL, form)
    answer = client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    return answer.text


def test_replying_c_cancels_the_reminded_visit_once(
    client: TestClient, store: SqliteStore, sam: User, visit: Appointment
) -> None:
    """ "C" cancels the visit and says which; Twilio retrying the same message says it again."""
    said = post(client, sms(" C "))
    assert "Your appointment on tomorrow, Friday, November 29th at 10 AM is cancelled." in said
    assert store.list_appointments(sam.id) == []
    assert post(client, sms("C")) == said, "the same MessageSid: the same answer"


def test_a_later_reply_to_a_cancelled_visit_changes_nothing(
    client: TestClient, store: SqliteStore, visit: Appointment
) -> None:
    """A second "cancel" in a new message is told the visit is no longer booked."""
    post(client, sms("cancel", sid="SM1"))
    assert "no longer booked" in post(client, sms("Cancel", sid="SM2"))


def test_other_words_and_unknown_numbers_cancel_nothing(
    client: TestClient, store: SqliteStore, sam: User, visit: Appointment
) -> None:
    """Any other text says how to cancel; a number with no account has nothing to cancel."""
    assert "Reply C to cancel" in post(client, sms("can I come at 11 instead?"))
    assert "no appointment to cancel" in post(client, sms("C", sender="+14155550199"))
    assert [a.id for a in store.list_appointments(sam.id)] == [visit.id]


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}],
    ids=["unsigned", "bad signature"],
)
def test_a_request_twilio_did_not_sign_is_refused(
    client: TestClient, store: SqliteStore, sam: User, visit: Appointment, headers: dict[str, str]
) -> None:
    """No signature, or a wrong one, is 403 and cancels nothing; the token is never echoed."""
    answer = client.post("/twilio/sms", data=sms("C"), headers=headers)
    assert answer.status_code == 403
    assert answer.json() == {"detail": "The request is not signed by Twilio."}
    assert TWILIO_TOKEN not in answer.text
    assert [a.id for a in store.list_appointments(sam.id)] == [visit.id]


def test_a_signature_made_with_another_token_is_refused(
    client: TestClient, visit: Appointment
) -> None:
    """A form signed with someone else's auth token is 403."""
    form = sms("C")
    signature = RequestValidator("another-token").compute_signature(URL, form)
    answer = client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 403
