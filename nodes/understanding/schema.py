"""The structured output the LLM engine asks for: one JSON object per caller turn.

The model reports the caller's own day and time words, and the date it thinks they mean,
looked up in the calendar it is given. Dates stay strings here: a malformed one costs
only the date reading (`crosscheck.model_reading`), not the whole turn.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.understanding import Intent


class Heard(BaseModel):
    """What the caller said in one turn (every field present; null when not said)."""

    model_config = ConfigDict(extra="forbid")

    intent: Intent | None = Field(
        description="What the caller asks for in this turn, or null if they only answer."
    )
    affirm: bool | None = Field(description="true for yes, false for no, null for neither.")
    day_words: str | None = Field(
        description="The caller's exact words naming a day or dates, e.g. 'next Friday', "
        "'the 13th', 'tomorrow', 'next week'; null if none. Copy, do not convert."
    )
    day: str | None = Field(
        description="The one date the caller means, YYYY-MM-DD from the calendar; null for "
        "a span, for no day, or when unsure."
    )
    first_day: str | None = Field(
        description="For a span of days ('next week'): its first date, YYYY-MM-DD from the "
        "calendar; null otherwise."
    )
    last_day: str | None = Field(
        description="For a span of days: its last date, YYYY-MM-DD from the calendar; null "
        "otherwise."
    )
    time_words: str | None = Field(
        description="The caller's exact words naming a time or part of day, e.g. 'half past "
        "3', 'after 4pm', 'in the afternoon', 'between 2 and 4'; null if none. Copy verbatim."
    )
    choice: int | None = Field(
        description="1-based position of an offered option the caller picks ('the second "
        "one' = 2), -1 for 'the last one'; null if no pick by position."
    )
    phone_words: str | None = Field(
        description="The phone number as said, digits or words; null if none."
    )
    name: str | None = Field(description="The caller's name if they give it; null otherwise.")
    correction: bool = Field(
        description="true if the caller changes a detail they gave before ('actually make "
        "it 4pm', 'no, Friday instead')."
    )
    more: bool = Field(
        description="true if the caller wants other options than those offered "
        "('anything later?', 'none of those')."
    )


def response_format() -> dict[str, Any]:
    """Return the OpenAI `response_format` for `Heard` in strict JSON-schema mode."""
    schema = Heard.model_json_schema()
    # Strict mode wants every property required (nullable instead of optional).
    schema["required"] = list(schema["properties"])
    schema["additionalProperties"] = False
    return {
        "type": "json_schema",
        "json_schema": {"name": "heard", "schema": schema, "strict": True},
    }
