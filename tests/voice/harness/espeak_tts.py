"""Offline speech synthesis: the espeak-ng binary behind LiveKit's TTS API.

espeak-ng (Debian package `espeak-ng`) writes a WAV to stdout in ~15 ms per sentence; its
voices speak at 22,050 Hz mono. The same helper makes the caller's audio in tests and benches.
"""

from __future__ import annotations

import asyncio
import io
import subprocess
import wave
from typing import Never

from livekit import rtc
from livekit.agents import tts, utils
from livekit.agents._exceptions import APIError
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

ESPEAK = "espeak-ng"
SAMPLE_RATE = 22_050
"""espeak-ng's native rate for its own voices."""
VOICE = "en-us"
"""The US voice: pocketsphinx's en-us model recognises it far better than the default `en`."""


def _command(executable: str, voice: str, words_per_minute: int) -> list[str]:
    # text goes in on stdin, so a line starting with "-" is never read as an option
    return [executable, "-v", voice, "-s", str(words_per_minute), "-b", "1", "--stdout", "--stdin"]


def wav_frame(data: bytes) -> rtc.AudioFrame:
    """Return a 16-bit PCM WAV (even one streamed with unknown length) as one audio frame."""
    with wave.open(io.BytesIO(data)) as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"expected 16-bit PCM, got {8 * wav.getsampwidth()}-bit")
        channels = wav.getnchannels()
        # a streamed WAV declares a huge length: read what is there
        pcm = wav.readframes(wav.getnframes())
        rate = wav.getframerate()
    usable = len(pcm) - len(pcm) % (2 * channels)
    return rtc.AudioFrame(pcm[:usable], rate, channels, usable // (2 * channels))


def espeak(
    text: str, *, voice: str = VOICE, words_per_minute: int = 175, executable: str = ESPEAK
) -> rtc.AudioFrame:
    """Synthesise `text` now (blocking) and return it as one frame, e.g. a caller's line."""
    done = subprocess.run(
        _command(executable, voice, words_per_minute),
        input=text.encode(),
        capture_output=True,
        check=True,
    )
    return wav_frame(done.stdout)


class EspeakTTS(tts.TTS[Never]):
    """Speak with the local espeak-ng binary, one request per sentence, no network."""

    def __init__(
        self, *, voice: str = VOICE, words_per_minute: int = 175, executable: str = ESPEAK
    ) -> None:
        """Use an espeak-ng voice (`espeak-ng --voices` lists them) at a speaking rate."""
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=SAMPLE_RATE,
            num_channels=1,
        )
        self._voice = voice
        self._words_per_minute = words_per_minute
        self._executable = executable

    @property
    def model(self) -> str:
        """Name the voice."""
        return self._voice

    @property
    def provider(self) -> str:
        """Name the engine."""
        return "espeak-ng"

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        """Start synthesising `text`; the stream yields its audio frames."""
        return _EspeakStream(tts=self, input_text=text, conn_options=conn_options)

    def command(self) -> list[str]:
        """Return the espeak-ng command line (text goes on stdin)."""
        return _command(self._executable, self._voice, self._words_per_minute)


class _EspeakStream(tts.ChunkedStream):
    """One espeak-ng run: WAV on stdout, pushed on as raw PCM."""

    def __init__(self, *, tts: EspeakTTS, input_text: str, conn_options: APIConnectOptions):
        super().__init__(tts=tts, input_text=input_text, conn_options=conn_options)
        self._espeak = tts

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        try:
            proc = await asyncio.create_subprocess_exec(
                *self._espeak.command(),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except FileNotFoundError as e:
            raise APIError(
                f"{self._espeak.command()[0]} not found: apt-get install espeak-ng",
                retryable=False,
            ) from e
        try:
            out, err = await proc.communicate(self.input_text.encode())
        finally:
            if proc.returncode is None:  # cancelled mid-sentence: do not leave it running
                proc.kill()
                await proc.wait()
        if proc.returncode != 0:
            raise APIError(f"espeak-ng failed: {err.decode(errors='replace')}", retryable=False)
        frame = wav_frame(out)
        if frame.sample_rate != SAMPLE_RATE or frame.num_channels != 1:
            raise APIError(
                f"espeak-ng spoke {frame.sample_rate} Hz x{frame.num_channels}, "
                f"expected {SAMPLE_RATE} Hz mono",
                retryable=False,
            )
        output_emitter.initialize(
            request_id=utils.shortuuid(),
            sample_rate=SAMPLE_RATE,
            num_channels=1,
            mime_type="audio/pcm",
        )
        output_emitter.push(bytes(frame.data))
        output_emitter.flush()
