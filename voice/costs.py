"""What a voice call cost: the session's real STT and TTS usage (and the avatar's minutes),
merged into the graph's.

The graph stores its own `cost_breakdown` (understanding tokens, `llm_usd`) when the call
ends. LiveKit 1.8.9 sums what the speech providers reported in `session.usage`
(`STTModelUsage.audio_duration`, `TTSModelUsage.characters_count`); the voice door prices
those and writes the conversation's summary again with the breakdown merged:
`{..graph's fields.., "voice": {...}, "latency": {...}, "total_usd": graph + voice}`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from livekit.agents.metrics import STTModelUsage, TTSModelUsage

from graph.conversation import Conversation
from store.port import Store
from voice.avatar import AvatarUsage
from voice.options import VoiceRates

log = logging.getLogger(__name__)


def finish_call(
    call: Conversation,
    *,
    heard: str | None,
    model_usage: Sequence[object],
    rates: VoiceRates,
    latency: Mapping[str, Any],
    avatar: AvatarUsage | None = None,
) -> None:
    """Hang up on the graph if it never said goodbye, then keep the call's voice costs.

    Blocking (store and checkpoints): run it in a thread. `hang_up` stores the summary of
    a call the caller left; after a goodbye it does nothing, the summary being stored.
    """
    call.hang_up(heard=heard)
    voice = voice_costs(model_usage, rates, avatar=avatar)
    store_call_costs(call.context.store, call.thread_id, voice=voice, latency=latency)


def voice_costs(
    model_usage: Sequence[object], rates: VoiceRates, *, avatar: AvatarUsage | None = None
) -> dict[str, Any]:
    """Price the session's speech usage (`session.usage.model_usage`) and the avatar's time.

    A call with an avatar adds `"avatar": {provider, outcome, seconds, usd}`; outcome is
    "shown", "left" (mid-call), "never_shown" (started, no video came) or "failed".
    """
    stt = [u for u in model_usage if isinstance(u, STTModelUsage)]
    tts = [u for u in model_usage if isinstance(u, TTSModelUsage)]
    stt_seconds = sum(u.audio_duration for u in stt)
    characters = sum(u.characters_count for u in tts)
    stt_usd = stt_seconds / 60 * rates.stt_usd_per_minute
    tts_usd = characters / 1000 * rates.tts_usd_per_1k_chars
    avatar_usd = avatar.seconds / 60 * rates.avatar_usd_per_minute if avatar else 0.0
    costs = {
        "stt_models": _names(stt),
        "stt_audio_seconds": round(stt_seconds, 2),
        "stt_usd": round(stt_usd, 6),
        "tts_models": _names(tts),
        "tts_characters": characters,
        "tts_audio_seconds": round(sum(u.audio_duration for u in tts), 2),
        "tts_usd": round(tts_usd, 6),
        "usd": round(stt_usd + tts_usd + avatar_usd, 6),
    }
    if avatar is not None:
        costs["avatar"] = {
            "provider": avatar.provider,
            "outcome": avatar.outcome,
            "seconds": round(avatar.seconds, 2),
            "usd": round(avatar_usd, 6),
        }
    return costs


def merged_costs(
    stored: Mapping[str, Any], *, voice: Mapping[str, Any], latency: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the graph's breakdown with the voice costs and latency added to its total."""
    graph_usd = float(stored.get("llm_usd", 0.0))
    return {
        **stored,
        "voice": dict(voice),
        "latency": dict(latency),
        "total_usd": round(graph_usd + float(voice.get("usd", 0.0)), 6),
    }


def store_call_costs(
    store: Store,
    conversation_id: str,
    *,
    voice: Mapping[str, Any],
    latency: Mapping[str, Any],
) -> bool:
    """Write the finished conversation again with the merged breakdown; False if unfinished."""
    stored = store.get_conversation(conversation_id)
    if stored is None or stored.ended_at is None or stored.outcome is None:
        log.warning("conversation %s has no stored summary; voice costs not kept", conversation_id)
        return False
    store.finish_conversation(
        conversation_id=stored.id,
        ended_at=stored.ended_at,
        outcome=stored.outcome,
        summary=stored.summary or "",
        appointments_discussed=list(stored.appointments_discussed),
        preferences_mentioned=list(stored.preferences_mentioned),
        cost_breakdown=merged_costs(stored.cost_breakdown, voice=voice, latency=latency),
    )
    return True


def _names(usage: Sequence[STTModelUsage | TTSModelUsage]) -> list[str]:
    return sorted({"/".join(filter(None, (u.provider, u.model))) or "unknown" for u in usage})
