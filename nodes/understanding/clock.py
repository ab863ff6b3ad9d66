"""Time-of-day phrases → wall-clock times: "at 3", "half past ten", "after 2", "between 2 and 4".

Conventions:

* An hour without am/pm is read for business hours: 1-7 → afternoon (3 → 15:00, "6:45" →
  18:45), 8-11 → morning, 12 → noon. Hours 13-23 and zero-padded hours ("08:00") are
  24-hour clock. Appointments are booked in the day: nobody means 6:45 in the morning.
* A part of day said right with the hour, after it ("10 in the morning") or before it
  ("afternoon 3", "evening 4:30", "the morning 11"), only sets am/pm: an exact time, no
  part of day. "afternoon 12" is noon. In that word order "by evening 6" is 18:00 (callers
  who say it mean the time), while "by 6" stays "no later than 6". A separate "morning" /
  "afternoon" sets the part of day and also decides am/pm for the times said with it
  ("tomorrow morning at 7" → 07:00).
* am/pm after "half past" / "quarter to" is said of the result ("half past 10 pm" → 22:30,
  "quarter to 12 in the morning" → 11:45), and "quarter to 12 pm" is 11:45, before noon.
* "3:15 pm on March 14th" is an exact time; only "from 3 on" said at the very end is a
  lower bound. "I can't go until 4:30" / "not free until 2" / "busy until 3" are lower
  bounds (free from then on); a plain "until 4" is an upper bound.
* A time the caller rules out ("4 instead of 3", "not at 3", "instead of afternoon") does
  not count (`lexicon.RULED_OUT`).
* A bare number counts as a time only after a cue word ("at 3", "make it 4", "by 2") or
  when it is the whole answer ("no, 4"), never "2 weeks" or "the second one".
* Ranges take am/pm from each other ("between 1 and 3pm" → 13:00-15:00) and must end after
  they start ("between 7 and 9" → 19:00-21:00).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Literal

from business.slot_query import PartOfDay
from nodes.understanding.bounds import blank, blank_spans, ending_at
from nodes.understanding.lexicon import RULED_OUT

Meridiem = Literal["am", "pm"]

_UNIT_AFTER = (
    r"days?|weeks?|months?|years?|people|persons?|minutes?|mins?|hours?|hrs?|of|slots?|"
    r"options?|appointments?|ones?"
)
_T = (
    r"\b(?:(?:12 )?(?:noon|midday)|midnight"
    r"|(?:(?:half|quarter|\d{1,2}) (?:past|after)|quarter (?:to|til|till|before|of)) \d{1,2}"
    r"(?: ?(?:am|pm)\b)?"
    r"|\d{1,2}(?::\d{2})? ?(?:am|pm)\b"
    r"|\d{1,2}:\d{2}"
    r"|\d{1,2} ?o'? ?clock"
    rf"|\d{{1,2}}(?![\d:/]|(?:st|nd|rd|th)\b| (?:{_UNIT_AFTER})\b))"
    r"(?: (?:in the (?:morning|afternoon|evening)|at night|tonight))?"
)
_PARSE = re.compile(
    r"(?P<noon>(?:12 )?(?:noon|midday))|(?P<midnight>midnight)"
    r"|(?:(?P<past>half|quarter|\d{1,2}) (?:past|after) (?P<past_h>\d{1,2})"
    r"|quarter (?:to|til|till|before|of) (?P<to_h>\d{1,2}))(?: ?(?P<rel_mer>am|pm))?"
    r"|(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?: ?(?P<mer>am|pm)\b| ?o'? ?clock)?"
)
_SINGLE_OK = r"(?!(?:appointment|slot|one|option)\b)"
"""After a part of day, "an afternoon 2 appointment" is a time; "2 appointments" a count."""
_PART_FIRST = re.compile(
    r"\b(?:(at|in|for|around|about|by|after|before|until|from) )?(?:the )?"
    r"(morning|afternoon|evening) (?:at |around |about )?(\d{1,2}(?::\d{2})?)"
    rf"(?![\d:]| ?(?:am|pm)\b| ?o'? ?clock\b| {_SINGLE_OK}(?:{_UNIT_AFTER})\b)"
)
"""'afternoon 3', 'in the evening 4:30': the part of day said first only settles am/pm."""


def _part_last(m: re.Match[str]) -> str:
    """Say 'at afternoon 3' as 'at 3 in the afternoon', keeping a bound's cue ('after')."""
    # "by evening 6" / "by the morning 11:30" name the time itself when callers use this
    # word order (unlike "by 6", a latest time), so "by" reads as "at" here.
    cue = m[1] if m[1] not in (None, "in", "by") else "at"
    return f"{cue} {m[3]} in the {m[2]}"


