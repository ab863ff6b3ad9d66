"""Calendar dates in caller words → business-local dates: "March 14th", "the 10th of this month".

The day passes (`nodes.understanding.days`) run these patterns first, most specific first.

Conventions (stated in the README's "Understanding conventions" too):

* Numeric dates follow the region's order: "3/4" is March 4th in the US, 3 April in
  the UK (`MONTH_FIRST_REGIONS`).
* A month and day without a year ("March 14th", "14th of March", "14 March", "3/14"):
  this year; if that went by within the last 60 days it is a past date (``past``, refused
  with options), otherwise next year ("March 3" said in November is next March).
* A bare day of month ("the 13th", "on the 21st"): this month unless already gone by, then
  next month. Callers name the next such day; a date already gone is not what they mean.
* "the 10th of this month" pins the month: a day already gone by is past, not next month.
  "the 10th of next month" is next month's. "the 1st of the month" is read like a bare
  "the 1st": this month's unless gone by, then next month's.
* A day the month lacks ("the 31st" in November, "February 30") is ``ambiguous``.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from nodes.understanding.lexicon import CHOICE_NOUN, MONTH, MONTHS, ORDINAL, ordinal_value

PAST_WINDOW_DAYS = 60
"""A yearless date this recently gone by is taken as the past, not next year."""


@dataclass(frozen=True)
class Hit:
    """One day phrase found in the text."""

    start: int
    end: int
    day: date | None = None
    span: tuple[date, date] | None = None
    ambiguous: str | None = None
    named_weekday: bool = False
    """The phrase named a weekday ("Tuesday"), to check it against a date said with it."""
    week_of: date | None = None
    """The Monday of a named week ("next week"), so a weekday said with it falls in it."""
    month_of: date | None = None
    """The 1st of a named month ("next month"), so a day of month said with it falls in it."""
    dom: int | None = None
    """A bare day of month ("the 5th"), to place it in a month said with it."""
    other: date | None = None
    """Another day the same words mean to some speakers ("next Friday" said early in a week)."""


Handler = Callable[[re.Match[str], date], Hit]


def safe_date(year: int, month: int, dom: int) -> date | None:
    """Return the date, or None when the month has no such day."""
    return date(year, month, dom) if 1 <= dom <= monthrange(year, month)[1] else None


def _dom(token: str) -> int:
    return int(token) if token.isdigit() else ordinal_value(token)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _resolved(m: re.Match[str], day: date | None) -> Hit:
    return Hit(m.start(), m.end(), day=day, ambiguous=None if day else m.group(0).strip())


def _calendar(m: re.Match[str], today: date, month: int, dom: int, year: int | None) -> Hit:
    """Resolve a month and day, picking the year by the past-window rule."""
    if not 1 <= month <= 12:
        return Hit(m.start(), m.end(), ambiguous=m.group(0).strip())
    if year is not None:
        return _resolved(m, safe_date(year, month, dom))
    day = safe_date(today.year, month, dom)
    if day is not None and day < today and (today - day).days > PAST_WINDOW_DAYS:
        day = safe_date(today.year + 1, month, dom)
    return _resolved(m, day)


def _numeric(m: re.Match[str], today: date) -> Hit:
    return _calendar(m, today, int(m.group(1)), int(m.group(2)), _year(m.group(3)))


def _numeric_day_first(m: re.Match[str], today: date) -> Hit:
    return _calendar(m, today, int(m.group(2)), int(m.group(1)), _year(m.group(3)))


MONTH_FIRST_REGIONS = frozenset(("US", "CA", "PH", "PR", "GU", "AS", "VI", "MP", "UM", "FM"))
"""Where "3/4" is March 4th; everywhere else it is the 3rd of April."""


def numeric_pattern(region: str) -> tuple[str, Handler]:
    """Return the numeric date pattern read in `region`'s order."""
    month_first = region.upper() in MONTH_FIRST_REGIONS
    return NUMERIC, _numeric if month_first else _numeric_day_first


