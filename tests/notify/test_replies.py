"""Replies to reminders through the token server: with TWILIO_AUTH_TOKEN set it answers
Twilio's signed webhook, and a "C" to a reminder the worker really sent cancels that visit,
whose cancellation notice then follows; without it, or without the notify extra, it serves
tokens alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from booking.notify.settings import get_notify_settings
from booking.notify.sms import SmsChannel
from booking.notify.worker import Wording, Worker
from booking.settings import Settings
from booking.settings import get_settings as get_booking_settings
from business.calendar import BusinessCalendar
from store.sqlite import SqliteStore
from tests.notify.conftest import TWILIO_TOKEN, TwilioStandIn, notify_settings, sms_settings
from tests.token_api.conftest import make_settings
from token_api import create_app
from tokens.settings import get_settings as get_token_settings

LA = ZoneInfo("America/Los_Angeles")
VISIT = datetime(2030, 11, 29, 10, 0, tzinfo=LA)
URL = "http://testserver/twilio/sms"
SAM = "+14155550123"
ROOT = Path(__file__).resolve().parents[2]


def token_server(db: Path, **notify: object) -> TestClient:
    """Return a started client of the token server on `db`, with these notice settings."""
    app = create_app()
    app.dependency_overrides[get_token_settings] = make_settings
    app.dependency_overrides[get_notify_settings] = lambda: notify_settings(**notify)
    app.dependency_overrides[get_booking_settings] = lambda: Settings(  # type: ignore[call-arg]  # pydantic-settings init kwarg
        _env_file=None, booking_db=str(db), business_timezone="America/Los_Angeles"
    )
    return TestClient(app)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Return the path of a store where Sam is booked, years ahead."""
    path = tmp_path / "salon.db"
    with SqliteStore(path, timezone="America/Los_Angeles") as store:
        sam = store.create_user(phone=SAM, name="Sam")
        store.book(user_id=sam.id, start=VISIT, duration_min=30, idempotency_key="b")
    return path


def reply(client: TestClient, body: str, sid: str = "SM1") -> str:
    """Post Sam's SMS as Twilio would, signed; return the TwiML answer."""
    form = {"MessageSid": sid, "From": SAM, "To": "+15005550006", "Body": body}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(URL, form)
    answer = client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_c_to_a_sent_reminder_cancels_and_the_cancellation_follows(
    db: Path, twilio_api: TwilioStandIn
) -> None:
    """The worker sends the booking's SMS and, a day ahead, the reminder; "C" cancels that
    visit once (Twilio's retry too), and the next round sends the cancellation."""
    clock = [VISIT - timedelta(hours=23)]
    with SqliteStore(db, timezone="America/Los_Angeles") as store:
        worker = Worker(
            store=store,
            channels=[SmsChannel(sms_settings(twilio_api))],
            wording=Wording(calendar=BusinessCalendar(name="Salon"), business="Salon"),
            clock=lambda: clock[0],
            name="w1",
        )
        assert sum(r.sent for r in worker.drain()) == 2  # the booking's SMS and the reminder
        with token_server(db, twilio_auth_token=TWILIO_TOKEN) as client:
            said = reply(client, "C")
            assert "is cancelled" in said
            assert reply(client, "C") == said, "Twilio retrying: the same answer"
        (visit,) = store.appointments_between(VISIT, VISIT + timedelta(minutes=1))
        assert visit.status == "cancelled"
        assert worker.round().sent == 1
    bodies = [s["Body"] for s in twilio_api.sent]
    assert len(bodies) == 3
    assert "is cancelled" in bodies[2]


def test_without_the_auth_token_there_is_no_webhook(db: Path) -> None:
    """No TWILIO_AUTH_TOKEN: /twilio/sms is not served."""
    with token_server(db) as client:
        assert client.post("/twilio/sms", data={"Body": "C"}).status_code == 404
        assert client.get("/healthz").status_code == 200


def test_without_the_notify_extra_the_token_server_still_starts(db: Path) -> None:
    """twilio not installed: the server says which extra answers SMS replies, and serves."""
    program = textwrap.dedent(
        """
        import importlib.abc, sys

        class NoTwilio(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] in ("twilio", "icalendar"):
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None

        sys.meta_path.insert(0, NoTwilio())
        from fastapi.testclient import TestClient
        from token_api import create_app
        from tests.token_api.conftest import make_settings
        from tokens.settings import get_settings

        app = create_app()
        app.dependency_overrides[get_settings] = make_settings
        with TestClient(app) as client:
            print(client.get("/healthz").status_code, client.post("/twilio/sms").status_code)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=db.parent,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(db.parent),
            "PYTHONPATH": str(ROOT),
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        },
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "404"]
    assert "pip install 'booking-agent[notify]'" in done.stderr
    assert TWILIO_TOKEN not in done.stderr