_SUFFIX = re.compile(r" (?:in the (morning|afternoon|evening)|at night|tonight)$")

_RANGE = re.compile(rf"\b(?:between|from) ({_T}) (?:and|to|till|til|until|through) ({_T})")
_BOUND = re.compile(
    rf"\b(?:no|not) (?:later than|after) ({_T})"  # 1: latest
    r"|\b(?:(?:no|not) (?:earlier than|before|sooner than)"  # 2: earliest, also "I can't
    r"|(?:not|can'?t|cannot|won'?t|busy|working|work)(?: \w+){0,3}? (?:until|till|til))"  # go
    rf" ({_T})"  # until 4:30": the caller is free from then on, not until then
    r"|(?<!half )(?<!quarter )(?<!\d )\b(?:after|later than|from|starting(?: at| from)?|since"
    rf"|any ?time after) ({_T})"  # 3: earliest
    rf"|\b(?:before|by|until|till|til|up to|earlier than|sooner than) ({_T})"  # 4: latest
    rf"|\b({_T}) (?:or|and) (?:later|after)\b|\b({_T}) (?:onwards?\b|and up\b|on$)"  # 5, 6
    rf"|\b({_T}) (?:or|and) (?:earlier|before|sooner)\b|\b({_T}) at the latest\b"  # 7, 8: latest
)
_BOUND_LATEST = frozenset((1, 4, 7, 8))
_EXACT = re.compile(
    r"(?:\b(at|around|about|for|say|it|is|to|maybe|like|approximately|then) )?"
    rf"(?<![\d:])({_T})"
)
_BARE_ALONE = re.compile(
    r"(?:(?:no|nope|yes|yeah|actually|um|uh|well|ok|okay|maybe|how about|what about|make it|"
    r"then|instead|wait|sorry|i meant|let's do|can we do|let's say|say|try|or|so) +)*"
    r"(\d{1,2})(?: +(?:please|then|instead|thanks|thank you|is fine|works|is good|would work|"
    r"would be good|would be great|if possible|ok|okay|maybe))*"
)
_LUNCH = re.compile(r"\b(?:(after|before) )?lunch ?(?:time)?\b")
_FIRST_THING = re.compile(r"\bfirst thing\b")
_PART = re.compile(r"(?<!good )\b(morning|afternoon|evening|tonight|night)\b")  # not greetings
_PARTS: dict[str, PartOfDay] = {
    "morning": "morning",
    "afternoon": "afternoon",
    "evening": "evening",
    "tonight": "evening",
    "night": "evening",
}


@dataclass(frozen=True)
class _Raw:
    """A time as said, before am/pm is settled."""

    hour: int
    minute: int
    meridiem: Meridiem | None
    fixed: bool = False  # 24-hour clock, noon or midnight: no am/pm guessing


@dataclass(frozen=True)
class TimeFacts:
    """The times an utterance names."""

    at: time | None = None
    earliest: time | None = None
    latest: time | None = None
    part_of_day: PartOfDay | None = None
    rest: str = ""
    """The text with every time phrase blanked, for the check of words left unread."""


def _parse(text: str) -> _Raw | None:
    """Parse one `_T` match into an unsettled time."""
    suffix = _SUFFIX.search(text)
    core = text[: suffix.start()] if suffix else text
    m = _PARSE.fullmatch(core)
    if m is None:
        return None
    said: Meridiem | None = "am" if m["rel_mer"] == "am" else "pm" if m["rel_mer"] else None
    if suffix:
        said = "am" if suffix.group(1) == "morning" else "pm"
    if m["noon"]:
        return _Raw(12, 0, "pm", fixed=True)
    if m["midnight"]:
        return _Raw(0, 0, "am", fixed=True)
    if m["past_h"]:
        minute = {"half": 30, "quarter": 15}.get(m["past"]) or int(m["past"])
        return _spoken(int(m["past_h"]), minute, said) if minute < 60 else None
    if m["to_h"]:
        hour = int(m["to_h"])
        if hour == 12 and said == "pm":  # a quarter before noon is still the morning
            return _Raw(11, 45, "am")
        return _spoken(hour - 1 if hour > 1 else 12, 45, said)  # am/pm is said of the result
    hour, minute = int(m["h"]), int(m["m"] or 0)
    meridiem: Meridiem | None = "am" if m["mer"] == "am" else "pm" if m["mer"] else said
    fixed = meridiem is None and (hour >= 13 or hour == 0 or m["h"].startswith("0"))
    if minute > 59 or hour > 23 or (meridiem and not 1 <= hour <= 12):
        return None
    return _Raw(hour, minute, meridiem, fixed)


