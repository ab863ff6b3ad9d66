"""Day phrases → business-local dates: "tomorrow", "next Friday", "the 13th", "Dec 3".

Calendar dates (month and day, day of month) are in `nodes.understanding.dates`; this
module adds relative days, weekdays and ranges, and weighs the phrases against each other.

Conventions (the graph relies on these; composed phrases are in
`nodes.understanding.relative`, holidays in `nodes.understanding.holiday_days`):

* "Friday", "on Friday", "this Friday", "this coming Friday": the next Friday counting
  today, so on a Friday it means today.
* "next Friday": the first Friday strictly after today. It equals "Friday" on every day
  except a Friday, when it is a week ahead. Speakers split on it early in a week (some
  mean next week's); the read-back always says the weekday and the date, so the caller
  hears which one. "Friday next week" / "next week on Friday" / "Friday of next week" is
  always the Friday of next (Monday-based) week.
* "last Friday", "yesterday": the past, flagged ``past``.
* Ranges: "this week" = today..Sunday, "later this week" = tomorrow..Sunday, "next week" =
  next Monday..Sunday, "(this) weekend" = the coming Saturday..Sunday, "next weekend" = the
  weekend after that (``ambiguous`` Monday to Thursday, when people disagree).
* Several day phrases: the last one said wins ("move it from Friday to Monday" → Monday),
  and a single day beats a range ("next week, say Tuesday" → Tuesday).
* A day the caller rules out does not count: "the 12th instead of the 13th", "rather than
  Friday", "not Monday". "I can't make it on Friday" does: it may name what to cancel.
* A weekday said with a date that falls on another weekday ("Tuesday the 13th" when the
  13th is a Wednesday) is ``ambiguous``: one of the two is wrong and only the caller knows.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from itertools import pairwise

from nodes.understanding.bounds import blank_spans, ending_at
from nodes.understanding.dates import (
    CALENDAR_PATTERNS,
    DOM_PATTERNS,
    Handler,
    Hit,
    numeric_pattern,
    safe_date,
)
from nodes.understanding.holiday_days import holiday_book, key, next_holiday
from nodes.understanding.lexicon import MONTH, RULED_OUT, WEEKDAY
from nodes.understanding.relative import (
    COMPOSED,
    OFFSET_BEFORE,
    WEEK_BEFORE,
    apply_offset,
    month_meant,
    weekday_of,
)


@dataclass(frozen=True)
class DayFacts:
    """The days an utterance names, before time-of-day is added."""

    day: date | None = None
    day_from: date | None = None
    day_to: date | None = None
    past: bool = False
    ambiguous: str | None = None
    spans: tuple[tuple[int, int], ...] = ()
    """Where the day phrases are in the text, for the check of words left unread."""
    other_day: date | None = None
    """Another day the words mean to some speakers (`When.other_day`)."""


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _offset(days: int) -> Handler:
    return lambda m, today: Hit(m.start(), m.end(), day=today + timedelta(days=days))


def _weekday_next_week(m: re.Match[str], today: date) -> Hit:
    weekday = weekday_of(m.group(1) or m.group(2))
    day = _monday(today) + timedelta(days=7 + weekday)
    return Hit(m.start(), m.end(), day=day, named_weekday=True)


def _weekday(m: re.Match[str], today: date) -> Hit:
    qualifier, weekday = m.group(1), weekday_of(m.group(2))
    ahead = (weekday - today.weekday()) % 7
    if qualifier == "next":
        ahead = ahead or 7
    elif qualifier == "last":
        ahead = -((today.weekday() - weekday) % 7 or 7)
    day = today + timedelta(days=ahead)
    # "next Friday" said on a Wednesday: this week's Friday by our convention, next week's
    # to many speakers. The other reading is kept so that the business's calendar can
    # tell when the difference matters (`nodes.search`).
    split = qualifier == "next" and day < _monday(today) + timedelta(days=7)
    other = day + timedelta(days=7) if split else None
    return Hit(m.start(), m.end(), day=day, named_weekday=True, other=other)


def _week(weeks: int, *, from_tomorrow: bool = False) -> Handler:
    def handler(m: re.Match[str], today: date) -> Hit:
        monday = _monday(today) + timedelta(days=7 * weeks)
        first = max(monday, today + timedelta(days=1 if from_tomorrow else 0))
        sunday = monday + timedelta(days=6)
        if first > sunday:
            return Hit(m.start(), m.end(), ambiguous=m.group(0).strip())
        return Hit(m.start(), m.end(), span=(first, sunday), week_of=monday)

    return handler


def _weekend(m: re.Match[str], today: date) -> Hit:
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    if today.weekday() == 6:
        saturday = today - timedelta(days=1)
    if m.group(1):  # "next weekend": the one after the coming one
        saturday += timedelta(days=7)
    first = max(saturday, today)
    ambiguous = "next weekend" if m.group(1) and today.weekday() < 4 else None
    return Hit(m.start(), m.end(), span=(first, saturday + timedelta(days=1)), ambiguous=ambiguous)


def _month_span(m: re.Match[str], today: date) -> Hit:
    year, month = month_meant(m.group(1) or m.group(2), today)
    first = max(date(year, month, 1), today)
    last = date(year, month, monthrange(year, month)[1])
    return Hit(m.start(), m.end(), span=(first, last), month_of=date(year, month, 1))


_RELATIVE: tuple[tuple[str, Handler, bool], ...] = (
    (r"(?<=\btime )next week\b", _offset(7), True),  # "this time next week": a day, not a week
    (r"\b(?:the )?day after tomorrow\b", _offset(2), True),
    (r"\btomorrow\b", _offset(1), True),
    (r"\b(?:today|this(?= (?:morning|afternoon|evening)\b))\b", _offset(0), True),
    (r"\bto(?=night\b)", _offset(0), False),  # keep "night" for the part-of-day pass
    (r"\byesterday\b", _offset(-1), True),
    (
        rf"\b({WEEKDAY}) (?:of )?next week\b|\bnext week (?:on )?({WEEKDAY})\b",
        _weekday_next_week,
        True,
    ),
    (rf"\b(?:on )?(?:(this coming|coming|this|next|last) )?({WEEKDAY})\b", _weekday, True),
    (r"\blater this week\b", _week(0, from_tomorrow=True), True),
    (r"\b(?:this|the) week\b", _week(0), True),
    (r"\b(?:next|the following) week\b", _week(1), True),
    (r"\blast week\b", _week(-1), True),
    (r"\b(?:this |the )?(next )?weekend\b", _weekend, True),
    (
        rf"\b(?:in|during|for|sometime in) ({MONTH})\b(?! \d)|\b(this|next) month\b",
        _month_span,
        True,
    ),
)
_SAID_TOGETHER = re.compile(r" *(?:on )?(?:the )?")
_ANCHORS_WEEK_MAY_SHIFT = re.compile(
    rf"(?:on )?(?:(?:this |this coming |coming )?{WEEKDAY}|tomorrow|today)"
)
_WEEK_OF = re.compile(r"\b(?:the )?week of (?:the )?$")
_BOUND_BEFORE = re.compile(r"\b(?:any ?time |some ?time )?(?P<rel>after|before) (?:the )?$")
"""'after Tuesday' / 'before Christmas': the days after or before it, not the day itself."""


def _holiday_weekend(m: re.Match[str], day: date) -> Hit:
    """ "Memorial Day weekend": the weekend the holiday makes long (Saturday to Monday)."""
    if day.weekday() == 0:
        return Hit(m.start(), m.end(), span=(day - timedelta(days=2), day))
    if day.weekday() == 4:
        return Hit(m.start(), m.end(), span=(day, day + timedelta(days=2)))
    if day.weekday() >= 5:
        saturday = day - timedelta(days=day.weekday() - 5)
        return Hit(m.start(), m.end(), span=(saturday, saturday + timedelta(days=1)))
    return Hit(m.start(), m.end(), ambiguous=m.group(0).strip())


def _holiday(region: str) -> Handler:
    def handler(m: re.Match[str], today: date) -> Hit:
        book = holiday_book(region, today.year)
        name = book.names.get(key(m["name"]))
        day = next_holiday(name, today, region, eve=bool(m["eve"])) if name else None
        if day is not None and m["weekend"]:
            return _holiday_weekend(m, day)
        return Hit(m.start(), m.end(), day=day, ambiguous=None if day else m.group(0).strip())

    return handler


@cache
def _patterns(region: str, year: int) -> tuple[tuple[re.Pattern[str], Handler, bool], ...]:
    """Every day pattern in the order it is tried, with the region's holidays."""
    return tuple(
        (re.compile(regex), handler, consume)
        for regex, handler, consume in (
            (holiday_book(region, year).pattern, _holiday(region), True),
            (*numeric_pattern(region), True),
            *((regex, handler, True) for regex, handler in COMPOSED),
            *((regex, handler, True) for regex, handler in CALENDAR_PATTERNS),
            *_RELATIVE,
            *((regex, handler, True) for regex, handler in DOM_PATTERNS),
        )
    )


