"""The turn boundary: say the reply, wait for the caller, hear and understand what they say."""

from __future__ import annotations

import logging
from datetime import datetime

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from graph.context import CallContext
from graph.resume import caller_turn
from graph.state import CallState, Line, Update, UsageTotals, applied
from graph.understanding import Understanding, Usage
from nodes import phrases
from nodes.dialogue import EXPECTING, track
from nodes.dialogue_repair import resumable
from nodes.wish import as_wish
from store.errors import StoreUnavailable
from store.models import TranscriptLine

log = logging.getLogger(__name__)

RECENT_LINES = 6
"""Transcript lines kept in state; the whole transcript lives in the store."""

MAX_KEPT_CHARS = 2_000
"""A caller line is kept (state, transcript) up to this length; understanding reads less."""

MAX_REPLY_CHARS = 400
"""About 25 seconds of speech: past it a caller stops listening before the question."""


def _recent(state: CallState, line: Line) -> list[Line]:
    return [*state.recent, line][-RECENT_LINES:]


def record(ctx: CallContext, state: CallState, lines: list[TranscriptLine]) -> None:
    """Store lines of the transcript in one write; during an outage they stay in the
    checkpoint only (`recent`, `reply`), and the call goes on."""
    try:
        ctx.store.append_turn(conversation_id=state.call_id, lines=lines)
    except StoreUnavailable as error:
        numbers = ", ".join(str(line.index) for line in lines)
        log.warning("transcript lines %s of call %s not stored: %s", numbers, state.call_id, error)


def reply_line(state: CallState, ctx: CallContext, *, heard: str | None = None) -> TranscriptLine:
    """Return the last reply as its transcript line: as said, or cut short at `heard`."""
    at = datetime.fromisoformat(state.now) if state.now else ctx.now()
    text, cut = (state.reply, False) if heard is None else (heard, True)
    return TranscriptLine(index=state.line_no - 1, role="agent", text=text, at=at, interrupted=cut)


