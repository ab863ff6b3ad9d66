"""Fake chat models and rules for the LLM engine's date tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage

from graph.understanding import Expecting, Understanding, When
from nodes.understanding.rules import RuleUnderstander
from tests.llm.answers import heard_json


def answer(**fields: object) -> AIMessage:
    """Return a model message carrying a Heard JSON object and a usage report."""
    usage = {"input_tokens": 900, "output_tokens": 40, "total_tokens": 940}
    return AIMessage(content=heard_json(**fields), usage_metadata=usage)


def fake(*messages: AIMessage) -> GenericFakeChatModel:
    """Return a fake chat model that answers with these messages in order."""
    return GenericFakeChatModel(messages=iter(messages))


@dataclass
class Recorder:
    """A chat model that keeps every prompt it is sent and answers with no date."""

    prompts: list[list[BaseMessage]] = field(default_factory=list)

    def invoke(self, input: list[BaseMessage], config: object = None, **kw: object) -> AIMessage:
        """Record the prompt; answer that the caller wants to book."""
        self.prompts.append(input)
        return answer(intent="book")


@dataclass
class ByLine:
    """A chat model that answers each caller line with the message scripted for it."""

    answers: dict[str, AIMessage]

    def invoke(self, input: list[BaseMessage], config: object = None, **kw: object) -> AIMessage:
        """Answer the caller line at the end of the prompt."""
        return self.answers[str(input[-1].content).partition("\nCaller: ")[2]]


@dataclass
class RulesReading:
    """The real rules, except that an utterance containing `said` reads as `when`."""

    when: When
    said: str = ""

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Read `text` with the rules and put `when` in place of their dates where said."""
        ruled = RuleUnderstander().understand(text, expecting=expecting, now=now, region=region)
        return replace(ruled, when=self.when) if self.said in text else ruled
