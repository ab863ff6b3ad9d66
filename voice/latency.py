"""Per-turn latency: LiveKit's own turn metrics plus the graph step's time, logged and kept.

LiveKit 1.8.9 puts a turn's timings on its chat messages (`ChatMessage.metrics`): the
caller's message carries `end_of_turn_delay` and `transcription_delay`, the agent's
carries `llm_node_ttft` (here: until the graph's first words, or the filler's),
`tts_node_ttfb` and `e2e_latency` (caller stopped speaking → agent audio started).
The graph step's own time is measured around `Conversation.say`.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping
from statistics import median
from typing import Any

from livekit.agents import llm
from livekit.agents.voice import SpeechHandle

log = logging.getLogger(__name__)

_CALLER_KEYS = {"end_of_turn_delay": "end_of_turn_s", "transcription_delay": "transcription_s"}
_AGENT_KEYS = {
    "llm_node_ttft": "first_text_s",
    "tts_node_ttfb": "tts_first_byte_s",
    "e2e_latency": "end_to_end_s",
}
_TIMINGS = ("graph_step_s", *_CALLER_KEYS.values(), *_AGENT_KEYS.values())


class LatencyLog:
    """Collect one record per answered turn; keep the last few and their medians."""

    def __init__(self, *, keep: int = 50) -> None:
        """Keep at most `keep` turns, so a long call's summary stays small."""
        self._turns: deque[dict[str, Any]] = deque(maxlen=keep)
        self._count = 0

    def turn(
        self,
        *,
        graph_step_s: float,
        caller: Mapping[str, Any] | None = None,
        filler: bool = False,
        speech: SpeechHandle | None = None,
    ) -> None:
        """Record a turn; its playback timings are added once `speech` is done."""
        # numbered as the graph counts caller turns: the greeting is turn 0
        record: dict[str, Any] = {"turn": self._count, "graph_step_s": _round(graph_step_s)}
        self._count += 1
        record.update(_pick(caller or {}, _CALLER_KEYS))
        if filler:
            record["filler"] = True
        if speech is None:
            self._close(record)
        else:
            speech.add_done_callback(lambda handle: self._close(record | _played(handle)))

    def summary(self) -> dict[str, Any]:
        """Return the kept turns and the median of each timing, for the cost breakdown."""
        turns = list(self._turns)
        medians = {
            key: _round(median(values))
            for key in _TIMINGS
            if (values := [t[key] for t in turns if key in t])
        }
        return {"replies": self._count, "median": medians, "turns": turns}

    def _close(self, record: dict[str, Any]) -> None:
        self._turns.append(record)
        log.info("turn latency %s", " ".join(f"{k}={v}" for k, v in record.items()))


def _played(handle: SpeechHandle) -> dict[str, Any]:
    """Return the agent-side timings of a finished speech."""
    for item in reversed(handle.chat_items):
        if isinstance(item, llm.ChatMessage) and item.role == "assistant":
            found = _pick(item.metrics, _AGENT_KEYS)
            if item.interrupted:
                found["interrupted"] = True
            return found
    return {"interrupted": True} if handle.interrupted else {}


def _pick(metrics: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    return {name: _round(metrics[key]) for key, name in keys.items() if key in metrics}


def _round(seconds: float) -> float:
    return round(float(seconds), 3)
