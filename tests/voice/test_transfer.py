"""Putting a phone caller through to a person: LiveKit's SIP transfer, and when it fails.

A local HTTP server stands in for LiveKit's SIP service (its Twirp endpoint); the real
livekit-api client talks to it, so the request the worker sends is the one LiveKit gets.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from livekit import api, rtc
from livekit.protocol.sip import TransferSIPParticipantRequest, TransferSIPParticipantResponse

from booking.compose import Receptionist
from nodes import phrases
from tests.voice.conftest import spoken, text_session, voice_call
from tests.voice.fakes import Caller, until
from voice.calls import sip_transferrer, transfer_for

pytestmark = pytest.mark.anyio

TRANSFER_PATH = "/twirp/livekit.SIP/TransferSIPParticipant"


@dataclass
class SipStandIn:
    """What the stand-in for LiveKit's SIP service received, and how it answers."""

    url: str = ""
    refuse: bool = False
    """Answer as LiveKit does when the phone system refuses the transfer."""
    received: list[TransferSIPParticipantRequest] = field(default_factory=list)
    authorized: list[bool] = field(default_factory=list)


@contextmanager
def sip_service(stand_in: SipStandIn) -> Iterator[SipStandIn]:
    """Serve LiveKit's SIP transfer endpoint on loopback for the test's length."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path != TRANSFER_PATH:
                self.send_error(404)
                return
            stand_in.received.append(TransferSIPParticipantRequest.FromString(body))
            stand_in.authorized.append(self.headers.get("Authorization", "").startswith("Bearer "))
            if stand_in.refuse:
                payload = b'{"code":"failed_precondition","msg":"transfer rejected: 486 Busy"}'
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
            else:
                payload = TransferSIPParticipantResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/protobuf")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()


async def test_the_worker_asks_livekit_to_transfer_the_sip_caller() -> None:
    """The request names the room, the caller's participant and where to, signed."""
    with sip_service(SipStandIn()) as stand_in:
        async with api.LiveKitAPI(stand_in.url, "key", "secret-of-32-characters-at-least!") as lk:
            transfer = sip_transferrer(
                lk.sip, room="call-room", participant="sip_caller", to="tel:+14155550100",
                timeout=5,
            )  # fmt: skip
            await transfer()
    (sent,) = stand_in.received
    assert (sent.room_name, sent.participant_identity, sent.transfer_to) == (
        "call-room",
        "sip_caller",
        "tel:+14155550100",
    )
    assert stand_in.authorized == [True]


async def test_a_refused_transfer_raises() -> None:
    with sip_service(SipStandIn(refuse=True)) as stand_in:
        async with api.LiveKitAPI(stand_in.url, "key", "secret-of-32-characters-at-least!") as lk:
            transfer = sip_transferrer(
                lk.sip, room="r", participant="p", to="tel:+14155550100", timeout=5
            )
            with pytest.raises(api.TwirpError):
                await transfer()


def test_only_a_phone_caller_with_a_number_set_can_be_transferred() -> None:
    async def put_through() -> None:
        return None

    sip = Caller(rtc.ParticipantKind.PARTICIPANT_KIND_SIP, {"sip.phoneNumber": "+14155550123"})
    web = Caller(rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD, {"sip.phoneNumber": ""})
    assert transfer_for(sip, to="tel:+14155550100", build=lambda: put_through) is put_through
    assert transfer_for(sip, to="", build=lambda: put_through) is None
    assert transfer_for(web, to="tel:+14155550100", build=lambda: put_through) is None


@pytest.mark.parametrize("refuse", [False, True], ids=["transferred", "refused"])
async def test_asking_for_a_person_on_the_phone_transfers_after_saying_so(
    agent: Receptionist, refuse: bool
) -> None:
    """The caller hears they are being put through, then LiveKit is asked to transfer; a
    refusal is said, and the caller is asked for a message instead."""
    session = text_session()
    lines = spoken(session)
    with sip_service(SipStandIn(refuse=refuse)) as stand_in:
        async with api.LiveKitAPI(stand_in.url, "key", "secret-of-32-characters-at-least!") as lk:
            transfer = sip_transferrer(
                lk.sip, room="room", participant="sip_caller", to="tel:+14155550100", timeout=5
            )
            async with voice_call(agent, transfer=transfer, session=session) as call:
                assert phrases.TRANSFERRING in await call.say("can I talk to a real person")
                await until(lambda: bool(stand_in.received))
                assert [r.transfer_to for r in stand_in.received] == ["tel:+14155550100"]
                if not refuse:
                    return
                await until(lambda: phrases.TRANSFER_FAILED in lines)
                assert "passed that on" in await call.say("please call me about my bill")