def find_days(text: str, today: date, *, region: str = "US") -> tuple[DayFacts, str]:
    """Return the days named in normalised `text` and the text with those phrases blanked."""
    said = text
    hits: list[Hit] = []
    for regex, handler, consume in _patterns(region, today.year):
        found = list(regex.finditer(text))
        for m in found:
            if not ending_at(RULED_OUT, said, m.start()):
                hits.append(handler(m, today))
        if consume and found:  # most patterns find nothing: no new string then
            text = blank_spans(text, [m.span() for m in found])
    if not hits:
        return DayFacts(), text
    hits, text = _offsets(sorted(hits, key=lambda hit: hit.start), said, text)
    hits = _place_in_period(hits)
    spans = tuple((hit.start, hit.end) for hit in hits)
    ambiguous = next((hit.ambiguous for hit in reversed(hits) if hit.ambiguous), None)
    ambiguous = ambiguous or _weekday_mismatch(hits, said)
    chosen = next((hit for hit in reversed(hits) if hit.day), None)
    if chosen is not None and chosen.day is not None:
        single = chosen.day
        return DayFacts(
            day=single,
            past=single < today,
            ambiguous=ambiguous,
            spans=spans,
            other_day=chosen.other,
        ), text
    span = next((hit.span for hit in reversed(hits) if hit.span), None)
    span = span and (max(span[0], today), span[1])
    if span is None or span[0] > span[1]:
        return DayFacts(ambiguous=ambiguous, spans=spans), text
    return DayFacts(
        day_from=span[0], day_to=span[1], past=span[1] < today, ambiguous=ambiguous, spans=spans
    ), text


