"""A caller's microphone with no room: audio clips played into an `AgentSession`.

`ClipAudioInput` delivers 20 ms frames in real time (the VAD and the endpointing timers run
on wall-clock time): silence, unless a queued clip is playing.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from livekit import rtc
from livekit.agents.voice import io

INPUT_RATE = 16_000
"""The VAD's and the recogniser's rate, so the caller's audio is resampled once."""


@dataclass
class Utterance:
    """One clip as the session received it (wall-clock `time.time()` seconds)."""

    started_at: float
    """When the clip's first frame was delivered."""
    ended_at: float
    """When the clip's last frame was delivered."""
    speech_ended_at: float
    """When its last audible sample was delivered: the end of the caller's speech."""


@dataclass
class _Queued:
    frames: deque[rtc.AudioFrame]
    silence: int
    """Frames of silence to deliver before the clip."""
    tail: float
    """Seconds of near-silence at the clip's end (espeak-ng adds ~0.3 s)."""
    done: asyncio.Future[Utterance]


def resample(clip: rtc.AudioFrame, rate: int) -> rtc.AudioFrame:
    """Return a clip at another rate (mono in, mono out)."""
    if clip.sample_rate == rate:
        return clip
    resampler = rtc.AudioResampler(clip.sample_rate, rate, num_channels=clip.num_channels)
    return rtc.combine_audio_frames([*resampler.push(clip), *resampler.flush()])


class ClipAudioInput(io.AudioInput):
    """Play audio clips into a session in real time, with silence before and between them."""

    def __init__(
        self,
        clips: Iterable[rtc.AudioFrame] = (),
        *,
        gap: float = 1.0,
        sample_rate: int = INPUT_RATE,
        frame_ms: int = 20,
        label: str = "clips",
    ) -> None:
        """Queue `clips`, each after `gap` seconds of silence; `play()` queues more.

        Create it inside the running event loop, as the session is: each clip gets a future.
        """
        super().__init__(label=label)
        self._rate = sample_rate
        self._samples = sample_rate * frame_ms // 1000
        self._queue: deque[_Queued] = deque()
        self._closed = False
        self._due: float | None = None
        self._clip: _Queued | None = None
        self._clip_started_at = 0.0
        self.utterances: list[Utterance] = []
        """Every clip played so far, in order."""
        for clip in clips:
            self.play(clip, after=gap)

    def play(self, clip: rtc.AudioFrame, *, after: float = 0.0) -> asyncio.Future[Utterance]:
        """Queue a clip after `after` seconds of silence; the future resolves once it is played."""
        mono = clip if clip.num_channels == 1 else _downmix(clip)
        pcm = bytes(resample(mono, self._rate).data)
        step = 2 * self._samples
        # the last frame is padded with silence, and an empty clip still plays one frame
        pcm += bytes(-len(pcm) % step or (0 if pcm else step))
        frames = deque(
            rtc.AudioFrame(pcm[i : i + step], self._rate, 1, self._samples)
            for i in range(0, len(pcm), step)
        )
        done = asyncio.get_running_loop().create_future()
        silence = round(after * self._rate / self._samples)
        tail = _silent_tail(pcm, self._rate)
        self._queue.append(_Queued(frames=frames, silence=silence, tail=tail, done=done))
        return done

    async def say(self, clip: rtc.AudioFrame, *, after: float = 0.0) -> Utterance:
        """Play a clip and return once its last frame has been delivered."""
        return await self.play(clip, after=after)

    def close(self) -> None:
        """End the input once the queued clips have played."""
        self._closed = True

    async def __anext__(self) -> rtc.AudioFrame:
        frame = self._next_frame()
        if frame is None:
            raise StopAsyncIteration
        loop = asyncio.get_running_loop()
        if self._due is None:
            self._due = loop.time()
        # a microphone delivers a frame once its audio has been heard; a late reader catches up
        self._due += frame.duration
        await asyncio.sleep(max(0.0, self._due - loop.time()))
        self._finish_clip()
        return frame

    def _next_frame(self) -> rtc.AudioFrame | None:
        if self._clip is None and self._queue:
            self._clip = self._queue[0]
        item = self._clip
        if item is None:
            return None if self._closed else self._silence()
        if item.silence > 0:
            item.silence -= 1
            return self._silence()
        if not self._clip_started_at:
            self._clip_started_at = time.time()
        return item.frames.popleft()

    def _finish_clip(self) -> None:
        item = self._clip
        if item is None or item.silence > 0 or item.frames:
            return
        self._queue.popleft()
        self._clip = None
        ended_at = time.time()
        utterance = Utterance(
            started_at=self._clip_started_at,
            ended_at=ended_at,
            speech_ended_at=ended_at - item.tail,
        )
        self._clip_started_at = 0.0
        self.utterances.append(utterance)
        if not item.done.done():
            item.done.set_result(utterance)

    def _silence(self) -> rtc.AudioFrame:
        return rtc.AudioFrame(bytes(2 * self._samples), self._rate, 1, self._samples)


def _silent_tail(pcm: bytes, rate: int, *, threshold: int = 300) -> float:
    """Return how long the audio stays below `threshold` (1% of full scale) at its end."""
    loud = np.flatnonzero(np.abs(np.frombuffer(pcm, dtype=np.int16).astype(np.int32)) > threshold)
    samples = len(pcm) // 2
    return (samples - (int(loud[-1]) + 1 if len(loud) else 0)) / rate


def _downmix(clip: rtc.AudioFrame) -> rtc.AudioFrame:
    samples = np.frombuffer(clip.data, dtype=np.int16).reshape(-1, clip.num_channels)
    mono = samples.mean(axis=1).astype(np.int16)
    return rtc.AudioFrame(mono.tobytes(), clip.sample_rate, 1, len(mono))
