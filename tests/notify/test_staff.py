"""Staff told of each callback owed, once per channel: an e-mail through the real SMTP
server and a signed JSON POST to a local webhook, the caller's number in full on both and
in no log line."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from booking.notify.smtp import SmtpChannel
from booking.notify.staff import SIGNATURE_HEADER, StaffEmail, StaffWebhook
from booking.notify.worker import Wording, Worker
from business.calendar import BusinessCalendar
from store.models import Callback
from store.sqlite import SqliteStore
from tests.notify.conftest import Mailbox, notify_settings, smtp_settings
from tests.servers import free_port

SECRET = "webhook-secret-for-tests"
PHONE = "+14155550123"


@dataclass
class Hook:
    """A local endpoint that keeps what it was POSTed; `fail` queues error statuses."""

    url: str
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    fail: list[int] = field(default_factory=list)


@pytest.fixture
def hook() -> Iterator[Hook]:
    """Serve POST /callbacks on 127.0.0.1, answering 204 (or a queued failure)."""
    port = free_port()
    kept = Hook(url=f"http://127.0.0.1:{port}/callbacks")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if kept.fail:
                self.send_response(kept.fail.pop(0))
            else:
                kept.posts.append((dict(self.headers.items()), body))
                self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield kept
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    """Yield a SQLite store."""
    with SqliteStore(tmp_path / "staff.db", timezone="America/Los_Angeles") as opened:
        yield opened


class Clock:
    """A clock the test moves, starting after the writes it makes first."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


def worker_for(store: SqliteStore, mailbox: Mailbox, hook: Hook, clock: Clock) -> Worker:
    """Return a worker telling staff by e-mail and by the webhook, signed."""
    smtp = SmtpChannel(smtp_settings(mailbox))
    return Worker(
        store=store,
        channels=[smtp],
        staff=[
            StaffEmail(smtp, "desk@salon.example"),
            StaffWebhook(hook.url, secret=SecretStr(SECRET), timeout=5),
        ],
        wording=Wording(calendar=BusinessCalendar(name="Lee's Salon"), business="Lee's Salon"),
        clock=clock,
        name="w1",
    )


def ask(store: SqliteStore, *, call: str = "call-1", need: str = "a refund") -> Callback:
    """Request a callback from Sam in `call`."""
    return store.request_callback(
        conversation_id=call,
        user_id=None,
        phone=PHONE,
        name="Sam",
        need=need,
        reason="message",
        at=datetime(2030, 5, 6, 16, 0, tzinfo=UTC),
    )


def test_staff_hear_of_a_callback_once_on_each_channel(
    store: SqliteStore, mailbox: Mailbox, hook: Hook
) -> None:
    """One e-mail and one signed POST carry the number in full; a second request of the
    same call, and later rounds, send nothing more."""
    made = ask(store)
    clock = Clock()
    worker = worker_for(store, mailbox, hook, clock)
    assert worker.round().sent == 1
    ask(store, need="a refund, today")
    clock.now += timedelta(minutes=5)
    worker.drain()
    (mail,) = mailbox.messages
    assert mail["To"] == "desk@salon.example"
    assert mail["Subject"] == f"Call back Sam ({PHONE})"
    assert "Mon 06 May 2030 at 09:00" in mail.get_content()
    assert f"booking callbacks done {made.id}" in mail.get_content()
    ((headers, body),) = hook.posts
    assert json.loads(body) == {
        "id": made.id,
        "when": "2030-05-06T16:00:00+00:00",
        "name": "Sam",
        "phone": PHONE,
        "need": "a refund",
        "reason": "message",
        "call": "call-1",
        "user_id": None,
    }
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == f"sha256={digest}"


def test_a_failing_webhook_is_retried_alone_and_never_logs_the_number(
    store: SqliteStore, mailbox: Mailbox, hook: Hook, caplog: pytest.LogCaptureFixture
) -> None:
    """The webhook answering 500: the e-mail goes once, the POST a minute later; a webhook
    failing for good is one ERROR line without the caller's number."""
    ask(store)
    clock = Clock()
    worker = worker_for(store, mailbox, hook, clock)
    hook.fail.append(500)
    assert worker.round().retried == 1
    clock.now += timedelta(minutes=1)
    assert worker.round().sent == 1
    assert (len(mailbox.messages), len(hook.posts)) == (1, 1)

    ask(store, call="call-2")
    worker.max_attempts = 1
    hook.fail.append(503)
    with caplog.at_level(logging.INFO):
        assert worker.round().failed == 1
    assert "webhook: webhook answered HTTP 503" in caplog.text
    assert PHONE not in caplog.text


def test_a_callback_done_before_staff_are_told_is_skipped(
    store: SqliteStore, mailbox: Mailbox, hook: Hook
) -> None:
    """Staff who called back already are not told of it."""
    made = ask(store)
    store.close_callback(made.id, at=datetime.now(UTC), by="Lee")
    assert worker_for(store, mailbox, hook, Clock()).round().skipped == 1
    assert (mailbox.messages, hook.posts) == ([], [])


def test_the_webhook_must_be_https_but_on_this_machine() -> None:
    """An http:// webhook elsewhere is refused, without the URL in the message."""
    assert notify_settings(notify_staff_webhook="http://127.0.0.1:8/x").notify_staff_webhook
    assert notify_settings(notify_staff_webhook="https://hooks.example/x?t=1")
    with pytest.raises(ValidationError, match="must be an https:// URL") as refused:
        notify_settings(notify_staff_webhook="http://hooks.example/x?token=abc")
    assert "token=abc" not in str(refused.value)


def test_staff_email_needs_the_smtp_server() -> None:
    """NOTIFY_STAFF_EMAIL without SMTP_HOST and SMTP_FROM is a problem named at start-up."""
    settings = notify_settings(notify_channels="sms", notify_staff_email="desk@salon.example")
    assert "NOTIFY_STAFF_EMAIL is set but SMTP_HOST and SMTP_FROM are not both set" in (
        settings.problems()
    )
