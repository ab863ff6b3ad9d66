"""The `AgentSession` a call runs in: Deepgram STT, Cartesia TTS, Silero VAD, and the graph.

Fixed here whatever the speech providers (livekit-agents 1.8.9):
- `llm=GraphLLM()`: the session needs an LLM to answer turns at all; the graph answers.
- no preemptive generation: it would run a checkpointed graph step speculatively, twice.
- turn detection left to LiveKit's built-in choice (Silero VAD plus the STT's end of
  speech); livekit-plugins-turn-detector would download its model at run time.
- `user_away_timeout`: the silence before "Are you still there?".
"""

from __future__ import annotations

from typing import Any

from livekit.agents import AgentSession, stt, tts, vad
from livekit.agents.types import NOT_GIVEN
from livekit.agents.voice.turn import TurnHandlingOptions
from livekit.plugins import cartesia, deepgram

from voice.graph_llm import GraphLLM
from voice.settings import VoiceSettings, secret


def turn_handling(settings: VoiceSettings) -> TurnHandlingOptions:
    """Return the endpointing and barge-in options the settings choose."""
    return {
        "endpointing": {"min_delay": settings.voice_min_endpointing_seconds},
        "interruption": {"mode": settings.voice_interruption_mode},
    }


def booking_session(
    *,
    stt: stt.STT[Any],
    tts: tts.TTS[Any],
    vad: vad.VAD,
    turns: TurnHandlingOptions | None = None,
    silence_prompt_after: float | None = 10.0,
    aligned_transcript: bool = False,
    aec_warmup: float | None = 3.0,
    close_transcript_timeout: float = 2.0,
) -> AgentSession[None]:
    """Return a session for `BookingAgent` with these speech models.

    `aligned_transcript` uses the TTS's word timestamps for what a barge-in cut off (exact
    with Cartesia); `aec_warmup=None` lets a barge-in count from the first second (tests);
    `close_transcript_timeout` is how long closing waits for the caller's last words.
    """
    handling: TurnHandlingOptions = {**(turns or {}), "preemptive_generation": {"enabled": False}}
    return AgentSession(
        stt=stt,
        tts=tts,
        vad=vad,
        llm=GraphLLM(),
        turn_handling=handling,
        user_away_timeout=silence_prompt_after,
        use_tts_aligned_transcript=aligned_transcript,
        aec_warmup_duration=aec_warmup,
        session_close_transcript_timeout=close_transcript_timeout,
    )


def deepgram_stt(settings: VoiceSettings) -> deepgram.STT:
    """Return Deepgram's streaming STT; it refuses to construct without a key."""
    key = secret(settings.deepgram_api_key)
    return deepgram.STT(
        api_key=key or NOT_GIVEN,
        model=settings.deepgram_model,
        language=settings.deepgram_language,
        interim_results=True,
        # digits and times come back as "415 555 0123" and "3 PM", which the rules read best
        smart_format=True,
        punctuate=True,
    )


def cartesia_tts(settings: VoiceSettings) -> cartesia.TTS:
    """Return Cartesia's streaming TTS with word timestamps (for what a barge-in cut off)."""
    key = secret(settings.cartesia_api_key)
    if settings.cartesia_voice:
        return cartesia.TTS(
            api_key=key or None,
            model=settings.cartesia_model,
            voice=settings.cartesia_voice,
            word_timestamps=True,
        )
    return cartesia.TTS(api_key=key or None, model=settings.cartesia_model, word_timestamps=True)


def build_session(settings: VoiceSettings, *, vad: vad.VAD) -> AgentSession[None]:
    """Return the production session: Deepgram, Cartesia and the given Silero VAD."""
    return booking_session(
        stt=deepgram_stt(settings),
        tts=cartesia_tts(settings),
        vad=vad,
        turns=turn_handling(settings),
        silence_prompt_after=settings.voice_silence_prompt_seconds,
        aligned_transcript=True,
    )
