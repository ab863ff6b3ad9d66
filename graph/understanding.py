"""What the understanding layer hands the graph: one frozen frame per caller utterance.

Engines (rules, or an LLM checked against them) fill the same frame. A day acted on without
a question is always one our deterministic resolver read against the injected clock; a
model's date only agrees with it, or is offered to the caller as a guess (`When.guess`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

from business.slot_query import SlotQuery

Intent = Literal[
    "book",  # wants a new appointment ("I'd like to book", "can I come in Friday")
    "availability",  # asks what is free ("what do you have Thursday afternoon?")
    "list",  # asks what they have booked
    "cancel",  # wants to cancel an appointment
    "reschedule",  # wants to move an appointment
    "goodbye",  # ends the call ("that's all", "bye")
    "repeat",  # "sorry, can you repeat that?"
    "never_mind",  # drops the current task ("never mind", "forget it")
    "human",  # asks for a person / to leave a message
    "help",  # "what can you do?"
    "chitchat",  # "hello", "thanks", "how are you": small talk with no request in it
]

Expecting = Literal[
    "request",  # an open question: "how can I help?"
    "phone",  # we asked for their phone number
    "name",  # we asked for their name
    "slot_choice",  # we offered up to three slots
    "appointment_choice",  # we asked which of their appointments
    "yes_no",  # we read back an action and asked for a yes
]
"""The question pending when the utterance arrived; it disambiguates short answers."""


@dataclass(frozen=True)
class When(SlotQuery):
    """Date and time constraints resolved from the caller's words (business timezone).

    The slot query they make ("Thursday" → `day`, "next week" → `day_from`/`day_to`,
    "at 3" → `at`, "after 3" → `earliest`, "before noon" → `latest`, "a haircut" →
    `service`, "with Maria" → `staff`), and what the resolver knows about how sure it is
    of them.
    """

    past: bool = False
    """The caller named a date or time that has already gone by."""
    ambiguous: str | None = None
    """A phrase the resolver could not fully read, for the graph to ask about; while it is
    set, `day` / `day_from` are None: an uncertain day is never acted on."""
    other_day: date | None = None
    """With `day`: another day the same words mean to some speakers ("next Friday" said on
    a Wednesday is the 4th by our convention, the 11th to many). Asked about only when the
    business's calendar makes the difference matter."""
    guess: date | None = None
    """With `ambiguous`: the day it most likely means, offered in the question ("Which day
    is that: Thursday the 26th?") so a yes settles it; None when there is no good guess."""

    def is_empty(self) -> bool:
        """Return True when no constraint at all was found."""
        return self == When()

    @property
    def has_day(self) -> bool:
        """Return True when a day or a range of days was said."""
        return self.day is not None or self.day_from is not None


@dataclass(frozen=True)
class Usage:
    """What understanding one utterance cost: zero for rules, tokens for an LLM call."""

    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    fallback: bool = False
    """The LLM call failed (timeout, API error, malformed answer) and rules answered."""


@dataclass(frozen=True)
class Understanding:
    """Everything the graph may use from one caller utterance."""

    text: str
    """The caller's words that were understood: the line, cut to its first
    `bounds.MAX_UNDERSTOOD_CHARS` characters when it is longer."""
    intent: Intent | None = None
    affirm: bool | None = None
    """True for yes ("yes", "sure", "that works"), False for no, None if neither."""
    when: When = field(default_factory=When)
    choice: int | None = None
    """0-based pick among offered options ("the second one" → 1, "the last one" → -1)."""
    phone: str | None = None
    """A phone number the caller said, normalised to E.164 and valid."""
    phone_invalid: bool = False
    """The caller said something number-like that is not a valid phone number."""
    name: str | None = None
    correction: bool = False
    """The caller is changing a detail ("actually", "make it", "instead")."""
    more: bool = False
    """The caller wants other options ("anything else?", "something later?")."""
    reason: str | None = None
    """What the visit is for, in the caller's words ("a toothache"): kept in the booking's
    notes, never acted on."""
    usage: Usage = field(default_factory=Usage)
    """What producing this frame cost; not part of what was understood."""

    @property
    def understood(self) -> bool:
        """Return True when the utterance carried anything the graph can act on."""
        return (
            self.intent is not None
            or self.affirm is not None
            or not self.when.is_empty()
            or self.choice is not None
            or self.phone is not None
            or self.phone_invalid
            or self.name is not None
            or self.more
            or self.reason is not None
        )


class Understander(Protocol):
    """Turns one caller utterance into an `Understanding`."""

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Parse `text`; `now` is aware and in the business timezone, `region` for phones."""
        ...
