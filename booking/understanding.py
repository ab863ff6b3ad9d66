"""Pick the understanding engine from settings: rules by default, an LLM with a key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from booking.extras import needs
from booking.settings import Settings
from graph.understanding import Understander
from nodes.understanding.llm import LLMUnderstander
from nodes.understanding.offerings import Vocabulary
from nodes.understanding.prompts import CALENDAR_DAYS
from nodes.understanding.rules import RuleUnderstander
from nodes.understanding.schema import response_format

if TYPE_CHECKING:  # the client costs ~0.4 s to import; only calls with a key need it
    from langchain_openai import ChatOpenAI


def chat_model(settings: Settings) -> ChatOpenAI:
    """Return the OpenAI (or compatible) chat model the settings describe."""
    with needs("llm", "OPENAI_API_KEY (LLM understanding)"):
        from langchain_openai import ChatOpenAI  # noqa: PLC0415  # see TYPE_CHECKING above

    assert settings.openai_api_key is not None
    return ChatOpenAI(
        model=settings.openai_model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url or None,
        timeout=settings.openai_timeout,
        max_retries=settings.openai_max_retries,
        temperature=0,
    )


def understander_from(settings: Settings) -> tuple[Understander, str]:
    """Return the engine and its name for cost reports."""
    calendar = settings.calendar()
    rules = RuleUnderstander(Vocabulary.of(calendar))
    if settings.openai_api_key is None or not settings.openai_api_key.get_secret_value():
        return rules, "rules"
    model = chat_model(settings).bind(response_format=response_format())
    # The model's calendar covers the booking horizon, so every bookable day is checked.
    days = max(CALENDAR_DAYS, calendar.horizon_days + 1)
    return LLMUnderstander(model, rules=rules, calendar_days=days), settings.openai_model
