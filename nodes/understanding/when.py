"""Deterministic date/time resolver: caller words + injected clock → `When`.

The pipeline is normalise → drop list picks ("the second one") → day phrases
(`nodes.understanding.days`, conventions there) → time phrases
(`nodes.understanding.clock`, conventions there) → flag the past. Every phrase a pass
uses is blanked so the next pass cannot read it twice ("the 13th at 3": the 13 is a day,
the 3 a time).

Why not dateparser: `python -m bench.understanding` times both on the 8,390 caller
utterances of the SGD cases. `dateparser.search.search_dates` costs ~37 ms median per
utterance as usually called (it guesses each utterance's language first) and ~0.24 ms
(p95 1.2 ms) pinned to English, against ~0.16 ms (p95 0.33 ms) for the whole rule engine,
intents, picks, names and phones included. It also misreads our phrases ("may I book
for march 3" → May and March; "December 3rd at 3" → Dec 25 and Mar 25), and its year
choice ("prefer future") contradicts our 60-day past rule. Once a regex has cut "December
3rd" out, turning it into a date is a dictionary lookup, so the thin hand-written
normaliser is both faster and predictable.

Ambiguity (`When.ambiguous`) is kept to what only the caller can settle: a day of month
the month lacks ("the 31st" in November, "February 30"), "next weekend" said Monday to
Thursday, and a weekday that contradicts the date said with it ("Tuesday the 13th" when
the 13th is a Wednesday). A bare number is never flagged: it is a time after a cue word
or alone, a pick in list states; an hour without am/pm follows the business-hours rule.

The clock is always injected: `now` is aware and already in the business timezone.
"""

from __future__ import annotations

from datetime import datetime

from nodes.understanding.choice import CHOICE_STATES, find_choice
from nodes.understanding.clock import find_times
from nodes.understanding.days import find_days
from nodes.understanding.lexicon import blank, normalize
from nodes.understanding.types import Expecting, When

_NO_BARE_TIME = CHOICE_STATES | {"phone", "name"}
"""States where a lone number is not a time (a pick, part of a phone number, ...)."""


def resolve_when(text: str, *, now: datetime, expecting: Expecting = "request") -> When:
    """Resolve the dates and times in `text` against `now` (business-local)."""
    return resolve_normalized(normalize(text), now=now, expecting=expecting)


def resolve_normalized(text: str, *, now: datetime, expecting: Expecting = "request") -> When:
    """Like `resolve_when` for text already passed through `lexicon.normalize`."""
    _, span = find_choice(text, expecting=expecting)
    if span is not None:
        text = blank(text, *span)
    today = now.date()
    days, text = find_days(text, today)
    times = find_times(text, allow_bare=expecting not in _NO_BARE_TIME)
    past = days.past or (days.day == today and times.at is not None and times.at < now.time())
    return When(
        day=days.day,
        day_from=days.day_from,
        day_to=days.day_to,
        at=times.at,
        earliest=times.earliest,
        latest=times.latest,
        part_of_day=times.part_of_day,
        past=past,
        ambiguous=days.ambiguous,
    )
