"""A whole voice call with no room and no network, for the real-audio test and the bench.

The caller's lines are spoken by espeak-ng into a `ClipAudioInput`; Silero's VAD cuts them
into utterances; `PocketSphinxSTT`, held to a grammar of these very lines, recognises them;
`BookingAgent` answers each with one graph step; `EspeakTTS` speaks into a
`CapturingAudioOutput`. Everything runs on the wall clock, as a phone call would.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from livekit.agents import vad as lk_vad
from livekit.plugins import silero

from booking.compose import Receptionist as App
from graph.conversation import Conversation, Said
from tests.voice.avatars import AvatarStandIn, face_of, web_room
from tests.voice.harness.capture import CapturingAudioOutput, Playback
from tests.voice.harness.clips import ClipAudioInput, Utterance
from tests.voice.harness.espeak_tts import EspeakTTS, espeak
from tests.voice.harness.pocketsphinx_stt import PocketSphinxSTT, sentence_grammar
from tests.voice.harness.session import OFFLINE_TURN_HANDLING, use_offline_io
from voice.agent import BookingAgent
from voice.avatar import Face
from voice.session import booking_session

T = TypeVar("T")


@dataclass(frozen=True)
class CallerLine:
    """One thing the caller says."""

    text: str
    """What espeak-ng speaks; the recogniser's grammar holds its words."""
    barge_in_after: float | None = None
    """Start this many seconds into the agent's reply; None: once the reply has ended."""


@dataclass
class TimedConversation(Conversation):
    """A conversation that keeps how long each graph step (`say`) took."""

    steps: list[float] = field(default_factory=list)
    """Seconds inside `Conversation.say`, one per caller turn sent to the graph."""

    def say(self, utterance: str, *, heard: str | None = None) -> Said:
        """Run the step and time it."""
        started = time.perf_counter()
        try:
            return super().say(utterance, heard=heard)
        finally:
            self.steps.append(time.perf_counter() - started)


@dataclass(frozen=True)
class Turn:
    """One caller line and the agent's answer to it."""

    line: CallerLine
    utterance: Utterance
    reply: Playback
    graph_seconds: float
    """Time inside `Conversation.say` for this turn."""

    @property
    def latency(self) -> float:
        """Seconds from the end of the caller's speech to the first agent audio frame."""
        return self.reply.started_at - self.utterance.speech_ended_at


@dataclass(frozen=True)
class OfflineCall:
    """What happened on the line."""

    greeting: Playback
    turns: list[Turn]
    speaker: CapturingAudioOutput
    """What the caller heard: the room's audio, or the avatar's with a face."""
    room_speaker: CapturingAudioOutput
    """The room's own audio output (the same as `speaker` without a face)."""
    face: Face | None = None


async def run_offline_call(
    app: App,
    lines: Sequence[CallerLine],
    *,
    thread_id: str,
    caller_id: str | None = None,
    vad: lk_vad.VAD | None = None,
    gap: float = 0.4,
    turn_timeout: float = 20.0,
    with_face: bool = False,
) -> OfflineCall:
    """Play `lines` to a `BookingAgent` on `app`'s graph and return the timed turns.

    Each line is spoken `gap` seconds after the agent's reply ended (or, with
    `barge_in_after`, into the reply); the call is closed after the last reply.
    `with_face`: a web caller's avatar (`AvatarStandIn`) joins at once and speaks the
    whole call; the room's own audio output is kept apart.
    """
    call = TimedConversation(app.graph, app.context, thread_id)
    recogniser = PocketSphinxSTT(grammar=sentence_grammar([line.text for line in lines]))
    recogniser.prewarm()
    session = booking_session(
        stt=recogniser,
        tts=EspeakTTS(),
        vad=vad or silero.VAD.load(),
        turns=OFFLINE_TURN_HANDLING,
        silence_prompt_after=None,
        aec_warmup=None,
    )
    caller, speaker = ClipAudioInput(), CapturingAudioOutput()
    room_speaker = CapturingAudioOutput(label="room") if with_face else speaker
    use_offline_io(session, audio_in=caller, audio_out=room_speaker)
    face = None
    if with_face:
        face = face_of(AvatarStandIn(web_room(), output=speaker), call=thread_id)
    clips = [espeak(line.text) for line in lines]

    async def within(what: str, step: Awaitable[T]) -> T:
        try:
            return await asyncio.wait_for(step, turn_timeout)
        except TimeoutError:
            heard = [str(m.text_content) for m in session.history.messages()]
            raise TimeoutError(f"no {what} within {turn_timeout} s; history: {heard}") from None

    turns: list[Turn] = []
    await session.start(BookingAgent(call, caller_id=caller_id, face=face))
    try:
        greeting = await within("greeting", speaker.wait_for_end(0))
        answering = 0  # the agent playback the caller answers
        for line, clip in zip(lines, clips, strict=True):
            if line.barge_in_after is None:
                await within(f"end of reply {answering}", speaker.wait_for_end(answering))
                played = caller.play(clip, after=gap)
            else:
                reply = await within(f"reply {answering}", speaker.wait_for_start(answering))
                delay = reply.started_at + line.barge_in_after - time.time()
                played = caller.play(clip, after=max(0.0, delay))
            steps_before = len(call.steps)
            utterance = await played
            answering += 1
            answer = await within(f"answer to {line.text!r}", speaker.wait_for_start(answering))
            graph = sum(call.steps[steps_before:])
            turns.append(Turn(line, utterance, answer, graph_seconds=graph))
        await within("end of the last reply", speaker.wait_for_end(answering))
        # closing interrupts a speech LiveKit has not yet marked done, played or not
        while (speech := session.current_speech) is not None:
            await within("the last speech to finish", speech.wait_for_playout())
    finally:
        caller.close()
        await session.aclose()
        await speaker.aclose()
        await room_speaker.aclose()
    return OfflineCall(greeting, turns, speaker, room_speaker, face)
