"""What `BookingAgent` runs on besides the call: plain values, built from settings at the edge."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class VoiceRates:
    """Prices of the speech providers, in US dollars, for each call's cost breakdown."""

    stt_usd_per_minute: float = 0.0077
    """Audio streamed to the STT; default: Deepgram Nova-3 streaming, pay as you go."""
    tts_usd_per_1k_chars: float = 0.04
    """Characters synthesised; default: about Cartesia Sonic on a monthly plan."""
    avatar_usd_per_minute: float = 0.0
    """Minutes of a video avatar (VOICE_AVATAR_USD_PER_MINUTE, required with one)."""


@dataclass(frozen=True)
class AgentOptions:
    """Timings and prices of one voice call."""

    filler_after: float = 1.2
    """Seconds a graph step may take before the filler phrase is spoken."""
    step_timeout: float = 6.0
    """Seconds a graph step may take before the caller hears it is taking long (its reply
    follows when it is done); above OPENAI_TIMEOUT, which a step may spend on the model."""
    silence_hangup_after: float = 8.0
    """Seconds of silence after "Are you still there?" before the call ends politely."""
    rates: VoiceRates = field(default_factory=VoiceRates)
    latency_turns_kept: int = 50
    """Per-turn latency records kept with the conversation (the medians cover these)."""
