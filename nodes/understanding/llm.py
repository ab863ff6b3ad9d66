"""`LLMUnderstander`: one structured-output LLM call per caller turn that rules cannot settle.

A turn the rules settle with certainty (a plain yes or no, a phone number when one was
asked for, "the second one") makes no call at all. Otherwise the model returns a `Heard`
JSON object: the caller's own day and time words, and the date it reads off the dated
calendar in its prompt. That date is weighed against the rules' reading of the same
utterance (`crosscheck`): a day both name goes on, any other day is asked about, so a
model can lead to a day the rules cannot read but never books one on its own. Times are
read by the rules from the model's time words. The service, the person asked for and
the visit's reason are the rules' reading: they are the business's own configured words,
matched exactly. A timeout, an API error or a malformed answer falls back to the rule
engine for that turn, logged once. Like the rules, the model is only sent the first
`bounds.MAX_UNDERSTOOD_CHARS` of a line: a 100 KB line costs a normal prompt, not 25,000
tokens.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from graph.understanding import Expecting, Understander, Understanding, Usage, When
from nodes.understanding.bounds import clip
from nodes.understanding.crosscheck import Reading, Span, cross_check, model_reading
from nodes.understanding.phone import find_phone
from nodes.understanding.prompts import CALENDAR_DAYS, system_prompt, user_message
from nodes.understanding.rules import RuleUnderstander
from nodes.understanding.schema import Heard

log = logging.getLogger(__name__)

SHORT_ANSWER_WORDS = 5
"""Longer answers may carry more than the rules saw ("yes, but can we do Friday?")."""


class ChatModel(Protocol):
    """Anything that answers a list of messages with one message (a chat model, bound)."""

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> BaseMessage:
        """Answer the messages."""
        ...


def settled_by_rules(ruled: Understanding, expecting: Expecting) -> bool:
    """Return True when the rules' reading is certain enough to skip the model."""
    if len(ruled.text.split()) > SHORT_ANSWER_WORDS or ruled.intent is not None:
        return False
    if not ruled.when.is_empty() or ruled.correction or ruled.more or ruled.name:
        return False
    if expecting == "yes_no":
        return ruled.affirm is not None and ruled.choice is None and ruled.phone is None
    if expecting == "phone":
        return ruled.phone is not None
    if expecting in ("slot_choice", "appointment_choice"):
        return ruled.choice is not None and ruled.affirm is None
    return False


