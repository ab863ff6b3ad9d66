"""A stand-in chat model for running the LLM engine with no network and no key.

It answers the engine's prompt the way a well-behaved model would, from the rule
engine's reading of the caller's words: intent, yes/no, pick, name and flags, the
caller's own words as `day_words` when they name a day or time, and the day the rules
read when it is listed in the prompt's calendar (nothing when the rules are unsure), so
the engine's cross-check always agrees. Scenarios run with it (`booking scenarios run
--engine scripted-llm`) exercise every part of `LLMUnderstander` (prompting, JSON parsing,
the date cross-check, skipping certain turns, token accounting) on real conversations; it
says nothing about a real model's accuracy, which `booking eval-dst` measures for the rules.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from nodes.understanding.prompts import EXPECTING
from nodes.understanding.rules import RuleUnderstander
from nodes.understanding.types import Expecting, When

_BY_LINE = {line: key for key, line in EXPECTING.items()}
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class ScriptedChatModel:
    """Answers `LLMUnderstander` prompts deterministically; counts tokens like an API."""

    def __init__(self, *, now: datetime, region: str = "US") -> None:
        self.now = now
        self.region = region
        self.rules = RuleUnderstander()
        self.calls = 0

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> BaseMessage:
        """Answer the last user message of the prompt with a `Heard` JSON object."""
        self.calls += 1
        prompt = "\n".join(str(m.content) for m in input)
        context, _, text = str(input[-1].content).partition("\nCaller: ")
        expecting: Expecting = _BY_LINE.get(context, "request")  # type: ignore[assignment]  # keys of EXPECTING are Expecting values
        ruled = self.rules.understand(text, expecting=expecting, now=self.now, region=self.region)
        listed = set(_ISO_DATE.findall(str(input[0].content)))
        answer = {
            "intent": ruled.intent,
            "affirm": ruled.affirm,
            "day_words": None if ruled.when.is_empty() else text,
            **_dates(ruled.when, listed),
            "time_words": None,
            "choice": None
            if ruled.choice is None
            else (-1 if ruled.choice < 0 else ruled.choice + 1),
            "phone_words": text if (ruled.phone or ruled.phone_invalid) else None,
            "name": ruled.name,
            "correction": ruled.correction,
            "more": ruled.more,
        }
        content = json.dumps(answer)
        tokens = {"input_tokens": len(prompt) // 4, "output_tokens": len(content) // 4}
        return AIMessage(
            content=content, usage_metadata={**tokens, "total_tokens": sum(tokens.values())}
        )


def _dates(when: When, listed: set[str]) -> dict[str, str | None]:
    """Return the rules' day or span as the model would: only dates its calendar lists."""
    none: dict[str, str | None] = {"day": None, "first_day": None, "last_day": None}
    if when.ambiguous:
        return none  # a careful model is as unsure as the rules
    if when.day is not None:
        return {**none, "day": _listed(when.day, listed)}
    if when.day_from is not None and when.day_to is not None:
        first, last = when.day_from.isoformat(), when.day_to.isoformat()
        if any(first <= day <= last for day in listed):  # ISO strings sort as dates
            return {**none, "first_day": first, "last_day": last}
    return none


def _listed(day: date, listed: set[str]) -> str | None:
    """Return the day as the calendar writes it, or None when the calendar lacks it."""
    return day.isoformat() if day.isoformat() in listed else None
