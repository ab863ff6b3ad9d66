"""Offline speech recognition: pocketsphinx's bundled en-us model behind LiveKit's STT API.

Recognition is batch only (`streaming=False`): the session's VAD cuts the caller's audio into
utterances (LiveKit wraps a non-streaming STT in `stt.StreamAdapter` with the session's VAD)
and each utterance is decoded in one go. Free decoding of synthetic speech is poor; a JSGF
grammar of the expected sentences makes it exact, which is what tests and demos want.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Sequence
from typing import Never

import numpy as np
from livekit import rtc
from livekit.agents import stt, utils
from livekit.agents.language import LanguageCode
from livekit.agents.types import NOT_GIVEN, APIConnectOptions, NotGivenOr
from pocketsphinx import Decoder  # type: ignore[import-untyped]  # the wheel ships no types

SAMPLE_RATE = 16_000
"""The rate the en-us acoustic model was trained on; audio is resampled to it."""
_GRAMMAR = "expected"


def words_of(sentence: str) -> str:
    """Return a sentence as the words a grammar holds ("Ten a.m., please." -> "ten am please")."""
    # the dictionary says "am" and "pm" both as words and as letters (am(2): EY EH M)
    text = re.sub(r"\b([ap])\.m\.?", r"\1m", sentence.lower())
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def sentence_grammar(sentences: Sequence[str]) -> str:
    """Return a JSGF grammar that accepts exactly one of the given sentences."""
    alternatives = [words_of(s) for s in sentences]
    if not all(alternatives):
        raise ValueError("a grammar sentence has no words")
    body = " | ".join(f"( {words} )" for words in dict.fromkeys(alternatives))
    return f"#JSGF V1.0;\ngrammar {_GRAMMAR};\npublic <sentence> = {body} ;\n"


def _grammar_words(grammar: str) -> set[str]:
    """Return the words a JSGF grammar's rules use (skipping the header and rule names)."""
    rules = "\n".join(line for line in grammar.splitlines() if not line.lstrip().startswith("#"))
    rules = re.sub(r"<[^>]*>|\bgrammar\s+\S+;|\b(public|import)\b", " ", rules)
    return set(re.findall(r"[a-z0-9']+", rules.lower()))


class PocketSphinxSTT(stt.STT[Never]):
    """Recognise one utterance at a time, offline, optionally constrained by a JSGF grammar."""

    def __init__(self, *, grammar: str | None = None, language: str = "en-US") -> None:
        """Use the bundled en-us model; `grammar` (JSGF text) restricts what can be heard.

        `sentence_grammar(["yes", "book monday at ten am"])` builds one from sentences.
        Every word must be in pocketsphinx's dictionary: unknown words raise `ValueError`
        when the decoder loads (at `prewarm()` or on the first utterance).
        """
        super().__init__(
            capabilities=stt.STTCapabilities(
                streaming=False, interim_results=False, offline_recognize=True
            )
        )
        self._grammar = grammar
        self._language = language
        self._decoder: Decoder | None = None
        # the decoder is not thread-safe and decodes run in worker threads
        self._lock = threading.Lock()

    @property
    def model(self) -> str:
        """Name the acoustic model."""
        return "en-us" if self._grammar is None else "en-us+jsgf"

    @property
    def provider(self) -> str:
        """Name the engine."""
        return "pocketsphinx"

    def prewarm(self) -> None:
        """Load the model now (~0.1 s with a grammar, ~0.3 s with the language model)."""
        with self._lock:
            self._load()

    def transcribe(self, frame: rtc.AudioFrame) -> tuple[str, float]:
        """Decode one utterance (any rate, any channels); return its words and a confidence."""
        pcm = _to_model_rate(frame)
        with self._lock:
            decoder = self._load()
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
            hyp = decoder.hyp()
        if hyp is None:
            return "", 0.0
        return str(hyp.hypstr), float(hyp.prob)

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frame = utils.merge_frames(buffer)
        text, confidence = await asyncio.to_thread(self.transcribe, frame)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=utils.shortuuid(),
            alternatives=[
                stt.SpeechData(
                    language=LanguageCode(
                        language if isinstance(language, str) else self._language
                    ),
                    text=text,
                    confidence=confidence,
                    end_time=frame.duration,
                )
            ],
        )

    def _load(self) -> Decoder:
        if self._decoder is not None:
            return self._decoder
        if self._grammar is None:
            decoder = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")
        else:
            # no language model: a grammar search needs only the dictionary (3x faster to load).
            # The lattice pass (bestpath) often ended short of the grammar's final state on
            # espeak-ng speech ("what can you help" for "... help me with"); the first pass with
            # wider beams decodes 29 call sentences exactly at 150 and 175 words a minute.
            decoder = Decoder(
                samprate=SAMPLE_RATE,
                lm=None,
                bestpath=False,
                beam=1e-60,
                wbeam=1e-40,
                pbeam=1e-60,
                loglevel="FATAL",
            )
            unknown = sorted(w for w in _grammar_words(self._grammar) if not decoder.lookup_word(w))
            if unknown:
                raise ValueError(f"words not in the pocketsphinx dictionary: {unknown}")
            decoder.add_jsgf_string(_GRAMMAR, self._grammar)
            decoder.activate_search(_GRAMMAR)
        self._decoder = decoder
        return decoder


def _to_model_rate(frame: rtc.AudioFrame) -> bytes:
    """Return 16 kHz mono 16-bit PCM for one frame of any rate and channel count."""
    samples = np.frombuffer(frame.data, dtype=np.int16)
    if frame.num_channels > 1:
        samples = samples.reshape(-1, frame.num_channels).mean(axis=1).astype(np.int16)
    if frame.sample_rate == SAMPLE_RATE:
        return samples.tobytes()
    resampler = rtc.AudioResampler(
        input_rate=frame.sample_rate,
        output_rate=SAMPLE_RATE,
        num_channels=1,
        quality=rtc.AudioResamplerQuality.HIGH,
    )
    mono = rtc.AudioFrame(samples.tobytes(), frame.sample_rate, 1, len(samples))
    out = [*resampler.push(mono), *resampler.flush()]
    return b"".join(bytes(f.data) for f in out)