class LLMUnderstander:
    """Understand with a chat model; rules answer the certain turns and every failure."""

    def __init__(
        self,
        model: ChatModel,
        *,
        rules: Understander | None = None,
        calendar_days: int = CALENDAR_DAYS,
    ) -> None:
        """Keep `calendar_days` beyond the booking horizon: past it, rules' days go unchecked."""
        self.model = model
        self.rules = rules or RuleUnderstander()
        self.calendar_days = calendar_days

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Parse `text`; `now` is aware and in the business timezone, `region` for phones."""
        text = clip(text)
        ruled = self.rules.understand(text, expecting=expecting, now=now, region=region)
        if settled_by_rules(ruled, expecting):
            return ruled
        messages = [
            SystemMessage(system_prompt(now.date(), self.calendar_days)),
            HumanMessage(user_message(text, expecting=expecting)),
        ]
        answer: BaseMessage | None = None
        try:
            answer = self.model.invoke(messages)
            heard = Heard.model_validate_json(_text_of(answer))
        except (ValidationError, ValueError) as error:
            return _fallback(ruled, answer, f"malformed answer ({type(error).__name__})")
        except Exception as error:  # any client failure must cost one turn, not the call
            return _fallback(ruled, answer, type(error).__name__)
        frame = self._frame(heard, ruled, expecting=expecting, now=now, region=region)
        return replace(frame, usage=_usage(answer))

    def _frame(
        self,
        heard: Heard,
        ruled: Understanding,
        *,
        expecting: Expecting,
        now: datetime,
        region: str,
    ) -> Understanding:
        """Turn the model's report into our frame, its date checked against the rules'."""
        text = ruled.text
        window = (now.date(), now.date() + timedelta(days=self.calendar_days - 1))
        phrase = heard.day_words if heard.day_words and _said(heard.day_words, text) else text
        when = cross_check(ruled.when, _reading(heard, window), window=window, words=phrase.strip())
        when = _with_times(
            when, self._times(heard, ruled, expecting=expecting, now=now, region=region), now
        )
        # services and people are the business's own words, which the rules match exactly
        when = replace(when, service=ruled.when.service, staff=ruled.when.staff)
        phone, invalid = (None, False)
        if heard.phone_words:
            phone, invalid = find_phone(heard.phone_words, region=region, expecting_phone=True)
        choice = heard.choice
        if choice is not None:
            choice = -1 if choice < 0 else choice - 1
        name = " ".join(heard.name.split()[:3]).title() if heard.name else None
        return Understanding(
            text=text,
            intent=heard.intent,
            affirm=heard.affirm,
            when=when,
            choice=choice,
            phone=phone,
            phone_invalid=invalid,
            name=name,
            correction=heard.correction,
            more=heard.more,
            reason=ruled.reason,
        )

    def _times(
        self,
        heard: Heard,
        ruled: Understanding,
        *,
        expecting: Expecting,
        now: datetime,
        region: str,
    ) -> When:
        """Read the times in the model's words with the rules, as the caller said them.

        Words the caller did not say (a model that "helpfully" converted them) are not
        trusted: the rules' reading of the whole utterance stands instead.
        """
        words = [w for w in (heard.day_words, heard.time_words) if w]
        if not all(_said(w, ruled.text) for w in words):
            return ruled.when
        if not words:
            return When()
        joined = " ".join(words)
        return self.rules.understand(joined, expecting=expecting, now=now, region=region).when


def _reading(heard: Heard, window: Span) -> Reading | None:
    """Return the model's date reading, or None (logged) when it is unusable."""
    try:
        return model_reading(heard.day, heard.first_day, heard.last_day, window=window)
    except ValueError as error:
        log.warning("LLM date ignored: %s", error)
        return None


def _with_times(when: When, timed: When, now: datetime) -> When:
    """Put the times read from the model's words on the day frame; the day stays."""
    times = (timed.at, timed.earliest, timed.latest, timed.part_of_day)
    if times == (when.at, when.earliest, when.latest, when.part_of_day):
        return when
    today = now.date()
    gone = (when.day or when.day_to or today) < today
    late = when.day == today and timed.at is not None and timed.at < now.time()
    return replace(
        when,
        at=timed.at,
        earliest=timed.earliest,
        latest=timed.latest,
        part_of_day=timed.part_of_day,
        past=gone or late,
    )


def _said(words: str, text: str) -> bool:
    """Keep only words the caller actually said: a model that converts dates is ignored."""
    squash = re.compile(r"[^a-z0-9:]+")
    return squash.sub(" ", words.lower()).strip() in squash.sub(" ", text.lower())


def _fallback(ruled: Understanding, answer: BaseMessage | None, why: str) -> Understanding:
    """Answer this turn with the rules and say so once in the log."""
    log.warning("LLM understanding failed: %s; rules answered this turn", why)
    return replace(ruled, usage=_usage(answer, fallback=True))


def _text_of(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    parts = [p.get("text", "") if isinstance(p, dict) else str(p) for p in content]
    return "".join(parts)


def _usage(message: BaseMessage | None, *, fallback: bool = False) -> Usage:
    """Count one call, with tokens from the API's usage report (no tokenizer download)."""
    meta = getattr(message, "usage_metadata", None) or {}
    return Usage(
        llm_calls=1,
        input_tokens=int(meta.get("input_tokens", 0)),
        output_tokens=int(meta.get("output_tokens", 0)),
        fallback=fallback,
    )
