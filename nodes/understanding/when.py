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

Uncertainty (`When.ambiguous`): a day of month the month lacks ("the 31st" in November,
"February 30"), "next weekend" said Monday to Thursday, a weekday that contradicts the
date said with it ("Tuesday the 13th" when the 13th is a Wednesday), and any day-like word
the passes left unread (`nodes.understanding.doubt`: "the Tuesday after my surgery",
"Boxing Day" in the US). An uncertain reading carries no day at all, so nothing downstream
can act on a half-read day; the graph asks. A bare number is never flagged: it is a time
after a cue word or alone, a pick in list states; an hour without am/pm follows the
business-hours rule. "Same time tomorrow" / "this time next week" take the clock's time.

The clock is always injected: `now` is aware and already in the business timezone.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from graph.understanding import Expecting, When
from nodes.understanding.bounds import blank
from nodes.understanding.choice import CHOICE_STATES, find_choice
from nodes.understanding.clock import find_times
from nodes.understanding.days import find_days
from nodes.understanding.doubt import doubt
from nodes.understanding.lexicon import normalize

_NO_BARE_TIME = CHOICE_STATES | {"phone", "name"}
"""States where a lone number is not a time (a pick, part of a phone number, ...)."""


_SAME_TIME = re.compile(r"\b(?:at )?(?:the )?(?:same|this) time\b(?! (?:slot|works|as|is)\b)")


def prepare(region: str, today: date) -> None:
    """Build the region's holiday names and day patterns now, not on the caller's first turn.

    Loading the holiday calendars costs ~0.2-0.4 s once per process and year; the
    composition root calls this before the greeting so no caller waits on it.
    """
    find_days("", today, region=region)
    doubt("", after_days="", rest="", spans=(), read_a_day=False, region=region, today=today)


def resolve_when(
    text: str, *, now: datetime, expecting: Expecting = "request", region: str = "US"
) -> When:
    """Resolve the dates and times in `text` against `now` (business-local)."""
    return resolve_normalized(normalize(text), now=now, expecting=expecting, region=region)


def resolve_normalized(
    text: str, *, now: datetime, expecting: Expecting = "request", region: str = "US"
) -> When:
    """Like `resolve_when` for text already passed through `lexicon.normalize`."""
    _, span = find_choice(text, expecting=expecting)
    if span is not None:
        text = blank(text, *span)
    said, today = text, now.date()
    days, text = find_days(text, today, region=region)
    after_days = text
    same_time = _SAME_TIME.search(text) if days.day else None
    if same_time is not None:
        text = blank(text, same_time.start(), same_time.end())
    times = find_times(text, allow_bare=expecting not in _NO_BARE_TIME)
    at = times.at
    if at is None and same_time is not None:
        at = now.time().replace(second=0, microsecond=0)
    read_a_day = days.day is not None or days.day_from is not None
    unread = doubt(
        said,
        after_days=after_days,
        rest=times.rest,
        spans=days.spans,
        read_a_day=read_a_day,
        region=region,
        today=today,
    )
    ambiguous = days.ambiguous or unread
    past = days.past or (days.day == today and at is not None and at < now.time())
    return When(
        day=None if ambiguous else days.day,
        other_day=None if ambiguous else days.other_day,
        day_from=None if ambiguous else days.day_from,
        day_to=None if ambiguous else days.day_to,
        at=at,
        earliest=times.earliest,
        latest=times.latest,
        part_of_day=times.part_of_day,
        past=past and not ambiguous,
        ambiguous=ambiguous,
    )