def respond(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Join this turn's sentences into the reply.

    Its transcript line is stored by whatever follows: `listen`, with the caller's answer
    and as the caller heard it, in one write per turn; or `summarize` after a goodbye.
    """
    reply = fit(state.speech, call_id=state.call_id) or phrases.NOT_UNDERSTOOD
    now = runtime.context.now()
    return {
        "reply": reply,
        "reply_interrupted": False,
        "line_no": state.line_no + 1,
        "recent": _recent(state, Line(role="agent", text=reply)),
        "now": now.isoformat(),
    }


def fit(sentences: list[str], *, call_id: str) -> str:
    """Join the turn's sentences into a reply of at most MAX_REPLY_CHARS.

    Every node keeps its sentences short; this is the backstop. Past the limit the reply
    keeps its last sentence (the question the caller must answer) and the first ones that
    fit before it, and the drop is logged once, as a bug to fix at its node.
    """
    said = [s for s in sentences if s]
    reply = " ".join(said)
    if len(reply) <= MAX_REPLY_CHARS:
        return reply
    log.warning("call %s: a %d-character reply was shortened", call_id, len(reply))
    last = _clip(said[-1], MAX_REPLY_CHARS)
    kept: list[str] = []
    room = MAX_REPLY_CHARS - len(last)
    for sentence in said[:-1]:
        if len(sentence) + 1 > room:
            break
        kept.append(sentence)
        room -= len(sentence) + 1
    return " ".join([*kept, last])


def _clip(sentence: str, limit: int) -> str:
    """Cut an over-long sentence at a word boundary, keeping its end (where a question is)."""
    if len(sentence) <= limit:
        return sentence
    tail = sentence[-(limit - 4) :]
    return "... " + (tail.split(" ", 1)[1] if " " in tail else tail)


def listen(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Hand the reply to the caller and wait; then hear their next turn and understand it.

    This node re-runs from the top on resume, so it does nothing before `interrupt()`.
    A voice door's `CallerTurn` carries `heard` when the caller barged in: the part of the
    reply actually played, which replaces the reply in the checkpoint and is what the
    transcript keeps, flagged as interrupted. The reply's line and the caller's are stored
    together, once the caller has answered. Hearing and understanding are one step, so a
    turn runs one node fewer (the wait and the reading were two supersteps of LangGraph's).
    """
    turn = caller_turn(interrupt(state.reply))
    ctx = runtime.context
    update: Update = {"speech": None, "notice": None, "wrote": False}
    if (heard := turn.get("heard")) is not None:
        update.update(_cut_short(state, heard))
    said = reply_line(state, ctx, heard=heard)
    if turn.get("event") == "hangup":
        record(ctx, state, [said])
        return {**update, "act": "hangup"}
    if turn.get("event") == "transfer_failed":
        record(ctx, state, [said])
        return {**update, "act": "transfer_failed", "can_transfer": False}
    text = kept(turn.get("text", ""), call_id=state.call_id)
    answer = TranscriptLine(index=state.line_no, role="caller", text=text, at=ctx.now())
    record(ctx, state, [said, answer])
    update["utterance"] = text
    update["turn"] = state.turn + 1
    return {**update, **understand(applied(state, update), runtime=runtime)}


def kept(line: str, *, call_id: str) -> str:
    """Keep a caller line within MAX_KEPT_CHARS, marking a cut: a 100 KB line is noise."""
    if len(line) <= MAX_KEPT_CHARS:
        return line
    log.warning("call %s: a %d-character caller line was cut", call_id, len(line))
    return f"{line[:MAX_KEPT_CHARS]} [cut: {len(line) - MAX_KEPT_CHARS} more characters]"


def _cut_short(state: CallState, heard: str) -> Update:
    """Keep in state that the caller heard only `heard` of the last reply."""
    recent = list(state.recent)
    if recent and recent[-1]["role"] == "agent":
        recent[-1] = Line(role="agent", text=heard, interrupted=True)
    return {"reply": heard, "reply_interrupted": True, "recent": recent}


def understand(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Understand the caller's line (`listen` stored it) and decide what it means here."""
    ctx = runtime.context
    text = state.utterance
    # while our callback offer waits, the answer may still be one to the question it interrupted
    stage = state.back_to["stage"] if state.back_to and resumable(state) else state.stage
    understood = ctx.understander.understand(
        text, expecting=EXPECTING[stage], now=ctx.now(), region=ctx.region
    )
    return {
        **track(state, understood),
        "affirm": understood.affirm,
        "named": as_wish(understood.when),
        "understood": as_json(understood),
        "usage": add_usage(state.usage, understood.usage),
        "line_no": state.line_no + 1,
        "recent": _recent(state, Line(role="caller", text=text)),
    }


def add_usage(total: UsageTotals, turn: Usage) -> UsageTotals:
    """Add one turn's understanding cost to the call's running totals."""
    if not turn.llm_calls:
        return total
    return {
        "llm_calls": total.get("llm_calls", 0) + turn.llm_calls,
        "fallbacks": total.get("fallbacks", 0) + int(turn.fallback),
        "input_tokens": total.get("input_tokens", 0) + turn.input_tokens,
        "output_tokens": total.get("output_tokens", 0) + turn.output_tokens,
    }


def as_json(understood: Understanding) -> dict[str, object]:
    """Keep only what was found, as JSON, so analysts can read it in the checkpoint."""
    found: dict[str, object] = {}
    for key in ("intent", "affirm", "choice", "phone", "name"):
        if (value := getattr(understood, key)) is not None:
            found[key] = value
    for key in ("phone_invalid", "correction", "more"):
        if getattr(understood, key):
            found[key] = True
    when = {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in vars(understood.when).items()
        if value not in (None, False)
    }
    if when:
        found["when"] = when
    if understood.usage.llm_calls:  # the per-turn record of what understanding cost
        found["usage"] = vars(understood.usage)
    return found
