"""The receptionist's face: a video avatar (Beyond Presence or Tavus) for web callers.

With VOICE_AVATAR=bey|tavus a web call (never a phone call) gets a `Face`: LiveKit's
avatar plugin for that provider (`livekit-plugins-bey`, `livekit-plugins-tavus`, the
`avatar` extra), started while the graph opens the call and before the greeting. The
provider's avatar joins the room as a participant of its own, receives the agent's speech
as a data stream and publishes video and lip-synced audio on the agent's behalf.

What the plugins do not decide, this does (livekit-agents 1.8.9):
- The caller never waits on the face for more than VOICE_AVATAR_WAIT_SECONDS. A provider
  that refuses, fails or does not answer in time leaves the call voice-only, with one
  warning; an avatar that turns up anyway after that is shown out of the room.
- The voice goes to the avatar only once its video is in the room. The plugin's audio
  output waits for that video before it plays a frame, so a face that never comes would
  otherwise silence the call. Until then the room's own audio output keeps the voice;
  a face that comes after the greeting takes the voice over between two sentences.
- A face that leaves mid-call hands the voice back to the room's audio at once.
- The swap is the bottom of the session's audio chain (`AgentOutput.replace_audio_tail`):
  the transcript synchroniser above it stays, so barge-in, the protected confirmations and
  the record of what the caller heard work the same through the face or without it.
- The avatar's minutes, from the provider's yes to the end of the call (or the face
  leaving), are priced into the call's cost breakdown; a Tavus conversation is ended with
  the call, since Tavus bills it until it is ended or times out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import aiohttp
from livekit import api, rtc
from livekit.agents import NOT_GIVEN, AgentSession, APIConnectOptions, APIStatusError, utils
from livekit.agents.job import get_job_context
from livekit.agents.voice.events import AgentStateChangedEvent
from livekit.agents.voice.io import AgentOutput, AudioOutput

from voice.calls import Participant, on_the_phone
from voice.settings import VoiceSettings, secret

log = logging.getLogger(__name__)

Status = Literal["starting", "failed", "waiting", "shown", "left", "closed"]
Outcome = Literal["failed", "never_shown", "shown", "left"]
"""How the face's call went, as kept in the cost breakdown."""
END_TIMEOUT = 5.0
"""Seconds closing waits for the provider to end its session, or for LiveKit to remove it."""
PROVIDER_RETRY_LINES = ("failed to call",)
"""How the plugins word a failed request before they raise; the face's warning says it."""


@dataclass(frozen=True)
class LiveKitAccess:
    """The LiveKit server and keys the avatar's own token is signed with (never logged)."""

    url: str
    api_key: str = field(repr=False)
    api_secret: str = field(repr=False)


@dataclass(frozen=True)
class AvatarUsage:
    """What a call's face did and for how long, for the cost breakdown."""

    provider: str
    outcome: Outcome
    seconds: float
    """Billed time: from the provider's yes to the call's end or the face leaving."""


class QuietProviderRetries(logging.Filter):
    """Drop the plugins' own warning about a failed request: the face logs the failure once."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but the plugins' "failed to call ..." lines."""
        return not str(record.msg).startswith(PROVIDER_RETRY_LINES)


for _plugin in ("livekit.plugins.bey", "livekit.plugins.tavus"):
    logging.getLogger(_plugin).addFilter(QuietProviderRetries())


class AvatarPlugin(Protocol):
    """What the face uses of a LiveKit avatar plugin's `AvatarSession` (bey's, tavus's)."""

    @property
    def avatar_identity(self) -> str:
        """The avatar's participant identity in the room."""
        ...

    async def start(
        self,
        agent_session: AgentSession[Any],
        room: rtc.Room,
        *,
        livekit_url: str,
        livekit_api_key: str,
        livekit_api_secret: str,
    ) -> None:
        """Ask the provider for the avatar and put its output under the session's voice."""
        ...

    async def aclose(self) -> None:
        """Unhook from the session and room, removing the avatar from the room."""
        ...


class Ending(Protocol):
    """Ends the provider's side of the avatar when the call ends (Tavus bills until then)."""

    async def __call__(self) -> None:
        """End it; raise when the provider refuses or cannot be reached."""
        ...


