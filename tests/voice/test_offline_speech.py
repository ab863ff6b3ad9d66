"""The offline speech adapters alone: pocketsphinx, espeak-ng, the clip input, the capture."""

from __future__ import annotations

import asyncio
import time

import pytest
from livekit import rtc
from livekit.agents.voice.io import PlaybackFinishedEvent

from tests.voice.harness.capture import CapturingAudioOutput
from tests.voice.harness.clips import ClipAudioInput
from tests.voice.harness.espeak_tts import EspeakTTS, espeak
from tests.voice.harness.pocketsphinx_stt import PocketSphinxSTT, sentence_grammar, words_of

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("espeak_ng")]

SENTENCES = ["book monday at ten a.m.", "yes", "what do I have booked?", "cancel my appointment"]


def tone(seconds: float, *, rate: int = 22_050) -> rtc.AudioFrame:
    """Return a clip of constant non-zero samples, the length given."""
    samples = round(seconds * rate)
    return rtc.AudioFrame(b"\x00\x10" * samples, rate, 1, samples)


def test_pocketsphinx_recognises_an_espeak_sentence_with_a_grammar() -> None:
    """Through LiveKit's `recognize()`, a 22 kHz espeak-ng sentence comes back word for word."""
    recogniser = PocketSphinxSTT(grammar=sentence_grammar(SENTENCES))

    async def run() -> list[str]:
        heard = []
        for sentence in SENTENCES:
            event = await recogniser.recognize(espeak(sentence))
            heard.append(event.alternatives[0].text)
        return heard

    assert asyncio.run(run()) == [words_of(s) for s in SENTENCES]
    assert words_of("book monday at ten a.m.") == "book monday at ten am"


def test_a_grammar_with_an_unknown_word_is_refused() -> None:
    """A word missing from pocketsphinx's dictionary fails loudly when the model loads."""
    with pytest.raises(ValueError, match="zorblax"):
        PocketSphinxSTT(grammar=sentence_grammar(["book with zorblax"])).prewarm()


def test_espeak_tts_yields_frames_at_its_native_rate() -> None:
    """EspeakTTS streams 22,050 Hz mono frames lasting about as long as the sentence takes."""
    sentence = "Just to confirm: book you for Monday, November 30th at 10 AM?"

    async def run() -> list[rtc.AudioFrame]:
        return [audio.frame async for audio in EspeakTTS().synthesize(sentence)]

    frames = asyncio.run(run())
    assert frames
    assert {(f.sample_rate, f.num_channels) for f in frames} == {(22_050, 1)}
    seconds = sum(f.duration for f in frames)
    # 12 words at 175 words a minute is ~4 s, with the pauses espeak-ng adds
    assert 2.5 < seconds < 7.0


def test_clip_input_plays_clips_in_real_time_after_silence() -> None:
    """The input delivers 20 ms frames at 16 kHz on the wall clock: silence, then the clip."""
    source = ClipAudioInput(sample_rate=16_000)

    async def run() -> tuple[list[rtc.AudioFrame], float]:
        done = source.play(tone(0.2), after=0.1)
        source.close()
        started = time.perf_counter()
        frames = [frame async for frame in source]
        await done
        return frames, time.perf_counter() - started

    frames, elapsed = asyncio.run(run())
    assert {(f.sample_rate, f.samples_per_channel) for f in frames} == {(16_000, 320)}
    assert len(frames) == 15  # 5 frames of silence, 10 of the clip
    assert not any(bytes(frames[0].data)) and any(bytes(frames[-1].data))
    assert 0.25 < elapsed < 0.6
    (utterance,) = source.utterances
    assert utterance.speech_ended_at == pytest.approx(utterance.ended_at, abs=0.01)


def test_capturing_output_records_frames_and_reports_an_interrupted_playback() -> None:
    """A barge-in (`clear_buffer()`) mid-reply reports the played part, flagged interrupted."""
    speaker = CapturingAudioOutput()
    finished: list[PlaybackFinishedEvent] = []
    speaker.on("playback_finished", finished.append)

    async def run() -> PlaybackFinishedEvent:
        for _ in range(10):
            await speaker.capture_frame(tone(0.1))
        speaker.flush()
        await asyncio.sleep(0.3)
        speaker.clear_buffer()
        speaker.clear_buffer()  # the session clears again; one segment, one report
        return await speaker.wait_for_playout()

    event = asyncio.run(run())
    assert event.interrupted
    assert 0.25 < event.playback_position < 0.5
    assert finished == [event]
    (playback,) = speaker.playbacks
    assert playback.interrupted and playback.pushed == pytest.approx(1.0)
    assert len(speaker.frames) == 10
    times = [f.at for f in speaker.frames]
    assert times == sorted(times)


def test_capturing_output_plays_a_segment_out_in_real_time() -> None:
    """A flushed segment finishes, uninterrupted, once its audio has had time to play."""
    speaker = CapturingAudioOutput()

    async def run() -> tuple[PlaybackFinishedEvent, float]:
        started = time.perf_counter()
        for _ in range(3):
            await speaker.capture_frame(tone(0.1))
        speaker.flush()
        event = await speaker.wait_for_playout()
        return event, time.perf_counter() - started

    event, elapsed = asyncio.run(run())
    assert not event.interrupted
    assert event.playback_position == pytest.approx(0.3)
    assert 0.28 < elapsed < 0.6


def test_a_reply_cleared_before_its_flush_reports_once_flushed() -> None:
    """Cleared while still arriving, a segment drops later frames and finishes at its flush."""
    speaker = CapturingAudioOutput()

    async def run() -> PlaybackFinishedEvent:
        await speaker.capture_frame(tone(0.5))
        await asyncio.sleep(0.1)
        speaker.clear_buffer()
        await speaker.capture_frame(tone(0.5))
        speaker.flush()
        return await speaker.wait_for_playout()

    event = asyncio.run(run())
    assert event.interrupted
    assert 0.05 < event.playback_position < 0.3
    assert speaker.playbacks[0].pushed == pytest.approx(0.5)
