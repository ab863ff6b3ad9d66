"""Composed day phrases: offsets, durations, nth weekdays, parts of a month or week.

These build on the plain anchors of `nodes.understanding.days` rather than listing
sentences. Conventions (the README's "Understanding conventions" repeats them):

* Durations count from today: "in a fortnight" +14 days, "in six weeks" +42, "a week
  today" +7, "in 3 months" / "a month from now" the same day of month N months on
  (the month's last day when it is shorter).
* An offset before any anchor shifts it: "three days after Monday", "two weeks from
  Thursday", "the day before the 15th", "2 days before Christmas", "a week on Tuesday"
  (British), "the Friday after Thanksgiving" (the first Friday strictly after it).
* "<weekday> after next": the second such weekday strictly after today. "<weekday> week"
  (British "Tuesday week"): the coming one ("this" sense, counting today) plus 7 days.
* "the <nth> <weekday> of <month>" and "the last ...": that month's; "of the month" is
  this month's unless it has gone by, then next month's; a month without such a day
  ("the 5th Monday of February") is uncertain.
* Parts of a month, as ranges: beginning / start / early = days 1-10, middle / mid =
  11-20, end / late = 21 to the last day. Of a week: beginning = Monday-Wednesday,
  middle = Tuesday-Thursday, end = Thursday-Sunday. A range never starts before today.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from nodes.understanding.dates import PAST_WINDOW_DAYS, Handler, Hit
from nodes.understanding.lexicon import MONTH, MONTHS, WEEKDAY, WEEKDAYS

AMOUNT = r"(?:\d{1,2}|an?)"
UNIT = r"(?:days?|weeks?|fortnights?|months?)"

_NTH = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
    "final": -1,
}
NTH = "|".join(_NTH)


def weekday_of(word: str) -> int:
    """Return 0-6 for a weekday word ("tuesdays" → 1, "tues" → 1)."""
    # Only a plural s comes off: "tues".rstrip("s") is "tue", which is no weekday.
    return WEEKDAYS[word] if word in WEEKDAYS else WEEKDAYS[word[:-1]]


def coming(today: date, weekday: int) -> date:
    """Return the next `weekday` counting today ("Friday" said on a Friday is today)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def monday(day: date) -> date:
    """Return the Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def add_months(day: date, months: int) -> date:
    """Return the same day of month `months` later, clamped to that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def month_meant(word: str | None, today: date) -> tuple[int, int]:
    """Return (year, month) for "this" / "next" / a month name (its next occurrence)."""
    if word == "next":
        following = add_months(today.replace(day=1), 1)
        return following.year, following.month
    if word is None or word == "this":
        return today.year, today.month
    month = MONTHS[word]
    return today.year + (month < today.month), month


def shift(day: date, amount: int, unit: str) -> date:
    """Return `day` moved by `amount` units (negative goes back)."""
    if unit.startswith("month"):
        return add_months(day, amount)
    per = {"d": 1, "w": 7, "f": 14}[unit[0]]
    return day + timedelta(days=amount * per)


def amount_of(word: str) -> int:
    """Return the number an amount word stands for ("a" → 1)."""
    return int(word) if word.isdigit() else 1


def _nth_coming(m: re.Match[str], today: date) -> Hit:
    """ "2 Fridays from now": the second Friday strictly after today."""
    first = coming(today + timedelta(days=1), weekday_of(m["wd"]))
    return Hit(m.start(), m.end(), day=first + timedelta(days=7 * (int(m["n"]) - 1)))


def _ago(m: re.Match[str], today: date) -> Hit:
    return Hit(m.start(), m.end(), day=shift(today, -amount_of(m["n"]), m["unit"]))


def _weeks_then_weekday(m: re.Match[str], today: date) -> Hit:
    """ "in 2 weeks on Tuesday": that weekday of the week 2 weeks from now."""
    week = monday(shift(today, amount_of(m["n"]), m["unit"]))
    return Hit(m.start(), m.end(), day=week + timedelta(days=weekday_of(m["wd"])))


def _after_next(m: re.Match[str], today: date) -> Hit:
    first = coming(today + timedelta(days=1), weekday_of(m["wd"]))
    return Hit(m.start(), m.end(), day=first + timedelta(days=7), named_weekday=True)


def _weekday_week(m: re.Match[str], today: date) -> Hit:
    day = coming(today, weekday_of(m["wd"])) + timedelta(days=14 if m["unit"][0] == "f" else 7)
    return Hit(m.start(), m.end(), day=day, named_weekday=True)


