"""Day phrases → business-local dates: "tomorrow", "next Friday", "the 13th", "Dec 3".

Conventions (the graph relies on these):

* "Friday", "on Friday", "this Friday", "this coming Friday": the next Friday counting
  today, so on a Friday it means today.
* "next Friday": the first Friday strictly after today. It equals "Friday" on every day
  except a Friday, when it is a week ahead. "Friday next week" / "next week on Friday" is
  always the Friday of next (Monday-based) week.
* "last Friday", "yesterday": the past, flagged ``past``.
* A month and day without a year ("December 3rd", "12/3"): this year; if that has gone by
  within the last 60 days it is a past date (``past``), otherwise next year.
* A bare day of month ("the 13th", "on the 21st"): this month unless already gone by, then
  next month. A month without that day ("the 31st" in November) is ``ambiguous``.
* Ranges: "this week" = today..Sunday, "later this week" = tomorrow..Sunday, "next week" =
  next Monday..Sunday, "(this) weekend" = the coming Saturday..Sunday, "next weekend" = the
  weekend after that (``ambiguous`` Monday to Thursday, when people disagree).
* Several day phrases: the last one said wins ("move it from Friday to Monday" → Monday),
  and a single day beats a range ("next week, say Tuesday" → Tuesday).
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from nodes.understanding.lexicon import (
    CHOICE_NOUN,
    MONTH,
    MONTHS,
    ORDINAL,
    WEEKDAY,
    WEEKDAYS,
    blank,
    ordinal_value,
)

PAST_WINDOW_DAYS = 60
"""A yearless date this recently gone by is taken as the past, not next year."""


@dataclass(frozen=True)
class DayFacts:
    """The days an utterance names, before time-of-day is added."""

    day: date | None = None
    day_from: date | None = None
    day_to: date | None = None
    past: bool = False
    ambiguous: str | None = None


@dataclass(frozen=True)
class _Hit:
    start: int
    day: date | None = None
    span: tuple[date, date] | None = None
    ambiguous: str | None = None


_Handler = Callable[[re.Match[str], date], _Hit]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _safe_date(year: int, month: int, dom: int) -> date | None:
    return date(year, month, dom) if 1 <= dom <= monthrange(year, month)[1] else None


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _calendar(m: re.Match[str], today: date, month: int, dom: int, year: int | None) -> _Hit:
    """Resolve a month and day, picking the year by the past-window rule."""
    phrase = m.group(0).strip()
    if not 1 <= month <= 12:
        return _Hit(m.start(), ambiguous=phrase)
    if year is not None:
        day = _safe_date(year, month, dom)
        return _Hit(m.start(), day=day, ambiguous=None if day else phrase)
    day = _safe_date(today.year, month, dom)
    if day is not None and day < today and (today - day).days > PAST_WINDOW_DAYS:
        day = _safe_date(today.year + 1, month, dom)
    return _Hit(m.start(), day=day, ambiguous=None if day else phrase)


def _numeric(m: re.Match[str], today: date) -> _Hit:
    month, dom = int(m.group(1)), int(m.group(2))
    return _calendar(m, today, month, dom, _year(m.group(3)))


def _month_first(m: re.Match[str], today: date) -> _Hit:
    dom = ordinal_value(m.group(2)) if not m.group(2).isdigit() else int(m.group(2))
    return _calendar(m, today, MONTHS[m.group(1)], dom, _year(m.group(3)))


def _day_first(m: re.Match[str], today: date) -> _Hit:
    dom = ordinal_value(m.group(1)) if not m.group(1).isdigit() else int(m.group(1))
    return _calendar(m, today, MONTHS[m.group(2)], dom, _year(m.group(3)))


def _bare_dom(m: re.Match[str], today: date) -> _Hit:
    token = m.group(m.lastindex or 0)
    dom = int(token) if token.isdigit() else ordinal_value(token)
    year, month = today.year, today.month
    if dom < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    day = _safe_date(year, month, dom)
    return _Hit(m.start(), day=day, ambiguous=None if day else m.group(0).strip())


def _offset(days: int) -> _Handler:
    return lambda m, today: _Hit(m.start(), day=today + timedelta(days=days))


def _in_n(m: re.Match[str], today: date) -> _Hit:
    n = int(m.group(1) or m.group(3) or 1)
    unit = m.group(2) or m.group(4) or m.group(5)
    return _Hit(m.start(), day=today + timedelta(days=n * (7 if unit.startswith("week") else 1)))


def _weekday_next_week(m: re.Match[str], today: date) -> _Hit:
    weekday = WEEKDAYS[(m.group(1) or m.group(2)).rstrip("s")]
    return _Hit(m.start(), day=_monday(today) + timedelta(days=7 + weekday))


def _weekday(m: re.Match[str], today: date) -> _Hit:
    qualifier, weekday = m.group(1), WEEKDAYS[m.group(2).rstrip("s")]
    ahead = (weekday - today.weekday()) % 7
    if qualifier == "next":
        ahead = ahead or 7
    elif qualifier == "last":
        ahead = -((today.weekday() - weekday) % 7 or 7)
    return _Hit(m.start(), day=today + timedelta(days=ahead))


def _week(weeks: int, *, from_tomorrow: bool = False) -> _Handler:
    def handler(m: re.Match[str], today: date) -> _Hit:
        monday = _monday(today) + timedelta(days=7 * weeks)
        first = max(monday, today + timedelta(days=1 if from_tomorrow else 0))
        sunday = monday + timedelta(days=6)
        if first > sunday:
            return _Hit(m.start(), ambiguous=m.group(0).strip())
        return _Hit(m.start(), span=(first, sunday))

    return handler


def _weekend(m: re.Match[str], today: date) -> _Hit:
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    if today.weekday() == 6:
        saturday = today - timedelta(days=1)
    if m.group(1):  # "next weekend": the one after the coming one
        saturday += timedelta(days=7)
    first = max(saturday, today)
    ambiguous = "next weekend" if m.group(1) and today.weekday() < 4 else None
    return _Hit(m.start(), span=(first, saturday + timedelta(days=1)), ambiguous=ambiguous)


def _month_span(m: re.Match[str], today: date) -> _Hit:
    word = m.group(1) or m.group(2)
    if word == "this":
        month, year = today.month, today.year
    elif word == "next":
        month, year = today.month % 12 + 1, today.year + (today.month == 12)
    else:
        month, year = MONTHS[word], today.year
        if month < today.month:
            year += 1
    first = max(date(year, month, 1), today)
    return _Hit(m.start(), span=(first, date(year, month, monthrange(year, month)[1])))


_NOT_TIME = r"(?![:\d]| ?(?:am|pm|o'?clock)\b)"
# An ordinal followed by these is a pick or a phrase ("the first one", "first thing").
_NOT_DOM = rf"(?! (?:{CHOICE_NOUN}|thing|of|week|half)\b)"
_NOT_FIRST_FREE = r"(?!first (?:available|opening|free|possible|open)\b)"  # = the earliest
_PATTERNS: tuple[tuple[re.Pattern[str], _Handler, bool], ...] = tuple(
    (re.compile(regex), handler, consume)
    for regex, handler, consume in (
        (r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b", _numeric, True),
        (
            rf"\b({MONTH}) (?:the )?({ORDINAL}|\d{{1,2}})\b{_NOT_TIME}(?: (\d{{4}}))?",
            _month_first,
            True,
        ),
        (rf"\b(?:the )?({ORDINAL}|\d{{1,2}}) of ({MONTH})\b(?: (\d{{4}}))?", _day_first, True),
        (
            r"\bin (\d+) (days?|weeks?)\b|\b(\d+) (days?|weeks?) from (?:now|today)\b"
            r"|\ba (week|day) from (?:now|today)\b",
            _in_n,
            True,
        ),
        (r"\b(?:the )?day after tomorrow\b", _offset(2), True),
        (r"\btomorrow\b", _offset(1), True),
        (r"\b(?:today|this(?= (?:morning|afternoon|evening)\b))\b", _offset(0), True),
        (r"\bto(?=night\b)", _offset(0), False),  # keep "night" for the part-of-day pass
        (r"\byesterday\b", _offset(-1), True),
        (rf"\b({WEEKDAY}) next week\b|\bnext week (?:on )?({WEEKDAY})\b", _weekday_next_week, True),
        (
            rf"\b(?:on )?(?:(this coming|coming|this|next|last) )?({WEEKDAY})\b",
            _weekday,
            True,
        ),
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
        (
            rf"\b(?:on )?the {_NOT_FIRST_FREE}({ORDINAL})\b{_NOT_DOM}"
            rf"|\b(\d{{1,2}}(?:st|nd|rd|th))\b{_NOT_DOM}",
            _bare_dom,
            True,
        ),
        (
            rf"\bon the (\d{{1,2}})\b{_NOT_DOM}{_NOT_TIME}"
            rf"|\bthe (1[3-9]|2\d|3[01])\b{_NOT_DOM}{_NOT_TIME}",
            _bare_dom,
            True,
        ),
    )
)


def find_days(text: str, today: date) -> tuple[DayFacts, str]:
    """Return the days named in normalised `text` and the text with those phrases blanked."""
    hits: list[_Hit] = []
    for regex, handler, consume in _PATTERNS:
        for m in list(regex.finditer(text)):
            hits.append(handler(m, today))
            if consume:
                text = blank(text, m.start(), m.end())
    if not hits:
        return DayFacts(), text
    hits.sort(key=lambda hit: hit.start)
    ambiguous = next((hit.ambiguous for hit in reversed(hits) if hit.ambiguous), None)
    single = next((hit.day for hit in reversed(hits) if hit.day), None)
    if single is not None:
        return DayFacts(day=single, past=single < today, ambiguous=ambiguous), text
    span = next((hit.span for hit in reversed(hits) if hit.span), None)
    if span is None:
        return DayFacts(ambiguous=ambiguous), text
    return DayFacts(
        day_from=span[0], day_to=span[1], past=span[1] < today, ambiguous=ambiguous
    ), text