def said_dom(hit: Hit) -> str:
    """Name a day of month the month lacks, for the question ("the 31st")."""
    dom = hit.dom or 0
    suffix = "th" if 11 <= dom % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(dom % 10, "th")
    return f"the {dom}{suffix}"


def _place_in_period(hits: list[Hit]) -> list[Hit]:
    """Put a weekday said with a named week, or a day of month said with a named month, in it.

    "the week after next on Wednesday", "next month on the 5th": one day, not two readings.
    """
    periods = [hit for hit in hits if hit.week_of or hit.month_of]
    if len(periods) != 1:
        return hits
    period, placed = periods[0], False
    out: list[Hit] = []
    for hit in hits:
        if period.week_of and hit.named_weekday and hit.day is not None:
            out.append(replace(hit, day=period.week_of + timedelta(days=hit.day.weekday())))
            placed = True
        elif period.month_of and hit.dom is not None:
            first = period.month_of
            day = safe_date(first.year, first.month, hit.dom)
            out.append(replace(hit, day=day, ambiguous=None if day else said_dom(hit)))
            placed = True
        else:
            out.append(hit)
    return [hit for hit in out if hit is not period] if placed else out


def _bounded(relation: str, day: date) -> tuple[date, date]:
    """The week after a day, or the days from today up to the day before it."""
    if relation == "after":
        return day + timedelta(days=1), day + timedelta(days=7)
    return date.min, day - timedelta(days=1)


def _offsets(hits: list[Hit], said: str, text: str) -> tuple[list[Hit], str]:
    """Shift each day by an offset said just before it ("3 days after Monday").

    The offset's words join the phrase; a weekday inside them ("the Friday after
    Thanksgiving") was a part of the offset, not a day of its own.
    """
    used: list[tuple[int, int]] = []
    for index, hit in enumerate(hits):
        if hit.day is None:
            continue
        m = ending_at(OFFSET_BEFORE, said, hit.start)
        if m is None and _ANCHORS_WEEK_MAY_SHIFT.fullmatch(said, hit.start, hit.end):
            m = ending_at(WEEK_BEFORE, said, hit.start)
        if m is None and (week := ending_at(_WEEK_OF, said, hit.start)):  # "the week of the 14th"
            monday = hit.day - timedelta(days=hit.day.weekday())
            span = (monday, monday + timedelta(days=6))
            hits[index] = replace(hit, start=week.start(), day=None, span=span, week_of=monday)
            used.append((week.start(), hit.start))
            continue
        if m is None and (bound := ending_at(_BOUND_BEFORE, said, hit.start)):
            hits[index] = replace(
                hit, start=bound.start(), day=None, span=_bounded(bound["rel"], hit.day)
            )
            used.append((bound.start(), hit.start))
            continue
        if m is None:
            continue
        day = apply_offset(m, hit.day)
        hits[index] = replace(hit, start=m.start(), day=day, named_weekday=False)
        used.append((m.start(), hit.start))
    return _outermost(hits), blank_spans(text, used)


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop every hit inside another one (both, when two cover the very same words)."""
    # One sweep in (start, longest first) order rather than comparing every pair: a hit is
    # inside one seen before it when it ends no later than the furthest end seen so far.
    order = sorted(range(len(hits)), key=lambda i: (hits[i].start, -hits[i].end))
    inside: set[int] = set()
    reach, previous = -1, -1
    for index in order:
        hit = hits[index]
        if hit.end <= reach:
            inside.add(index)
            if (hits[previous].start, hits[previous].end) == (hit.start, hit.end):
                inside.add(previous)  # the same words twice: each is inside the other
        previous, reach = index, max(reach, hit.end)
    return [hit for index, hit in enumerate(hits) if index not in inside]


def _weekday_mismatch(hits: list[Hit], said: str) -> str | None:
    """Return "tuesday the 13th" when two day phrases said together name different days.

    A weekday and a date that disagree, or "Easter Monday" where Easter is a Sunday:
    one of the two is wrong, or we lack the name, and only the caller can settle it.
    """
    for first, second in pairwise(hits):
        if not (first.day and second.day):
            continue
        if first.named_weekday or second.named_weekday:  # "Wednesday the 13th": same weekday
            if first.day.weekday() == second.day.weekday():
                continue
        elif first.day == second.day:
            continue
        if _SAID_TOGETHER.fullmatch(said, first.end, second.start):
            return said[first.start : second.end].strip()
    return None
