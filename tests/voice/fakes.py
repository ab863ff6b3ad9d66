"""Test stand-ins for the call's edges: a caller, silent TTS, a real-time speaker, a quiet
STT, a slow engine.

They run LiveKit's own audio path (TTS metrics, playout, transcript synchronisation,
barge-in) with no provider, no room and no sound.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from livekit import rtc
from livekit.agents import stt, tts, utils
from livekit.agents.metrics import STTMetrics
from livekit.agents.metrics.base import Metadata
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)
from livekit.agents.voice import io

from graph.understanding import Expecting, Understanding
from nodes.understanding.rules import RuleUnderstander

RATE = 16000


@dataclass
class Caller:
    """The part of a room participant the worker reads: its kind and attributes."""

    kind: int = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD
    attributes: dict[str, str] = field(default_factory=dict)


class SilentTTS(tts.TTS[Any]):
    """Synthesise silence: `seconds_per_char` of audio per character, as fast as asked."""

    def __init__(self, *, seconds_per_char: float = 0.01) -> None:
        """Speak `seconds_per_char` per character (0.06 is about a person's pace)."""
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False), sample_rate=RATE, num_channels=1
        )
        self.seconds_per_char = seconds_per_char

    @property
    def model(self) -> str:
        """Name the stand-in in usage reports."""
        return "silence"

    @property
    def provider(self) -> str:
        """Name the stand-in's provider in usage reports."""
        return "tests"

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        """Return a stream of silence as long as `text` would take to say."""
        return _Silence(tts=self, input_text=text, conn_options=conn_options)


class _Silence(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        assert isinstance(self._tts, SilentTTS)
        samples = int(RATE * len(self.input_text) * self._tts.seconds_per_char)
        output_emitter.initialize(
            request_id=utils.shortuuid(), sample_rate=RATE, num_channels=1, mime_type="audio/pcm"
        )
        output_emitter.push(b"\x00\x00" * samples)
        output_emitter.flush()


class Speaker(io.AudioOutput):
    """A caller's speaker: plays what it is given on a real-time clock, stops on a barge-in.

    While `hold` is set a reply keeps playing until it is cut off or `release()`d, however
    long the machine takes to get there: a test cuts in at a point it chooses, not at a time.
    """

    def __init__(self) -> None:
        """Start silent."""
        super().__init__(label="speaker", capabilities=io.AudioOutputCapabilities(pause=False))
        self.hold = False
        self.played = 0
        """Segments (replies, greetings) that started playing here."""
        self._pushed = 0.0
        self._started: float | None = None
        self._flushed = False
        self._done: asyncio.TimerHandle | None = None

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        """Queue a frame; the first of a segment starts playing at once."""
        await super().capture_frame(frame)
        self._pushed += frame.duration
        if self._started is None:
            self._started = time.time()
            self.played += 1
            self.on_playback_started(created_at=self._started)

    def flush(self) -> None:
        """Finish the segment once its audio has played (unless held)."""
        super().flush()
        self._flushed = self._started is not None
        if not self.hold:
            self._play_out()

    def release(self) -> None:
        """Stop holding: a held reply finishes once its audio has played."""
        self.hold = False
        self._play_out()

    def clear_buffer(self) -> None:
        """Stop playing now and report how much was heard."""
        if self._started is None:
            return
        played = min(time.time() - self._started, self._pushed)
        if self._done is not None:
            self._done.cancel()
        self._finish(played, interrupted=True)

    def _play_out(self) -> None:
        if not self._flushed or self._started is None or self._done is not None:
            return
        pushed, left = self._pushed, self._pushed - (time.time() - self._started)
        self._done = asyncio.get_running_loop().call_later(max(left, 0.0), self._finish, pushed)

    def _finish(self, played: float, interrupted: bool = False) -> None:
        self._pushed, self._started, self._flushed, self._done = 0.0, None, False, None
        self.on_playback_finished(playback_position=played, interrupted=interrupted)


class Transcript(io.TextOutput):
    """The words of the reply playing, as LiveKit's transcript synchroniser releases them.

    The synchroniser releases a word as its audio plays and keeps the released words as
    what the caller heard when a barge-in cuts the reply, so `words(n)` is the point at
    which a cut keeps n words or so.
    """

    def __init__(self) -> None:
        """Start with no reply."""
        super().__init__(label="transcript", next_in_chain=None)
        self.current = ""
        """The released text of the reply playing ("" between replies)."""
        self._changed = asyncio.Event()

    async def capture_text(self, text: str) -> None:
        """Take the next word of the reply playing."""
        self.current += text
        self._changed.set()

    def flush(self) -> None:
        """The reply is over."""
        self.current = ""

    async def words(self, count: int) -> None:
        """Return once the reply playing has released `count` words."""
        while len(self.current.split()) < count:
            self._changed.clear()
            await self._changed.wait()


class QuietSTT(stt.STT[Any]):
    """An STT that hears nothing; `report()` bills audio as a streaming STT would."""

    def __init__(self) -> None:
        """Declare a batch STT: LiveKit runs it behind the VAD, which hears nothing here."""
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))

    @property
    def model(self) -> str:
        """Name the stand-in in usage reports."""
        return "quiet"

    @property
    def provider(self) -> str:
        """Name the stand-in's provider in usage reports."""
        return "tests"

    def report(self, audio_seconds: float) -> None:
        """Emit the metrics a streaming STT emits for `audio_seconds` of caller audio."""
        self.emit(
            "metrics_collected",
            STTMetrics(
                label=self.label,
                request_id="tests",
                timestamp=time.time(),
                duration=0.0,
                audio_duration=audio_seconds,
                streamed=True,
                metadata=Metadata(model_name=self.model, model_provider=self.provider),
            ),
        )

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        raise NotImplementedError("QuietSTT never recognises anything")


class SlowUnderstander:
    """The rule engine, taking `delay` seconds on the utterances `slow` picks."""

    def __init__(self, delay: float, slow: Callable[[str], bool] = lambda _: True) -> None:
        """Slow down the utterances `slow` returns True for."""
        self._rules = RuleUnderstander()
        self._delay = delay
        self._slow = slow

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Understand `text` as the rules do, slowly (runs in the graph's worker thread)."""
        if self._slow(text):
            time.sleep(self._delay)
        return self._rules.understand(text, expecting=expecting, now=now, region=region)


async def until(check: Callable[[], bool], *, timeout: float = 5.0) -> None:
    """Wait until `check()` holds, polling the event loop."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