def _after_weekend(m: re.Match[str], today: date) -> Hit:
    """ "after the weekend": the week that follows the coming weekend."""
    first = monday(today + timedelta(days=1)) + timedelta(days=7)
    first = first if today.weekday() < 6 else today + timedelta(days=1)
    return Hit(m.start(), m.end(), span=(first, first + timedelta(days=6)), week_of=first)


def _nth_week(m: re.Match[str], today: date) -> Hit:
    """ "the second week of January": days 8-14; "the last week": its last 7 days."""
    year, month, roll = _month_of(m, today)
    length = monthrange(year, month)[1]
    nth = _NTH[m["nth"]]
    first = length - 6 if nth == -1 else 7 * (nth - 1) + 1
    if first > length:
        return Hit(m.start(), m.end(), ambiguous=m.group(0).strip())
    span = (date(year, month, first), date(year, month, min(first + 6, length)))
    if span[1] < today and roll:
        return _nth_week_later(m, span, today)
    if span[1] < today:
        return Hit(m.start(), m.end(), day=span[0])
    return Hit(m.start(), m.end(), span=(max(span[0], today), span[1]))


def _nth_week_later(m: re.Match[str], span: tuple[date, date], today: date) -> Hit:
    """Next year's (a named month) or next month's week, when this one has gone by."""
    months = 12 if m["mname"] else 1
    first, last = add_months(span[0], months), add_months(span[1], months)
    return Hit(m.start(), m.end(), span=(max(first, today), last))


def _week_after_next(m: re.Match[str], today: date) -> Hit:
    first = monday(today) + timedelta(days=14)
    if wd := m.groupdict().get("wd"):
        return Hit(m.start(), m.end(), day=first + timedelta(days=weekday_of(wd)))
    return Hit(m.start(), m.end(), span=(first, first + timedelta(days=6)), week_of=first)


def _month_of(m: re.Match[str], today: date) -> tuple[int, int, bool]:
    """Return (year, month, roll) for "of March" / "of this month" / "of the month"."""
    if m["mname"]:
        month, year = MONTHS[m["mname"]], int(m["year"]) if m["year"] else today.year
        return year, month, not m["year"]
    if m["which"] == "next":
        following = add_months(today.replace(day=1), 1)
        return following.year, following.month, False
    return today.year, today.month, m["which"] != "this"


def _nth_weekday_in(year: int, month: int, weekday: int, nth: int) -> date | None:
    first = date(year, month, 1)
    days = [
        first + timedelta(days=i)
        for i in range(monthrange(year, month)[1])
        if (first + timedelta(days=i)).weekday() == weekday
    ]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if nth <= len(days) else None


def _nth_day_in(year: int, month: int, which: str, nth: int) -> date | None:
    if which == "day":  # "the last day of the month", "the 2nd day of March"
        return date(year, month, monthrange(year, month)[1] if nth == -1 else nth)
    return _nth_weekday_in(year, month, weekday_of(which), nth)


def _nth_weekday(m: re.Match[str], today: date) -> Hit:
    year, month, roll = _month_of(m, today)
    which, nth = m["wd"], _NTH[m["nth"]]
    day = _nth_day_in(year, month, which, nth)
    # A named month follows the yearless-date rule (`dates.PAST_WINDOW_DAYS`): recently
    # gone by is the past, longer ago is next year's; "of the month" rolls to next month.
    gone = (today - day).days if day is not None and day < today else 0
    if roll and gone and (not m["mname"] or gone > PAST_WINDOW_DAYS):
        later = add_months(date(year, month, 1), 1 if not m["mname"] else 12)
        day = _nth_day_in(later.year, later.month, which, nth)
    if day is None:
        return Hit(m.start(), m.end(), ambiguous=m.group(0).strip())
    return Hit(m.start(), m.end(), day=day, named_weekday=False)


_PARTS_OF_MONTH = {"beginning": (1, 10), "middle": (11, 20), "end": (21, 31)}
_PARTS_OF_WEEK = {"beginning": (0, 2), "middle": (1, 3), "end": (3, 6)}
_PART_WORDS = {
    "beginning": "beginning",
    "start": "beginning",
    "early": "beginning",
    "middle": "middle",
    "mid": "middle",
    "end": "end",
    "late": "end",
}


def _part_of(m: re.Match[str], today: date) -> Hit:
    part = _PART_WORDS[m["part"]]
    if m["unit"] == "week":
        start = monday(today) + timedelta(days=7 if m["which"] == "next" else 0)
        first, last = _PARTS_OF_WEEK[part]
        span = (start + timedelta(days=first), start + timedelta(days=last))
    else:
        year, month = month_meant(m["mname"] or m["which"], today)
        first, last = _PARTS_OF_MONTH[part]
        last = min(last, monthrange(year, month)[1])
        span = (date(year, month, first), date(year, month, last))
    if span[1] < today:
        return Hit(m.start(), m.end(), ambiguous=m.group(0).strip())
    return Hit(m.start(), m.end(), span=(max(span[0], today), span[1]))


