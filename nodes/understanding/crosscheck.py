"""Weigh the model's date against the rules' reading: agreement goes on, the rest is asked.

The model reads the caller's day off a dated calendar (`prompts.calendar`); the rules read
the same utterance on their own. Neither is trusted alone, so a day is acted on only when
both name it:

* both read the same day or span → the rules' frame goes on;
* each reads a different day → ask, with no guess (one of them is wrong, nobody knows which);
* only the model reads a day (the rules found none, or are unsure) → ask, offering the
  model's day as the guess, so a caller's yes settles it;
* only the rules read a day → ask, offering the rules' day;
* the rules' day lies off the model's calendar (gone by, or past its end, which covers the
  booking horizon) and the model has none → the rules' frame goes on: the graph refuses
  such a day, naming its date, and never books it.

Spans are compared on the days they share with the calendar: "this week" read as
Monday to Sunday by one and today to Sunday by the other is the same request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from graph.understanding import When

Span = tuple[date, date]
"""First and last day, inclusive; a single day is a span of one."""


@dataclass(frozen=True)
class Reading:
    """The day (or span of days) the model says the caller means."""

    first: date
    last: date
    single: bool
    """A single day ("next Friday"), not a span ("next week") that happens to be one day."""


def model_reading(
    day: str | None, first_day: str | None, last_day: str | None, *, window: Span
) -> Reading | None:
    """Parse the model's dates; None when it gave none, ValueError when unusable."""
    if day is None and first_day is None and last_day is None:
        return None
    if day is not None:
        if first_day is not None or last_day is not None:
            raise ValueError("both a day and a span")
        first = last = _iso(day)
    elif first_day is None or last_day is None:
        raise ValueError("a span with one end")
    else:
        first, last = _iso(first_day), _iso(last_day)
        if first > last:
            raise ValueError("a span that ends before it starts")
    if _clip((first, last), window) is None:
        raise ValueError(f"{first.isoformat()} is off the calendar")
    return Reading(first=first, last=last, single=day is not None)


def cross_check(rules: When, model: Reading | None, *, window: Span, words: str) -> When:
    """Return the rules' frame when the model agrees, else a question about `words`."""
    if rules.ambiguous:  # the rules are unsure: the model may only suggest the day
        guess = _single(model) if model is not None and model.single else rules.guess
        return _ask(rules, rules.ambiguous, guess=guess)
    ruled = _span(rules)
    if ruled is None:
        return rules if model is None else _ask(rules, words, guess=_single(model))
    if model is None:
        inside = _clip(ruled, window) is not None
        return _ask(rules, words, guess=rules.day) if inside else rules
    if _clip(ruled, window) == _clip((model.first, model.last), window):
        return rules
    return _ask(rules, words, guess=None)


def _ask(rules: When, words: str, *, guess: date | None) -> When:
    """Turn the frame into a question about the day; the times said with it are kept."""
    return replace(
        rules, day=None, day_from=None, day_to=None, past=False, ambiguous=words, guess=guess
    )


def _single(model: Reading) -> date | None:
    """Offer a single day as the guess; a span has no one day to offer."""
    return model.first if model.single else None


def _span(when: When) -> Span | None:
    """Return the days the rules' frame names, or None when it names no day."""
    if when.day is not None:
        return (when.day, when.day)
    if when.day_from is not None:
        return (when.day_from, when.day_to or when.day_from)
    return None


def _clip(span: Span, window: Span) -> Span | None:
    """Return the part of `span` inside `window`, or None when they share no day."""
    first, last = max(span[0], window[0]), min(span[1], window[1])
    return (first, last) if first <= last else None


def _iso(text: str) -> date:
    """Read a YYYY-MM-DD date; ValueError for anything else."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass  # re-raised below without the model's text, which is not ours to log
    raise ValueError("not a YYYY-MM-DD date")
