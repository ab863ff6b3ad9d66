"""A stand-in chat model for running the LLM engine with no network and no key.

It answers the engine's prompt the way a well-behaved model would, from the rule
engine's reading of the caller's words: intent, yes/no, pick, name and flags, and the
caller's own words as `day_words` when they name a day or time. Scenarios run with it
(`booking scenarios run --engine scripted-llm`) exercise every part of `LLMUnderstander`
(prompting, JSON parsing, deterministic date resolution from words, skipping certain
turns, token accounting) on real conversations; it says nothing about a real model's
accuracy, which `booking eval-dst` measures for the rules.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from nodes.understanding.prompts import EXPECTING
from nodes.understanding.rules import RuleUnderstander
from nodes.understanding.types import Expecting

_BY_LINE = {line: key for key, line in EXPECTING.items()}


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
        answer = {
            "intent": ruled.intent,
            "affirm": ruled.affirm,
            "day_words": None if ruled.when.is_empty() else text,
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
