"""Who is calling, and how a call is hung up.

Over SIP, LiveKit puts the caller's number in the participant attribute `sip.phoneNumber`;
it is read before the first word so the graph can greet a known caller by name. Only a
SIP participant's attribute counts: a web participant may be allowed to set its own
attributes, and a caller ID must not be something a web page can claim.

Deleting the room ends the call for everyone in it; for SIP it hangs up the phone leg.
LiveKit's `JobContext.delete_room()` does it (`room_deleter`). A phone caller who asks for a
person is put through with LiveKit's SIP transfer (`sip_transferrer`), when
VOICE_TRANSFER_TO names where; a web caller leaves a message instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from livekit import rtc
from livekit.protocol.sip import TransferSIPParticipantRequest

log = logging.getLogger(__name__)

SIP_PHONE_ATTRIBUTE = "sip.phoneNumber"

EndCall = Callable[[], Awaitable[None]]
"""Hang up this call (bound to its room); run after the goodbye has been spoken."""


class Participant(Protocol):
    """The part of `rtc.RemoteParticipant` that identifies a caller."""

    @property
    def kind(self) -> int:
        """LiveKit's participant kind (`rtc.ParticipantKind`)."""
        ...

    @property
    def attributes(self) -> Mapping[str, str]:
        """The participant's attributes; SIP sets `sip.phoneNumber`."""
        ...


def on_the_phone(participant: Participant | None) -> bool:
    """Tell whether the caller joined over SIP (a phone), rather than from the web."""
    return participant is not None and participant.kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP


def caller_id_of(participant: Participant | None) -> str | None:
    """Return the SIP caller's number, or None for a web caller (the graph asks for it)."""
    if participant is None or not on_the_phone(participant):
        return None
    return participant.attributes.get(SIP_PHONE_ATTRIBUTE) or None


class SipTransfers(Protocol):
    """The part of livekit-api's `SipService` a transfer needs."""

    async def transfer_sip_participant(
        self, transfer: TransferSIPParticipantRequest, *, timeout: float | None = None
    ) -> object:
        """Ask LiveKit to transfer a SIP participant (a SIP REFER to the phone system)."""
        ...


def sip_transferrer(
    sip: SipTransfers, *, room: str, participant: str, to: str, timeout: float
) -> EndCall:
    """Return the transfer of this call's SIP caller to `to` ("tel:+1..." or "sip:...").

    It raises when LiveKit or the phone system refuses or does not answer in `timeout`
    seconds; the agent then says so and takes a message.
    """

    async def transfer() -> None:
        request = TransferSIPParticipantRequest(
            room_name=room, participant_identity=participant, transfer_to=to, play_dialtone=True
        )
        await asyncio.wait_for(sip.transfer_sip_participant(request, timeout=timeout), timeout)

    return transfer


def transfer_for(
    participant: Participant | None, *, to: str, build: Callable[[], EndCall]
) -> EndCall | None:
    """Return how to transfer this caller: only a SIP (phone) caller with a number to
    transfer to is; a web caller, or a line with none set, gets the message path."""
    if not to or caller_id_of(participant) is None:
        return None
    return build()


async def keep_room() -> None:
    """End nothing: for tests and console mode, where there is no room to delete."""


class Session(Protocol):
    """The part of LiveKit's `AgentSession` a hang-up needs."""

    def shutdown(self) -> None:
        """Close the session."""
        ...


class HangUp:
    """End a call once: run `end_call` (e.g. delete the room), then shut the session down."""

    def __init__(self, end_call: EndCall | None, *, call: str) -> None:
        """Hang up with `end_call` (default: `keep_room`); `call` names it in the log."""
        self._end_call = end_call or keep_room
        self._call = call
        self._task: asyncio.Task[None] | None = None

    def now(self, session: Session) -> None:
        """Start hanging up, unless it has started already."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(session))

    async def _run(self, session: Session) -> None:
        try:
            await self._end_call()
        except Exception:
            log.exception("call %s: could not hang up", self._call)
        session.shutdown()


class RoomJob(Protocol):
    """The part of LiveKit's `JobContext` that hangs a call up."""

    def is_fake_job(self) -> bool:
        """Return True in console mode, where there is no room."""
        ...

    def delete_room(self, room_name: str | None = None) -> Awaitable[object]:
        """Delete the job's room (LiveKit: a task that logs and swallows its failures)."""
        ...


def room_deleter(job: RoomJob) -> EndCall:
    """Return the hang-up of a job's call: delete its room, which ends a SIP leg too.

    LiveKit's own `JobContext.delete_room()` does it, with the worker's credentials (a room
    already gone counts as deleted); console mode has no room, so nothing is deleted.
    """
    if job.is_fake_job():
        return keep_room

    async def delete_room() -> None:
        await job.delete_room()

    return delete_room