def _spoken(hour: int, minute: int, said: Meridiem | None) -> _Raw | None:
    """Return a "half past" / "quarter to" time; past 12 it is on the 24-hour clock.

    "half past 15" is 15:30 even "in the afternoon"; "five after 415" is no time at all.
    """
    if hour > 23:
        return None
    return _Raw(hour, minute, None, fixed=True) if hour >= 13 else _Raw(hour, minute, said)


def _settle(raw: _Raw, hint: Meridiem | None) -> time:
    """Pick am/pm: said > fixed > hint from a part of day > business hours."""
    hour, meridiem = raw.hour, raw.meridiem or (None if raw.fixed else hint)
    if raw.fixed and raw.meridiem is None:
        return time(hour, raw.minute)
    if meridiem == "am":
        return time(0 if hour == 12 else hour, raw.minute)
    if meridiem == "pm":
        return time(hour if hour == 12 else hour + 12, raw.minute)
    return time(hour + 12 if 1 <= hour <= 7 else hour, raw.minute)


def _settle_range(start: _Raw, end: _Raw, hint: Meridiem | None) -> tuple[time, time]:
    """Settle both ends of a range so that it ends after it starts."""
    if start.meridiem is None and not start.fixed and end.meridiem:
        shared = _settle(start, end.meridiem)
        if shared < _settle(end, None):
            return shared, _settle(end, None)
    first = _settle(start, hint)
    last = _settle(end, start.meridiem if end.meridiem is None and not end.fixed else hint)
    if last <= first and end.meridiem is None and not end.fixed and last.hour < 12:
        last = time(last.hour + 12, last.minute)
    return first, last


def find_times(text: str, *, allow_bare: bool) -> TimeFacts:
    """Return the times named in normalised `text` (day phrases already blanked)."""
    text = _PART_FIRST.sub(_part_last, text)
    ranges: list[tuple[_Raw, _Raw]] = []
    used: list[tuple[int, int]] = []
    for m in _RANGE.finditer(text):
        start, end = _parse(m.group(1)), _parse(m.group(2))
        if start and end:
            ranges.append((start, end))
            used.append(m.span())
    text, used = blank_spans(text, used), []
    bounds: list[tuple[bool, _Raw]] = []
    for m in _BOUND.finditer(text):
        group = m.lastindex or 0
        raw = _parse(m.group(group))
        if raw:
            bounds.append((group in _BOUND_LATEST, raw))
            used.append(m.span())
    text, used = blank_spans(text, used), []
    exact: list[_Raw] = []
    for m in _EXACT.finditer(text):
        if m.group(1) is None and m.group(2).isdigit():
            continue  # a bare number needs a cue word
        raw = _parse(m.group(2))
        if raw:
            # "4 instead of 3": not 3; the times read before are blanked already
            if not ending_at(RULED_OUT, text, m.start(), blanked=used):
                exact.append(raw)
            used.append(m.span())
    text = blank_spans(text, used)
    if not exact and allow_bare and (alone := _BARE_ALONE.fullmatch(text.strip())):
        raw = _parse(alone.group(1))
        exact += [raw] if raw else []

    earliest = latest = None
    lunch = _LUNCH.search(text)
    if lunch:
        text = blank(text, lunch.start(), lunch.end())
        if lunch.group(1) != "before":
            earliest = time(13) if lunch.group(1) else time(11, 30)
        if lunch.group(1) != "after":
            latest = time(12) if lunch.group(1) else time(13, 30)
    part = _part_of_day(text)
    hint: Meridiem | None = None if part is None else "am" if part == "morning" else "pm"
    for start, end in ranges:
        earliest, latest = _settle_range(start, end, hint)
    for is_latest, raw in bounds:
        if is_latest:
            latest = _settle(raw, hint)
        else:
            earliest = _settle(raw, hint)
    at = _settle(exact[-1], hint) if exact else None
    if at is not None and part is not None and not _within(part, at):
        part = None  # "3 pm, I'm going out that night": the night is not the appointment
    return TimeFacts(at=at, earliest=earliest, latest=latest, part_of_day=part, rest=text)


_PART_HOURS: dict[PartOfDay, tuple[time, time]] = {
    "morning": (time(0), time(12, 30)),
    "afternoon": (time(11, 30), time(18, 30)),
    "evening": (time(15, 30), time(23, 59)),
}
"""Generous bounds: callers say "4 in the evening" and "12 in the afternoon"."""


def _within(part: PartOfDay, at: time) -> bool:
    first, last = _PART_HOURS[part]
    return first <= at <= last


def _part_of_day(text: str) -> PartOfDay | None:
    """Return the last part of day said; "first thing" means morning."""
    parts = [m[1] for m in _PART.finditer(text) if not ending_at(RULED_OUT, text, m.start())]
    if parts:
        return _PARTS[parts[-1]]
    return "morning" if _FIRST_THING.search(text) else None
