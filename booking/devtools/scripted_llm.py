"""A stand-in chat model for running the LLM engine with no network and no key.

It answers the way a well-behaved model would, from the rule engine's reading of the
caller's words: intent, yes/no, pick, name and flags, the caller's own words as
`day_words` when they name a day or time, and the day the rules read when it is on the
prompt's calendar (nothing when the rules are unsure), so the engine's cross-check always
agrees. It never reads the prompt back: `ScriptedEngine` hands it each turn as a `Turn`
(the words, the pending question, the clock, the calendar's length) before the LLM engine
sends its messages, which are exactly what a real model gets and are only counted for
tokens here. Scenarios run with it (`booking scenarios run --engine scripted-llm`)
exercise every part of `LLMUnderstander` (prompting, JSON parsing, the date cross-check,
skipping certain turns, token accounting) on real conversations; it says nothing about a
real model's accuracy, which `booking eval-dst` measures for the rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from graph.understanding import Expecting, Understanding, When
from nodes.understanding.bounds import clip
from nodes.understanding.llm import LLMUnderstander
from nodes.understanding.offerings import EMPTY, Vocabulary
from nodes.understanding.rules import RuleUnderstander


@dataclass(frozen=True)
class Turn:
    """What the LLM engine is about to ask the model about, as the engine itself knows it."""

    text: str
    """The caller's words, clipped as the engine clips them for the prompt."""
    expecting: Expecting
    now: datetime
    region: str
    calendar_days: int
    """Days the prompt's calendar lists, from today."""


class ScriptedChatModel:
    """Answers `LLMUnderstander` calls deterministically; counts tokens like an API."""

    def __init__(self) -> None:
        self.rules = RuleUnderstander()
        self.turn: Turn | None = None
        """The turn being understood; `ScriptedEngine` sets it before each call."""
        self.calls = 0

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> BaseMessage:
        """Answer the current turn with a `Heard` JSON object."""
        turn = self.turn
        if turn is None:
            raise RuntimeError("the scripted model answers only turns ScriptedEngine hands it")
        self.calls += 1
        ruled = self.rules.understand(
            turn.text, expecting=turn.expecting, now=turn.now, region=turn.region
        )
        first = turn.now.date()
        answer = {
            "intent": ruled.intent,
            "affirm": ruled.affirm,
            "day_words": None if ruled.when.is_empty() else turn.text,
            **_dates(ruled.when, first, first + timedelta(days=turn.calendar_days - 1)),
            "time_words": None,
            "choice": None
            if ruled.choice is None
            else (-1 if ruled.choice < 0 else ruled.choice + 1),
            "phone_words": turn.text if (ruled.phone or ruled.phone_invalid) else None,
            "name": ruled.name,
            "correction": ruled.correction,
            "more": ruled.more,
        }
        content = json.dumps(answer)
        prompt = "\n".join(str(message.content) for message in input)
        tokens = {"input_tokens": len(prompt) // 4, "output_tokens": len(content) // 4}
        return AIMessage(
            content=content, usage_metadata={**tokens, "total_tokens": sum(tokens.values())}
        )


class ScriptedEngine:
    """The LLM engine on the scripted model, which it tells what each turn is about."""

    def __init__(self, vocabulary: Vocabulary = EMPTY) -> None:
        self.model = ScriptedChatModel()
        self.engine = LLMUnderstander(self.model, rules=RuleUnderstander(vocabulary))

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Understand `text` with the LLM engine, the scripted model briefed on the turn."""
        self.model.turn = Turn(
            text=clip(text),
            expecting=expecting,
            now=now,
            region=region,
            calendar_days=self.engine.calendar_days,
        )
        try:
            return self.engine.understand(text, expecting=expecting, now=now, region=region)
        finally:
            self.model.turn = None


def _dates(when: When, first: date, last: date) -> dict[str, str | None]:
    """Return the rules' day or span as the model would: only days its calendar lists."""
    none: dict[str, str | None] = {"day": None, "first_day": None, "last_day": None}
    if when.ambiguous:
        return none  # a careful model is as unsure as the rules
    if when.day is not None:
        return {**none, "day": when.day.isoformat() if first <= when.day <= last else None}
    span = when.day_from, when.day_to
    if span[0] is None or span[1] is None or span[0] > last or span[1] < first:
        return none  # no span, or one that misses the calendar
    return {**none, "first_day": span[0].isoformat(), "last_day": span[1].isoformat()}