def _month_first(m: re.Match[str], today: date) -> Hit:
    return _calendar(m, today, MONTHS[m.group(1)], _dom(m.group(2)), _year(m.group(3)))


def _day_first(m: re.Match[str], today: date) -> Hit:
    return _calendar(m, today, MONTHS[m.group(2)], _dom(m.group(1)), _year(m.group(3)))


def _of_month(m: re.Match[str], today: date) -> Hit:
    year, month, dom = today.year, today.month, _dom(m.group(1))
    if m.group(2) == "next" or (m.group(2) == "the" and dom < today.day):
        year, month = _next_month(year, month)
    return _resolved(m, safe_date(year, month, dom))


def _bare_dom(m: re.Match[str], today: date) -> Hit:
    dom = _dom(m.group(m.lastindex or 0))
    year, month = today.year, today.month
    if dom < today.day:
        year, month = _next_month(year, month)
    return replace(_resolved(m, safe_date(year, month, dom)), dom=dom)


_NOT_TIME = r"(?![:\d]| ?(?:am|pm|o'?clock)\b)"
# An ordinal followed by a noun is a pick or a phrase ("the first one", "first thing", "the
# second dentist"), not a day of month; nouns a caller picks among on the phone.
_NOUN_AFTER = (
    r"thing|of|week|half(?! past)|doctors?|dentists?|therapists?|salons?|stylists?|barbers?|places?"
    r"|persons?|people|results?|names?|offices?|clinics?|locations?|listings?|suggestions?"
    r"|streets?|st|avenue|ave|road|rd|boulevard|blvd|floor|grade|century|row|round|tries"
    r"|try|attempt|visit|kid|child|son|daughter|baby|birthday|anniversary|period"
    r"|quarter(?! (?:past|to|after|til|till|before|of \d))"
)
_NOT_DOM = rf"(?! (?:{CHOICE_NOUN}|{_NOUN_AFTER})\b)"
_NOT_FIRST_FREE = (  # "the first available" = the earliest; "the second available" a pick
    rf"(?!{ORDINAL} (?:available|opening|free|possible|open|slot|spot)\b)"
)
# "the 2nd may I ...": "may" after a day is the modal unless a year or nothing follows.
_MONTH_AFTER_DAY = rf"(?:(?!may\b){MONTH}|may(?! (?:i|we|you|be|have)\b))"
_ON = r"(?:on )?(?:the )?"

NUMERIC = r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b"
CALENDAR_PATTERNS: tuple[tuple[str, Handler], ...] = (
    (rf"\b({MONTH}) (?:the )?({ORDINAL}|\d{{1,2}})\b{_NOT_TIME}(?: (\d{{4}}))?", _month_first),
    (rf"\b{_ON}({ORDINAL}|\d{{1,2}}) of ({MONTH})\b(?: (\d{{4}}))?", _day_first),
    (rf"\b{_ON}({ORDINAL}|\d{{1,2}}) of (this|next|the) month\b", _of_month),
    (
        rf"(?<!\bat )(?<!\bby )\b{_ON}({ORDINAL}|[12]?\d|3[01]) ({_MONTH_AFTER_DAY})\b"
        r"(?: (\d{4}))?",
        _day_first,
    ),
)
"""Month-and-day phrases; they run before relative days so "March" is not a month range."""

DOM_PATTERNS: tuple[tuple[str, Handler], ...] = (
    (
        rf"\b(?:on )?the {_NOT_FIRST_FREE}({ORDINAL})\b{_NOT_DOM}"
        rf"|\b(\d{{1,2}}(?:st|nd|rd|th))\b{_NOT_DOM}",
        _bare_dom,
    ),
    (
        rf"\bon the (\d{{1,2}})\b{_NOT_DOM}{_NOT_TIME}"
        rf"|\bthe (1[3-9]|2\d|3[01])\b{_NOT_DOM}{_NOT_TIME}",
        _bare_dom,
    ),
)
"""A day of month on its own; run last, after every phrase that could own the number."""
