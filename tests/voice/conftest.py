"""Voice calls in-process: LiveKit's own `AgentSession` around the graph, no room, no keys.

Text calls go through `AgentSession.run(user_input=...)`; audio calls add a silent TTS and
a real-time speaker (`fakes`) so playout, barge-in and speech usage are LiveKit's own.
`harness/` holds the real-audio stand-ins (espeak-ng, pocketsphinx, clips, capture).

A module using the `face_mode` fixture runs each of its calls twice: voice-only, and with
a web caller's avatar on. With the avatar, a text call starts the real Bey plugin against
a stand-in of its API (no video can come without a LiveKit server, so the voice stays
where it was), and an audio call shows a stand-in avatar (`avatars.AvatarStandIn`) that
joins at once: its speaker is `AudioSession.speaker`, so the call's voice, barge-ins and
what the caller heard all go through the face.
"""

from __future__ import annotations

import shutil
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import pytest
from livekit.agents import AgentSession, ConversationItemAddedEvent, llm
from livekit.agents.voice.run_result import RunResult
from livekit.agents.voice.transcription.synchronizer import TranscriptSynchronizer
from livekit.plugins import silero

from booking.compose import Receptionist
from tests.conftest import SAM
from tests.voice.avatars import (
    LIVEKIT_URL,
    AvatarStandIn,
    face_of,
    in_a_job,
    provider_api,
    web_face,
    web_room,
)
from tests.voice.fakes import QuietSTT, SilentTTS, Speaker, Transcript
from voice.agent import BookingAgent
from voice.avatar import Face
from voice.calls import EndCall
from voice.graph_llm import GraphLLM
from voice.options import AgentOptions
from voice.session import booking_session

THREAD = "call-1"


class FaceMode:
    """Whether the calls of the test running show a web caller's avatar (`face_mode`)."""

    on = False


@pytest.fixture(params=["voice-only", "with-avatar"])
def face_mode(request: pytest.FixtureRequest) -> Iterator[bool]:
    """Run the test voice-only, then again with the avatar on."""
    FaceMode.on = request.param == "with-avatar"
    try:
        yield FaceMode.on
    finally:
        FaceMode.on = False


_STAND_INS: weakref.WeakKeyDictionary[AgentSession[None], AvatarStandIn] = (
    weakref.WeakKeyDictionary()
)
"""The stand-in avatar of each audio session made with the avatar on."""


@pytest.fixture
def espeak_ng() -> None:
    """Fail, saying how to install it, when espeak-ng (the harness's voice) is missing."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: apt-get install -y espeak-ng (./dev test installs it)")


@pytest.fixture
def anyio_backend() -> str:
    """Run the async tests on asyncio, LiveKit's event loop."""
    return "asyncio"


@dataclass
class VoiceCall:
    """A running call: the session, the agent, and the rooms it asked to delete."""

    session: AgentSession[None]
    agent: BookingAgent
    greeting: str
    deleted_rooms: list[str] = field(default_factory=list)

    async def say(self, text: str) -> str:
        """Send one caller line and return what the agent said back."""
        return said(await self.session.run(user_input=text))


def said(result: RunResult[None]) -> str:
    """Join the agent's messages of a run."""
    return " ".join(
        event.item.text_content or ""
        for event in result.events
        if event.type == "message"
        and isinstance(event.item, llm.ChatMessage)
        and event.item.role == "assistant"
    )


def spoken(session: AgentSession[None]) -> list[str]:
    """Return a list that fills with the text of every message the session adds."""
    lines: list[str] = []

    def add(event: ConversationItemAddedEvent) -> None:
        if isinstance(event.item, llm.ChatMessage):  # not the agent handoff LiveKit adds
            lines.append(event.item.text_content or "")

    session.on("conversation_item_added", add)
    return lines


def text_session(*, silence_prompt_after: float | None = None) -> AgentSession[None]:
    """Return a text-only session (no STT, TTS or audio), as in LiveKit's own tests."""
    return AgentSession(llm=GraphLLM(), user_away_timeout=silence_prompt_after)


@dataclass
class AudioSession:
    """A session speaking through a silent TTS to a real-time speaker, and its stand-ins."""

    session: AgentSession[None]
    stt: QuietSTT
    tts: SilentTTS
    """Set `tts.seconds_per_char` to slow the next replies down (0.06 is a person's pace)."""
    speaker: Speaker
    """Set `speaker.hold` to keep the next reply playing until it is cut off or released.
    With the avatar on, the avatar's speaker: the call's voice goes through the face."""
    transcript: Transcript
    """The words of the reply playing, released as its audio plays."""


def audio_session() -> AudioSession:
    """Return a session whose replies play in real time, quickly until slowed down."""
    quiet, silent = QuietSTT(), SilentTTS(seconds_per_char=0.002)
    speaker, transcript = Speaker(), Transcript()
    session = booking_session(
        stt=quiet,
        tts=silent,
        vad=silero.VAD.load(),
        silence_prompt_after=None,
        aec_warmup=None,
        close_transcript_timeout=0.05,  # nothing is left to transcribe at the end of a test
    )
    # the room's transcript synchroniser: it decides what an interrupted reply "played"
    sync = TranscriptSynchronizer(next_in_chain_audio=speaker, next_in_chain_text=transcript)
    session.output.audio = sync.audio_output
    session.output.transcription = sync.text_output
    if FaceMode.on:  # the room's speaker stays silent: the face speaks
        stand_in = _STAND_INS[session] = AvatarStandIn(web_room())
        speaker = stand_in.speaker
    return AudioSession(session, quiet, silent, speaker, transcript)


@asynccontextmanager
async def voice_call(
    booking: Receptionist,
    *,
    caller_id: str | None = SAM,
    options: AgentOptions | None = None,
    session: AgentSession[None] | None = None,
    thread: str = THREAD,
    transfer: EndCall | None = None,
    face: Face | None = None,
) -> AsyncIterator[VoiceCall]:
    """Start a call on `booking`'s graph (on `thread`) and greet; close the session on exit.

    `transfer`: how to put the caller through to a person (a phone line with a number set);
    `face`: the caller's avatar (with `face_mode` on, one is made when none is given).
    """
    deleted: list[str] = []

    async def delete_room() -> None:
        deleted.append(thread)

    session = session or text_session()
    async with AsyncExitStack() as stack:
        if face is None and FaceMode.on:
            face = await stack.enter_async_context(face_for(session, thread))
        agent = BookingAgent(
            booking.conversation(thread),
            caller_id=caller_id,
            end_call=delete_room,
            transfer=transfer,
            face=face,
            options=options,
        )
        async with session:
            started = await session.start(agent, capture_run=True)
            yield VoiceCall(session, agent, said(started), deleted)


@asynccontextmanager
async def face_for(session: AgentSession[None], thread: str) -> AsyncIterator[Face]:
    """Return the face a call on `session` shows with the avatar on (see the docstring)."""
    stand_in = _STAND_INS.get(session)
    if stand_in is not None:
        shown = face_of(stand_in, call=thread)
        yield shown
        assert stand_in.started_with["url"] == LIVEKIT_URL
        assert shown.usage().outcome == "shown"  # the voice went through the face
        return
    async with provider_api() as bey_api, in_a_job():
        # the stand-in says yes in milliseconds; the video never comes, so each greeting
        # waits this long: room for a busy machine, not much more
        yield web_face("bey", bey_api.url, wait=0.5, call=thread)
    assert len(bey_api.to("/v1/sessions")) == 1
