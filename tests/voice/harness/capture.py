"""A caller's speaker with no room: the agent's audio captured with timestamps.

`CapturingAudioOutput` keeps every frame the session sends, with its arrival time, and plays
each segment out on a simulated real-time clock, as a room's audio track would. It honours
LiveKit 1.8.9's `AudioOutput` contract: `capture_frame()` opens a segment and reports
`playback_started`; `flush()` closes it and `playback_finished` follows once its audio has
played; `clear_buffer()` (a barge-in) stops it at once and reports how much had played.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from livekit import rtc
from livekit.agents.voice import io


@dataclass
class Playback:
    """One segment of agent speech (wall-clock `time.time()` seconds)."""

    started_at: float
    """When its first frame arrived (and, on this simulated speaker, began to play)."""
    frames: list[rtc.AudioFrame] = field(default_factory=list)
    pushed: float = 0.0
    """Seconds of audio the agent sent."""
    played: float | None = None
    """Seconds the caller heard; set when the segment finished."""
    interrupted: bool = False
    """The caller barged in: `clear_buffer()` stopped it after `played` seconds."""
    finished_at: float | None = None


@dataclass(frozen=True)
class CapturedFrame:
    """One frame of agent audio and when it reached the speaker."""

    at: float
    segment: int
    frame: rtc.AudioFrame


class CapturingAudioOutput(io.AudioOutput):
    """Record the agent's audio and play it out on a simulated real-time clock."""

    def __init__(self, *, sample_rate: int | None = None, label: str = "capture") -> None:
        """Accept any rate (None) or have the session resample to `sample_rate`."""
        # no pause: a barge-in interrupts at once, as with a false-interruption timeout of None
        super().__init__(
            label=label,
            capabilities=io.AudioOutputCapabilities(pause=False),
            sample_rate=sample_rate,
        )
        self.frames: list[CapturedFrame] = []
        """Every frame captured, in order."""
        self.playbacks: list[Playback] = []
        """Every segment, in order."""
        self._current: Playback | None = None
        """The segment being captured (before `flush()`)."""
        self._playing: Playback | None = None
        """The newest segment that has not finished playing."""
        self._ends_at = 0.0
        """Loop time at which the newest segment's audio runs out."""
        self._playout: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        """Take one frame of agent speech; the first one of a segment starts playback."""
        await super().capture_frame(frame)
        now = asyncio.get_running_loop().time()
        seg = self._current
        if seg is None:
            seg = self._current = self._playing = Playback(started_at=time.time())
            self.playbacks.append(seg)
            self._ends_at = now
            self.on_playback_started(created_at=seg.started_at)
            self._notify()
        if seg.interrupted:
            return  # cleared before its flush: nothing more is played
        self.frames.append(
            CapturedFrame(at=time.time(), segment=len(self.playbacks) - 1, frame=frame)
        )
        seg.frames.append(frame)
        seg.pushed += frame.duration
        # audio that arrives late leaves a gap: the playhead waits for it
        self._ends_at = max(self._ends_at, now) + frame.duration

    def flush(self) -> None:
        """Close the segment; it reports `playback_finished` once played or cleared."""
        super().flush()
        seg, self._current = self._current, None
        if seg is None:
            return  # nothing was captured, so no segment was opened
        if seg.interrupted:
            self._finish(seg, played=seg.played or 0.0, interrupted=True)
        else:
            self._playout = asyncio.create_task(self._play_out(seg))

    def clear_buffer(self) -> None:
        """Stop the playing segment now and report how much of it was heard."""
        seg = self._playing
        if seg is None or seg.finished_at is not None or seg.interrupted:
            return
        remaining = max(0.0, self._ends_at - asyncio.get_running_loop().time())
        seg.interrupted = True
        seg.played = max(0.0, seg.pushed - remaining)
        if seg is not self._current:  # already flushed: it finishes now
            if self._playout is not None:
                self._playout.cancel()
            self._finish(seg, played=seg.played, interrupted=True)

    async def wait_for_start(self, index: int) -> Playback:
        """Return segment `index` (0-based) once it has started playing."""
        while len(self.playbacks) <= index:
            await self._wait_change()
        return self.playbacks[index]

    async def wait_for_end(self, index: int) -> Playback:
        """Return segment `index` once it has finished (played out or interrupted)."""
        seg = await self.wait_for_start(index)
        while seg.finished_at is None:
            await self._wait_change()
        return seg

    async def aclose(self) -> None:
        """Stop the simulated playout."""
        if self._playout is not None:
            self._playout.cancel()

    async def _play_out(self, seg: Playback) -> None:
        await asyncio.sleep(max(0.0, self._ends_at - asyncio.get_running_loop().time()))
        self._finish(seg, played=seg.pushed, interrupted=False)

    def _finish(self, seg: Playback, *, played: float, interrupted: bool) -> None:
        seg.played = played
        seg.interrupted = interrupted
        seg.finished_at = time.time()
        if self._playing is seg:
            self._playing = None
        self.on_playback_finished(playback_position=played, interrupted=interrupted)
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self) -> None:
        await self._changed.wait()
