"""Who is calling, and how a call is hung up.

Over SIP, LiveKit puts the caller's number in the participant attribute `sip.phoneNumber`;
it is read before the first word so the graph can greet a known caller by name. Only a
SIP participant's attribute counts: a web participant may be allowed to set its own
attributes, and a caller ID must not be something a web page can claim.

Deleting the room ends the call for everyone in it; for SIP it hangs up the phone leg.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from livekit import api, rtc

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


def caller_id_of(participant: Participant | None) -> str | None:
    """Return the SIP caller's number, or None for a web caller (the graph asks for it)."""
    if participant is None or participant.kind != rtc.ParticipantKind.PARTICIPANT_KIND_SIP:
        return None
    return participant.attributes.get(SIP_PHONE_ATTRIBUTE) or None


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


def room_deleter(*, url: str, api_key: str, api_secret: str) -> Callable[[str], Awaitable[None]]:
    """Return a function that deletes a room through LiveKit's server API."""

    async def delete_room(room: str) -> None:
        async with api.LiveKitAPI(url, api_key, api_secret) as livekit:
            try:
                await livekit.room.delete_room(api.DeleteRoomRequest(room=room))
            except api.TwirpError as error:
                # already gone (the caller hung up first) is the outcome we wanted
                if error.code != api.TwirpErrorCode.NOT_FOUND:
                    raise

    return delete_room
