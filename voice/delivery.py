"""What of each graph reply reached the caller, and the graph step that produced it.

LiveKit 1.8.9 keeps the played text of a speech on its `SpeechHandle`: once the speech is
done, `handle.chat_items` holds the assistant `ChatMessage`, flagged `interrupted=True`
after a barge-in, whose text is only what was played when the output synchronises the
transcript with the audio (a room's or the console's output; Cartesia's word timestamps
make it exact). A speech interrupted before any audio adds no message at all. That is
what the next `Conversation.say(..., heard=...)` reports to the graph.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from livekit.agents import llm
from livekit.agents.voice import SpeechHandle

from graph.conversation import CallEnded, Conversation


@dataclass(frozen=True)
class Step:
    """One graph step's outcome: the reply and what it means for the voice door."""

    reply: str
    wrote: bool
    """The step booked, cancelled or moved: its reply must reach the caller whole."""
    ended: bool
    """The graph said goodbye (or the call had already ended): hang up after the reply."""
    seconds: float
    """The graph step's own time, without the thread hop around it."""
    transfer: bool = False
    """The reply says the caller is being put through: transfer once it has been said."""


def open_call(
    call: Conversation, caller_id: str | None, *, can_transfer: bool = False
) -> tuple[str, float]:
    """Start the call, or re-say what a resumed one said last; time the step.

    A step a crash cut short is finished first, and its reply (a confirmation nobody
    heard) is what the rejoining caller hears.
    """
    started = time.perf_counter()
    if call.started():
        greeting = call.recover() or call.last_reply()
    else:
        greeting = call.start(caller_id=caller_id, can_transfer=can_transfer)
    return greeting, time.perf_counter() - started


def unanswered_caller_words(
    chat_ctx: llm.ChatContext, answered: str | None
) -> tuple[llm.ChatMessage | None, str]:
    """Return the newest caller message and what the caller said since `answered`.

    That is the newest message alone, except when LiveKit dropped a turn's reply before
    it reached `llm_node` (interrupted while queued): its words go in with the newest, so
    the graph never misses what the caller said. LiveKit's chat context is only read here.
    """
    said = [m for m in chat_ctx.items if isinstance(m, llm.ChatMessage) and m.role == "user"]
    ids = [m.id for m in said]
    if answered is None:
        new = said
    elif answered in ids:
        new = said[ids.index(answered) + 1 :]
    else:  # no longer in LiveKit's context: take the newest only
        new = said[-1:]
    text = " ".join(words for m in new if (words := (m.text_content or "").strip()))
    return (new[-1] if new else None), text


def run_step(call: Conversation, utterance: str, heard: str | None) -> Step:
    """Send one caller utterance through the graph; blocking, so run it in a thread."""
    started = time.perf_counter()
    try:
        said = call.say(utterance, heard=heard)
    except CallEnded:
        return Step(reply="", wrote=False, ended=True, seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    return Step(
        reply=said.reply,
        wrote=said.wrote,
        ended=said.ended,
        seconds=seconds,
        transfer=said.transfer,
    )


@dataclass
class Reply:
    """A graph reply handed to LiveKit, and the speech that carries it."""

    text: str
    wrote: bool = False
    ended: bool = False
    prefix: str = ""
    """Words spoken before the reply in the same speech (the filler), not the graph's."""
    handle: SpeechHandle | None = None
    """The speech carrying it; None while it has not reached the speech pipeline."""

    @property
    def protected(self) -> bool:
        """Return True when the caller must hear it whole: a write's confirmation, a goodbye."""
        return self.wrote or self.ended

    def heard(self) -> str | None:
        """Return None when the caller heard it all, else the part they heard ("" for none)."""
        if self.handle is None:
            return ""
        if not self.handle.interrupted:
            return None
        played = next(
            (
                item.text_content or ""
                for item in reversed(self.handle.chat_items)
                if isinstance(item, llm.ChatMessage) and item.role == "assistant"
            ),
            "",
        )
        heard = without_prefix(played, self.prefix)
        # A speech stopped only after its last word (e.g. the session closing) was heard whole.
        return None if heard == " ".join(self.text.split()) else heard


def without_prefix(played: str, prefix: str) -> str:
    """Return the played text with the filler before the reply taken off."""
    played, prefix = " ".join(played.split()), " ".join(prefix.split())
    if not prefix:
        return played
    if played.startswith(prefix):
        return played[len(prefix) :].strip()
    if prefix.startswith(played):
        return ""  # cut off during the filler: nothing of the reply was heard
    return played