def any_duration(m: re.Match[str], today: date) -> Hit:
    """Resolve whichever alternative of the duration pattern matched."""
    if m["f"]:
        return Hit(m.start(), m.end(), day=today + timedelta(days=14))
    n = m["n"] or m["n2"] or m["n3"]
    unit = m["unit"] or m["unit2"] or m["unit3"]
    return Hit(m.start(), m.end(), day=shift(today, amount_of(n), unit))


_WD = rf"(?P<wd>{WEEKDAY})"
_OF_MONTH = (
    rf"(?:of|in) (?:(?:(?P<which>this|next|the) month)|(?P<mname>{MONTH})(?: (?P<year>\d{{4}}))?)"
)

COMPOSED: tuple[tuple[str, Handler], ...] = (
    (rf"\b(?:the )?(?P<nth>{NTH}) (?P<wd>{WEEKDAY}|day) {_OF_MONTH}\b", _nth_weekday),
    (rf"\b(?P<n>{AMOUNT}) (?P<unit>{UNIT}) ago\b", _ago),
    (rf"\b(?P<n>\d) {_WD} (?:from|after) (?:now|today)\b", _nth_coming),
    (
        rf"\b(?:at |in |by |towards? |around )?(?:the )?(?P<part>beginning|start|early|middle|mid"
        rf"|end|late)(?: of| in)?(?: the)? (?:(?P<which>this|next) )?(?:(?P<unit>week|month)\b"
        rf"|(?P<mname>{MONTH})\b)",
        _part_of,
    ),
    (rf"\b(?:on )?(?:the )?{_WD} (?:of |in )?the week after next\b", _week_after_next),
    (r"\b(?:the )?week after next\b", _week_after_next),
    (rf"\b(?:on )?(?:the )?{_WD} after (?:next|this(?: coming)?(?: one)?)\b", _after_next),
    (r"\bafter (?:the|this) weekend\b", _after_weekend),
    (rf"\b(?:the )?(?P<nth>{NTH}) week {_OF_MONTH}\b", _nth_week),
    (rf"\bin (?P<n>{AMOUNT}) (?P<unit>weeks?)(?: time)? (?:on )?{_WD}\b", _weeks_then_weekday),
    (
        rf"\bin (?P<n>{AMOUNT}) (?P<unit>{UNIT})(?:'? ?s? time)?\b"
        rf"|\b(?P<n2>{AMOUNT}) (?P<unit2>{UNIT}) (?:from|after) (?:now|today)\b"
        rf"|\b(?P<n3>{AMOUNT}) (?P<unit3>weeks?|fortnights?) (?:today|tonight)\b"
        r"|\bin (?P<f>a fortnight)\b",
        any_duration,
    ),
    (rf"\b(?:on )?{_WD} (?P<unit>week|fortnight)\b", _weekday_week),
)
"""Composed phrases in the order they are tried; each runs before the plain anchors."""


OFFSET_BEFORE = re.compile(
    rf"(?:\b(?P<n>{AMOUNT}) (?P<unit>{UNIT})|\bthe (?P<day>day)|\bthe (?:very )?{_WD})"
    r" (?P<rel>after|from|following|before|prior to|on)(?: from)? (?:the )?$"
)
"""An offset said just before an anchor: "3 days after", "the day before", "the Friday after"."""
WEEK_BEFORE = re.compile(rf"\b(?P<n>{AMOUNT}) (?P<unit>weeks?|fortnights?) $")
"""British "a week Tuesday", "a fortnight tomorrow": an offset with no preposition."""


def apply_offset(m: re.Match[str], anchor: date) -> date | None:
    """Return the anchor moved by the offset `m` (OFFSET_BEFORE or WEEK_BEFORE) describes."""
    back = (m.groupdict().get("rel") or "after") in ("before", "prior to")
    if m.groupdict().get("unit"):
        return shift(anchor, -amount_of(m["n"]) if back else amount_of(m["n"]), m["unit"])
    if m.groupdict().get("day"):
        return anchor + timedelta(days=-1 if back else 1)
    weekday = weekday_of(m["wd"])
    if back:
        return anchor - timedelta(days=(anchor.weekday() - weekday) % 7 or 7)
    return anchor + timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