class Face:
    """One web call's avatar: started before the greeting, given the voice once its video
    is in the room, and never holding the call up; see the module docstring."""

    def __init__(
        self,
        avatar: AvatarPlugin,
        *,
        provider: str,
        room: rtc.Room,
        livekit: LiveKitAccess,
        wait: float,
        call: str,
        end: Ending | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Show `avatar` (a LiveKit avatar plugin's session, not started) in `room`.

        `wait`: the longest the greeting waits for it; `end`: what ends the provider's
        session when the call ends; `clock`: seconds, for the billed time.
        """
        self._avatar = avatar
        self.provider = provider
        self._room = room
        self._livekit = livekit
        self._wait = wait
        self._call = call
        self._end = end
        self._clock = clock
        self.status: Status = "starting"
        self._outcome: Outcome = "failed"
        """How the call went for the face, fixed when it is closed."""
        self._session: AgentSession[Any] | None = None
        self._room_tail: AudioOutput | None = None
        """The bottom of the session's audio chain before the face: the room's audio."""
        self._face_tail: AudioOutput | None = None
        """The plugin's output streaming the voice to the avatar."""
        self._video = asyncio.Event()
        self._billed_from: float | None = None
        self._billed_until: float | None = None
        self._job = get_job_context(required=False)
        """The call's job (its LiveKit API client), to show a late avatar out."""
        self._chores: set[asyncio.Future[None]] = set()
        """Work left running in the background (releasing the plugin, removing a late avatar)."""
        self._evicted = False
        self._closed = False

    @property
    def identity(self) -> str:
        """The avatar's participant identity in the room."""
        return self._avatar.avatar_identity

    async def show(self, session: AgentSession[Any]) -> None:
        """Start the avatar, and give it the voice if its video comes within the wait.

        Never raises (but for cancellation) and never takes longer than the wait: a face
        that cannot be shown leaves the call as it was, voice-only, with one warning.
        """
        started = self._clock()
        self._session = session
        self._room_tail = tail_of(session.output)
        self._room.on("track_published", self._on_track_published)
        self._room.on("participant_connected", self._on_participant_connected)
        self._room.on("participant_disconnected", self._on_participant_disconnected)
        try:
            await asyncio.wait_for(
                self._avatar.start(
                    session,
                    self._room,
                    livekit_url=self._livekit.url,
                    livekit_api_key=self._livekit.api_key,
                    livekit_api_secret=self._livekit.api_secret,
                ),
                timeout=self._wait,
            )
        except Exception as error:
            # the plugin hands the voice over only as its last step, but be sure of it
            self._put_tail(self._room_tail)
            self.status = "failed"
            log.warning(
                "call %s: the %s avatar could not start (%s); the call goes on voice-only",
                self._call,
                self.provider,
                failure(error, self._wait),
            )
            # in the background: the greeting does not wait on LiveKit removing the avatar
            self._chore(self._let_go())
            if self.identity in self._room.remote_participants:
                self._evict()
            return
        # The plugin has put its output at the bottom of the chain; it waits for the
        # avatar's video before it plays anything, so the room's keeps the voice till then.
        self._face_tail = tail_of(session.output)
        self._put_tail(self._room_tail)
        self._billed_from = self._clock()
        self.status = "waiting"
        self._look_for_video()
        left = self._wait - (self._clock() - started)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._video.wait(), timeout=max(left, 0.0))
        if self.status == "waiting" and self._video.is_set():
            self._take_voice()
        elif self.status == "waiting":
            log.info(
                "call %s: the %s avatar's video is not in the room yet; the greeting goes"
                " voice-only and the face takes the voice when it comes",
                self._call,
                self.provider,
            )

    def stop(self) -> None:
        """The call is over: fix how it went for the face and stop the billed time.

        Synchronous, so the call's costs are kept before the provider is told (`close`).
        """
        if self.status == "closed":
            return
        before, self.status = self.status, "closed"
        self._outcome = outcome_of(before)
        self._stop_billing()
        if self._session is not None:
            self._session.off("agent_state_changed", self._on_agent_state)
        self._room.off("track_published", self._on_track_published)
        self._room.off("participant_connected", self._on_participant_connected)
        self._room.off("participant_disconnected", self._on_participant_disconnected)
        if before == "waiting":
            log.warning(
                "call %s: the %s avatar started but its video never came; the call was voice-only",
                self._call,
                self.provider,
            )

    async def close(self) -> None:
        """End the provider's session (Tavus bills until then) and release the plugin."""
        self.stop()
        if self._closed:
            return
        self._closed = True
        if self._outcome != "failed" and self._end is not None:
            try:
                await asyncio.wait_for(self._end(), timeout=END_TIMEOUT)
            except Exception as error:
                log.warning(
                    "call %s: the %s avatar's session could not be ended (%s); the provider"
                    " ends it on its own timeout",
                    self._call,
                    self.provider,
                    failure(error, END_TIMEOUT),
                )
        await self._let_go()
        if self._chores:
            await asyncio.wait(self._chores, timeout=END_TIMEOUT)

    def usage(self) -> AvatarUsage:
        """What the face did in this call and the time billed for it."""
        outcome = self._outcome if self.status == "closed" else outcome_of(self.status)
        until = self._billed_until if self._billed_until is not None else self._clock()
        seconds = until - self._billed_from if self._billed_from is not None else 0.0
        return AvatarUsage(provider=self.provider, outcome=outcome, seconds=max(seconds, 0.0))

    def _look_for_video(self) -> None:
        """Note the avatar's video if it was published before the face started looking."""
        participant = self._room.remote_participants.get(self.identity)
        if participant is not None and any(
            publication.kind == rtc.TrackKind.KIND_VIDEO
            for publication in participant.track_publications.values()
        ):
            self._video.set()

    def _on_track_published(self, publication: Any, participant: Participant | Any) -> None:
        if getattr(participant, "identity", None) != self.identity:
            return
        if self.status == "failed":
            self._evict()
        elif publication.kind == rtc.TrackKind.KIND_VIDEO and not self._video.is_set():
            self._video.set()
            if self.status == "waiting" and self._session is not None:
                # after the greeting: hand the voice over between two sentences
                if self._session.agent_state == "speaking":
                    self._session.on("agent_state_changed", self._on_agent_state)
                else:
                    self._take_voice()

    def _on_agent_state(self, event: AgentStateChangedEvent) -> None:
        if event.new_state != "speaking" and self._session is not None:
            self._session.off("agent_state_changed", self._on_agent_state)
            if self.status == "waiting":
                self._take_voice()

    def _on_participant_connected(self, participant: Any) -> None:
        if participant.identity == self.identity and self.status == "failed":
            self._evict()

    def _on_participant_disconnected(self, participant: Any) -> None:
        if participant.identity != self.identity or self.status not in ("waiting", "shown"):
            return
        self.status = "left"
        self._put_tail(self._room_tail)
        self._stop_billing()
        log.warning(
            "call %s: the %s avatar left the call; the voice goes on without it",
            self._call,
            self.provider,
        )

    def _take_voice(self) -> None:
        self.status = "shown"
        self._put_tail(self._face_tail)
        log.info("call %s: the %s avatar is on the call", self._call, self.provider)

    def _put_tail(self, sink: AudioOutput | None) -> None:
        if self._session is not None:
            put_tail(self._session.output, sink)

    def _stop_billing(self) -> None:
        if self._billed_from is not None and self._billed_until is None:
            self._billed_until = self._clock()

    async def _let_go(self) -> None:
        """Unhook the plugin from the session and the room (LiveKit removes its avatar)."""
        try:
            await asyncio.wait_for(self._avatar.aclose(), timeout=END_TIMEOUT)
        except Exception:
            log.info("call %s: the avatar plugin did not close cleanly", self._call, exc_info=True)

    def _evict(self) -> None:
        """Show an avatar that came after its start had failed out of the room, once."""
        if self._job is None or self._evicted:
            return
        self._evicted = True
        rooms = self._job.api.room
        request = api.RoomParticipantIdentity(room=self._room.name, identity=self.identity)

        async def remove() -> None:
            try:
                await rooms.remove_participant(request)
                log.info("call %s: a late %s avatar was shown out", self._call, self.provider)
            except Exception as error:
                log.info("call %s: a late avatar stays (%s)", self._call, failure(error, 0))

        self._chore(remove())

    def _chore(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)


def outcome_of(status: Status) -> Outcome:
    """How the call went for the face, from the state it was in at the end."""
    if status in ("shown", "left"):
        return status
    if status == "waiting":
        return "never_shown"
    return "failed"


def failure(error: BaseException, waited: float) -> str:
    """Say why a provider call failed, without its body, headers or keys."""
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return f"no answer in {waited:g} s"
    if isinstance(error, APIStatusError):
        return f"HTTP {error.status_code}"
    if isinstance(error, api.TwirpError):
        return f"LiveKit {error.code}"
    return type(error).__name__


def tail_of(output: AgentOutput) -> AudioOutput | None:
    """Return the bottom of the session's audio chain (None for a text-only session)."""
    sink = output.audio
    while sink is not None and sink.next_in_chain is not None:
        sink = sink.next_in_chain
    return sink


def put_tail(output: AgentOutput, sink: AudioOutput | None) -> None:
    """Put `sink` at the bottom of the session's audio chain, the wrappers above kept."""
    if sink is None:
        output.audio = None
    elif tail_of(output) is not sink:
        output.replace_audio_tail(sink)


def avatar_for(
    participant: Participant | None,
    settings: VoiceSettings,
    *,
    room: rtc.Room,
    call: str,
) -> Face | None:
    """Return the face for this call: only a web caller, with VOICE_AVATAR set, gets one.

    Phone (SIP) callers cannot see it, and console mode has no room to show it in.
    Built inside the call's job (the plugins take its HTTP session).
    """
    if settings.voice_avatar == "none" or participant is None or on_the_phone(participant):
        return None
    livekit = LiveKitAccess(
        url=settings.livekit_url,
        api_key=secret(settings.livekit_api_key),
        api_secret=secret(settings.livekit_api_secret),
    )
    plugin, end = avatar_plugin(settings)
    return Face(
        plugin,
        provider=settings.voice_avatar,
        room=room,
        livekit=livekit,
        wait=settings.voice_avatar_wait_seconds,
        call=call,
        end=end,
    )


def avatar_plugin(settings: VoiceSettings) -> tuple[AvatarPlugin, Ending | None]:
    """Return the provider's LiveKit plugin session, and what ends it with the call."""
    # one try, bounded by the wait: the plugins' retries would outlast it
    once = APIConnectOptions(max_retry=0, timeout=settings.voice_avatar_wait_seconds)
    # the `avatar` extra; the worker checks at its start that it is installed
    if settings.voice_avatar == "bey":
        from livekit.plugins import bey  # noqa: PLC0415 (optional extra)

        bey_avatar = bey.AvatarSession(
            avatar_id=settings.bey_avatar_id or None,
            api_url=settings.bey_api_url.rstrip("/"),
            api_key=secret(settings.bey_api_key),
            conn_options=once,
        )
        return bey_avatar, None  # a Bey session ends when its avatar leaves the room
    from livekit.plugins import tavus  # noqa: PLC0415 (optional extra)

    api_url, api_key = settings.tavus_api_url.rstrip("/"), secret(settings.tavus_api_key)
    tavus_avatar = tavus.AvatarSession(
        face_id=settings.tavus_face_id or NOT_GIVEN,
        pal_id=settings.tavus_pal_id or NOT_GIVEN,
        api_url=api_url,
        api_key=api_key,
        conn_options=once,
    )

    async def end_conversation() -> None:
        if tavus_avatar.conversation_id:
            await end_tavus_conversation(api_url, api_key, tavus_avatar.conversation_id)

    return tavus_avatar, end_conversation


async def end_tavus_conversation(api_url: str, api_key: str, conversation: str) -> None:
    """End a Tavus conversation (POST /v2/conversations/{id}/end): Tavus bills it till then."""
    session = utils.http_context.http_session()
    async with session.post(
        f"{api_url}/conversations/{conversation}/end",
        headers={"x-api-key": api_key},
        timeout=aiohttp.ClientTimeout(total=END_TIMEOUT),
    ) as response:
        if not response.ok:
            raise APIStatusError(
                "Tavus refused to end the conversation", status_code=response.status, body=None
            )
