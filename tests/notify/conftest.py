"""Local stand-ins for the providers: a real SMTP server and a server speaking Twilio's REST.

Nothing here reaches the network: aiosmtpd listens on 127.0.0.1 inside the test process,
and the real `twilio` client is pointed at a local HTTP server (TWILIO_API_BASE_URL) that
answers as Twilio's Messages resource does, failing when a test tells it to.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from booking.notify.settings import NotifySettings
from tests.servers import free_port

TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-auth-token-for-tests"
TWILIO_FROM = "+15005550006"


@dataclass
class Mailbox:
    """What the SMTP server received, each message parsed."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


class _Keep:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.box.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """Run a real SMTP server on 127.0.0.1 that keeps every message, with LOGIN accepted."""
    box = Mailbox(host="127.0.0.1", port=free_port())

    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> Any:
        from aiosmtpd.smtp import AuthResult  # noqa: PLC0415  # only the server needs it

        login, password = auth_data.login.decode(), auth_data.password.decode()
        box.logins.append((login, password))
        # handled=False: aiosmtpd answers 535 itself (its default leaves the answer to us)
        return AuthResult(success=password == "smtp-password", handled=False)

    controller = Controller(
        _Keep(box),
        hostname=box.host,
        port=box.port,
        authenticator=authenticate,
        auth_require_tls=False,  # a plain local server: SMTP_SECURITY=plain in these tests
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class TwilioStandIn:
    """A local server answering as Twilio's REST API; `fail` queues error responses."""

    base_url: str
    sent: list[dict[str, str]] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)
    fail: list[tuple[int, int]] = field(default_factory=list)
    """(HTTP status, Twilio error code) to answer the next requests with, in order."""


@pytest.fixture
def twilio_api() -> Iterator[TwilioStandIn]:
    """Serve POST /2010-04-01/Accounts/{sid}/Messages.json on 127.0.0.1 as Twilio does."""
    port = free_port()
    stand_in = TwilioStandIn(base_url=f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            stand_in.auth.append(self.headers.get("Authorization", ""))
            expected = f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
            if self.path != expected:
                self._answer(404, {"code": 20404, "message": "not found", "status": 404})
                return
            if stand_in.fail:
                status, code = stand_in.fail.pop(0)
                self._answer(status, {"code": code, "message": "refused", "status": status})
                return
            sid = f"SM{len(stand_in.sent):032d}"
            stand_in.sent.append(form)
            self._answer(201, {"sid": sid, "status": "queued", "to": form.get("To")})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()


def notify_settings(**values: Any) -> NotifySettings:
    """Return notice settings from `values` only (no .env file of this machine)."""
    return NotifySettings(_env_file=None, **values)  # type: ignore[call-arg]  # pydantic-settings' own keyword


def smtp_settings(box: Mailbox, **values: Any) -> NotifySettings:
    """Return settings sending e-mail, plain, through `box`'s server."""
    return notify_settings(
        **{
            "notify_channels": "email",
            "smtp_host": box.host,
            "smtp_port": box.port,
            "smtp_security": "plain",
            "smtp_from": "Lee's Salon <desk@salon.example>",
            **values,
        }
    )


def sms_settings(api: TwilioStandIn, **values: Any) -> NotifySettings:
    """Return settings sending SMS through the Twilio stand-in."""
    return notify_settings(
        **{
            "notify_channels": "sms",
            "twilio_account_sid": TWILIO_SID,
            "twilio_auth_token": TWILIO_TOKEN,
            "twilio_from_number": TWILIO_FROM,
            "twilio_api_base_url": api.base_url,
            **values,
        }
    )
