"""The phrase table for the day-resolver suite: what a caller says, when, and what it means.

Every expectation here was worked out by hand from the project's documented conventions
(issue 11), never by running the resolver. Each row is a phrase, the region of the business
("US": month/day dates and US holidays; "GB": day/month and UK bank holidays) and, for each
day it is said on (10:00 business-local), the expected reading written as text:

    "2026-12-04"               that single day, no exact time
    "2026-12-04 15:00"         that day at that exact time
    "2026-12-07..2026-12-13"   an inclusive range of days
    "ask"                      the resolver must not commit to a day: `ambiguous` is set
    "past 2026-11-27"          a day that has gone by (`past` is True)
    "none" / "none 14:00"      no day at all (optionally an exact time)

Conventions the table follows, in short: a bare weekday, "this" and "this coming" count today;
"next <weekday>" is the first one strictly after today; "<weekday> next week" is in next
Monday-based week; "<weekday> after next" is the second one strictly after today;
"<weekday> week" / "a week on|from <weekday>" is the coming one (today included) plus 7 days;
month parts are 1-10, 11-20 and 21-last; a range never starts before today; a yearless
date is this year unless more than 60 days gone (then next year), a bare day of month is
this month unless gone (then next month); a holiday is its next occurrence on or after today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

TZ = ZoneInfo("America/Los_Angeles")


def _said(year: int, month: int, day: int) -> datetime:
    """Return 10:00 in the morning of that business-local day."""
    return datetime(year, month, day, 10, 0, tzinfo=TZ)


WED = _said(2026, 12, 2)  # a plain Wednesday early in the month
FRI = _said(2026, 12, 4)  # a Friday: "Friday" is today, "next Friday" a week on
SUN = _said(2026, 12, 6)  # a Sunday: the last day of a Monday-based week
MON = _said(2026, 12, 7)  # a Monday: the first day of a week
NOV30 = _said(2026, 11, 30)  # Monday, the last day of a 30-day month
DEC30 = _said(2026, 12, 30)  # Wednesday, the year's last days
DEC31 = _said(2026, 12, 31)  # Thursday, the last day of the year
SPRING = _said(2027, 3, 16)  # Tuesday in spring: this year's holidays partly gone

SAID_ON = (WED, FRI, SUN, MON, NOV30, DEC30, DEC31, SPRING)

Kind = Literal["day", "range", "ask", "past", "none"]
Region = Literal["US", "GB"]


@dataclass(frozen=True)
class Expect:
    """One expected reading: a day, a range, an ask, a past day or no day at all."""

    kind: Kind
    day: date | None = None
    """The single day ("day", "past") or the first day of a range ("range")."""
    day_to: date | None = None
    """The last day of a range, inclusive."""
    at: time | None = None
    """The exact time said with it, if any."""

    def __str__(self) -> str:
        """Render the reading the way the table writes it."""
        at = f" {self.at:%H:%M}" if self.at else ""
        if self.kind == "range":
            return f"{self.day}..{self.day_to}"
        if self.kind == "past":
            return f"past {self.day}{at}"
        if self.kind in ("ask", "none"):
            return f"{self.kind}{at}"
        return f"{self.day}{at}"


_SPEC = re.compile(
    r"^(?:(?P<kind>past|none|ask)\b ?)?"
    r"(?P<day>\d{4}-\d\d-\d\d)?(?:\.\.(?P<to>\d{4}-\d\d-\d\d))?"
    r" ?(?P<at>\d\d:\d\d)?$"
)


def parse(spec: str) -> Expect:
    """Turn one table cell ("2026-12-04 15:00", "past 2026-11-27", "ask"...) into an Expect."""
    match = _SPEC.match(spec)
    if match is None:
        raise ValueError(f"bad expectation {spec!r}")
    word, day, to, at = match.group("kind", "day", "to", "at")
    first = date.fromisoformat(day) if day else None
    clock = time.fromisoformat(at) if at else None
    if word == "ask":
        if first or clock:
            raise ValueError(f"an ask carries nothing else: {spec!r}")
        return Expect("ask")
    if word == "none":
        if first:
            raise ValueError(f"no day means no day: {spec!r}")
        return Expect("none", at=clock)
    if first is None:
        raise ValueError(f"a day is missing: {spec!r}")
    if word == "past":
        return Expect("past", first, at=clock)
    if to:
        return Expect("range", first, date.fromisoformat(to))
    return Expect("day", first, at=clock)


@dataclass(frozen=True)
class Phrase:
    """A caller's phrasing with its expected reading on each day it is said."""

    text: str
    readings: dict[datetime, str]
    region: Region = "US"
    kind: str = ""
    """The group it belongs to, for the failure report ("weekday", "holiday", ...)."""


@dataclass(frozen=True)
class Case:
    """One phrase said on one day: the unit the suite scores."""

    text: str
    now: datetime
    region: Region
    expect: Expect
    kind: str

    @property
    def phrase(self) -> str:
        """Return the phrase as the suite names it: its text, tagged [GB] outside the US."""
        return self.text if self.region == "US" else f"{self.text} [GB]"

    @property
    def id(self) -> str:
        """Return a readable case id: phrase and said-on day."""
        return f"{self.phrase} | {self.now:%a %Y-%m-%d}"


def _group(kind: str, *phrases: Phrase) -> list[Phrase]:
    """Tag each phrase of a group with the group's name."""
    return [Phrase(p.text, p.readings, p.region, kind) for p in phrases]


P = Phrase

# fmt: off
PHRASES: list[Phrase] = [
    # A bare weekday, "on", "this", "this coming": the next one counting today.
    *_group(
        "weekday",
        P("Friday", {WED: "2026-12-04", FRI: "2026-12-04", SUN: "2026-12-11",
                     MON: "2026-12-11", DEC31: "2027-01-01", SPRING: "2027-03-19"}),
        P("on Friday", {WED: "2026-12-04", FRI: "2026-12-04"}),
        P("this Friday", {WED: "2026-12-04", FRI: "2026-12-04", DEC30: "2027-01-01"}),
        P("this coming Friday", {WED: "2026-12-04", FRI: "2026-12-04", SUN: "2026-12-11"}),
        P("Monday", {WED: "2026-12-07", MON: "2026-12-07", SUN: "2026-12-07",
                     NOV30: "2026-11-30", DEC31: "2027-01-04", SPRING: "2027-03-22"}),
        P("Tuesday", {WED: "2026-12-08", SPRING: "2027-03-16", DEC30: "2027-01-05"}),
        P("Wednesday", {WED: "2026-12-02", DEC30: "2026-12-30", DEC31: "2027-01-06"}),
        P("Thursday", {WED: "2026-12-03", SUN: "2026-12-10", DEC31: "2026-12-31"}),
        P("Saturday", {WED: "2026-12-05", SUN: "2026-12-12"}),
        P("Sunday", {SUN: "2026-12-06", FRI: "2026-12-06"}),
        P("can I come in Thursday?", {WED: "2026-12-03", FRI: "2026-12-10"}),
        P("do you have anything on Monday", {FRI: "2026-12-07", SPRING: "2027-03-22"}),
        P("how about this Tuesday", {WED: "2026-12-08", SPRING: "2027-03-16"}),
        P("Friday morning", {WED: "2026-12-04", SUN: "2026-12-11"}),
        P("Thursday afternoon", {MON: "2026-12-10"}),
        P("sometime Wednesday", {FRI: "2026-12-09"}),
        P("today", {WED: "2026-12-02", DEC31: "2026-12-31"}),
        P("tomorrow", {WED: "2026-12-03", NOV30: "2026-12-01", DEC31: "2027-01-01",
                       SPRING: "2027-03-17"}),
        P("tomorrow morning", {DEC30: "2026-12-31"}),
        P("the day after tomorrow", {WED: "2026-12-04", NOV30: "2026-12-02",
                                     DEC30: "2027-01-01", DEC31: "2027-01-02"}),
        P("day after tomorrow", {FRI: "2026-12-06"}),
    ),
    # "next <weekday>": the first one strictly after today.
    *_group(
        "next weekday",
        P("next Friday", {WED: "2026-12-04", FRI: "2026-12-11", SUN: "2026-12-11",
                          MON: "2026-12-11", DEC31: "2027-01-01", SPRING: "2027-03-19"}),
        P("next Monday", {WED: "2026-12-07", SUN: "2026-12-07", MON: "2026-12-14",
                          NOV30: "2026-12-07", DEC31: "2027-01-04"}),
        P("next Tuesday", {WED: "2026-12-08", SPRING: "2027-03-23"}),
        P("next Wednesday", {WED: "2026-12-09", DEC30: "2027-01-06", FRI: "2026-12-09"}),
        P("next Thursday", {WED: "2026-12-03", DEC31: "2027-01-07"}),
        P("next Saturday", {FRI: "2026-12-05", SUN: "2026-12-12"}),
        P("next Sunday", {SUN: "2026-12-13", FRI: "2026-12-06"}),
        P("could I come in next Friday at 3", {WED: "2026-12-04 15:00",
                                               FRI: "2026-12-11 15:00"}),
        P("next Tuesday at half past ten", {WED: "2026-12-08 10:30",
                                            SPRING: "2027-03-23 10:30"}),
    ),
    # "<weekday> next week" and its variants: that day of next Monday-based week.
    *_group(
        "weekday of next week",
        P("Friday next week", {WED: "2026-12-11", FRI: "2026-12-11", SUN: "2026-12-11",
                               MON: "2026-12-18", NOV30: "2026-12-11", DEC31: "2027-01-08",
                               SPRING: "2027-03-26"}),
        P("next week on Friday", {WED: "2026-12-11", MON: "2026-12-18"}),
        P("Friday of next week", {WED: "2026-12-11", SUN: "2026-12-11", DEC30: "2027-01-08"}),
        P("next week on Tuesday", {WED: "2026-12-08", SPRING: "2027-03-23",
                                   DEC30: "2027-01-05"}),
        P("Monday of next week", {SUN: "2026-12-07", MON: "2026-12-14"}),
        P("Wednesday next week", {WED: "2026-12-09", DEC30: "2027-01-06"}),
        P("Thursday of next week", {DEC31: "2027-01-07", MON: "2026-12-17"}),
        P("next week, Thursday if possible", {WED: "2026-12-10"}),
        P("sometime Tuesday next week", {FRI: "2026-12-08"}),
        P("the Wednesday of next week", {SPRING: "2027-03-24"}),
    ),
    # "<weekday> after next": the second such weekday strictly after today.
    *_group(
        "after next",
        P("Friday after next", {WED: "2026-12-11", FRI: "2026-12-18", SUN: "2026-12-18",
                                MON: "2026-12-18", DEC31: "2027-01-08",
                                SPRING: "2027-03-26"}),
        P("Monday after next", {WED: "2026-12-14", MON: "2026-12-21", SUN: "2026-12-14",
                                NOV30: "2026-12-14"}),
        P("the Tuesday after next", {SPRING: "2027-03-30", WED: "2026-12-15"}),
        P("Thursday after next", {DEC31: "2027-01-14", WED: "2026-12-10"}),
        P("Wednesday after next", {MON: "2026-12-16"}),
        P("can we do Wednesday after next", {WED: "2026-12-16", FRI: "2026-12-16"}),
        P("the Monday after next", {SUN: "2026-12-14"}),
    ),
    # "<weekday> week", "a week on/from <weekday>": the coming one (today counts) + 7.
    *_group(
        "week on weekday",
        P("Friday week", {WED: "2026-12-11", FRI: "2026-12-11", SUN: "2026-12-18",
                          DEC31: "2027-01-08"}, "GB"),
        P("a week on Friday", {WED: "2026-12-11", FRI: "2026-12-11"}, "GB"),
        P("a week from Friday", {WED: "2026-12-11", SUN: "2026-12-18"}),
        P("Tuesday week", {SPRING: "2027-03-23", WED: "2026-12-15"}, "GB"),
        P("a week on Monday", {MON: "2026-12-14", NOV30: "2026-12-07", WED: "2026-12-14"},
          "GB"),
        P("a week from Monday", {SUN: "2026-12-14", MON: "2026-12-14"}),
        P("Thursday week", {DEC31: "2027-01-07", WED: "2026-12-10"}, "GB"),
        P("book me in for a week on Tuesday please", {SPRING: "2027-03-23"}, "GB"),
        P("Monday week", {FRI: "2026-12-14"}, "GB"),
        P("a week today", {WED: "2026-12-09"}, "GB"),
        P("Friday week at 11", {WED: "2026-12-11 11:00"}, "GB"),
        P("Saturday week", {WED: "2026-12-12"}, "GB"),
        P("a week on Thursday", {WED: "2026-12-10"}, "GB"),
        P("a week from Saturday", {WED: "2026-12-12"}),
    ),
    # Weeks and months as ranges: Monday-based weeks, never starting before today.
    *_group(
        "week or month range",
        P("next week", {WED: "2026-12-07..2026-12-13", MON: "2026-12-14..2026-12-20",
                        SUN: "2026-12-07..2026-12-13", NOV30: "2026-12-07..2026-12-13",
                        DEC31: "2027-01-04..2027-01-10", SPRING: "2027-03-22..2027-03-28"}),
        P("sometime next week", {FRI: "2026-12-07..2026-12-13",
                                 DEC30: "2027-01-04..2027-01-10"}),
        P("this week", {WED: "2026-12-02..2026-12-06", MON: "2026-12-07..2026-12-13",
                        FRI: "2026-12-04..2026-12-06", DEC31: "2026-12-31..2027-01-03"}),
        P("the week after next", {WED: "2026-12-14..2026-12-20",
                                  MON: "2026-12-21..2026-12-27",
                                  SUN: "2026-12-14..2026-12-20",
                                  DEC31: "2027-01-11..2027-01-17",
                                  SPRING: "2027-03-29..2027-04-04"}),
        P("anything the week after next?", {FRI: "2026-12-14..2026-12-20"}),
        P("the beginning of next week", {WED: "2026-12-07..2026-12-09",
                                         MON: "2026-12-14..2026-12-16",
                                         SUN: "2026-12-07..2026-12-09",
                                         DEC30: "2027-01-04..2027-01-06"}),
        P("early next week", {WED: "2026-12-07..2026-12-09", FRI: "2026-12-07..2026-12-09"}),
        P("the middle of next week", {WED: "2026-12-08..2026-12-10",
                                      SPRING: "2027-03-23..2027-03-25"}),
        P("the end of the week", {WED: "2026-12-03..2026-12-06",
                                  MON: "2026-12-10..2026-12-13",
                                  FRI: "2026-12-04..2026-12-06",
                                  DEC31: "2026-12-31..2027-01-03",
                                  SPRING: "2027-03-18..2027-03-21"}),
        P("end of this week", {WED: "2026-12-03..2026-12-06"}),
        P("later this week", {WED: "2026-12-03..2026-12-06", MON: "2026-12-08..2026-12-13"}),
        P("this weekend", {WED: "2026-12-05..2026-12-06", FRI: "2026-12-05..2026-12-06"}),
        P("over the weekend", {WED: "2026-12-05..2026-12-06"}),
        P("next month", {WED: "2027-01-01..2027-01-31", DEC31: "2027-01-01..2027-01-31",
                         SPRING: "2027-04-01..2027-04-30", NOV30: "2026-12-01..2026-12-31"}),
        P("this month", {WED: "2026-12-02..2026-12-31", SPRING: "2027-03-16..2027-03-31"}),
        P("in January", {WED: "2027-01-01..2027-01-31"}),
        P("sometime in February", {WED: "2027-02-01..2027-02-28"}),
    ),
    # Parts of a month: 1-10, 11-20, 21-last; a range starts at today at the earliest.
    *_group(
        "month part",
        P("the beginning of January", {WED: "2027-01-01..2027-01-10"}),
        P("early January", {WED: "2027-01-01..2027-01-10", DEC31: "2027-01-01..2027-01-10"}),
        P("the start of January", {DEC30: "2027-01-01..2027-01-10"}),
        P("mid January", {WED: "2027-01-11..2027-01-20"}),
        P("the middle of January", {WED: "2027-01-11..2027-01-20"}),
        P("end of January", {WED: "2027-01-21..2027-01-31"}),
        P("late January", {DEC31: "2027-01-21..2027-01-31"}),
        P("towards the end of January", {WED: "2027-01-21..2027-01-31"}),
        P("early February", {WED: "2027-02-01..2027-02-10"}),
        P("the end of February", {WED: "2027-02-21..2027-02-28"}),
        P("late February", {DEC31: "2027-02-21..2027-02-28"}),
        P("mid December", {WED: "2026-12-11..2026-12-20"}),
        P("late December", {WED: "2026-12-21..2026-12-31", DEC30: "2026-12-30..2026-12-31"}),
        P("early December", {WED: "2026-12-02..2026-12-10"}),
        P("mid March", {WED: "2027-03-11..2027-03-20", SPRING: "2027-03-16..2027-03-20"}),
        P("mid-April", {SPRING: "2027-04-11..2027-04-20"}),
        P("early April", {SPRING: "2027-04-01..2027-04-10"}),
        P("the start of April", {SPRING: "2027-04-01..2027-04-10"}),
        P("the end of March", {SPRING: "2027-03-21..2027-03-31",
                               WED: "2027-03-21..2027-03-31"}),
        P("the end of the month", {WED: "2026-12-21..2026-12-31",
                                   FRI: "2026-12-21..2026-12-31",
                                   SPRING: "2027-03-21..2027-03-31",
                                   DEC30: "2026-12-30..2026-12-31"}),
        P("end of the month", {MON: "2026-12-21..2026-12-31"}),
        P("the beginning of next month", {WED: "2027-01-01..2027-01-10",
                                          SPRING: "2027-04-01..2027-04-10"}),
        P("early next month", {NOV30: "2026-12-01..2026-12-10"}),
        P("the middle of the month", {WED: "2026-12-11..2026-12-20"}),
        P("the end of April", {SPRING: "2027-04-21..2027-04-30"}),
        P("late March", {SPRING: "2027-03-21..2027-03-31"}),
        P("the end of next month", {WED: "2027-01-21..2027-01-31",
                                    SPRING: "2027-04-21..2027-04-30"}),
    ),
    # The nth or last weekday of a month; "of the month" moves on once this month's is gone.
    *_group(
        "nth weekday",
        P("the first Monday of January", {WED: "2027-01-04", DEC31: "2027-01-04",
                                          SPRING: "2028-01-03"}),
        P("the second Tuesday in March", {WED: "2027-03-09", SPRING: "past 2027-03-09"}),
        P("the last Friday of the month", {WED: "2026-12-25", NOV30: "2026-12-25",
                                           DEC31: "2027-01-29", SPRING: "2027-03-26"}),
        P("the last Monday of the month", {NOV30: "2026-11-30", MON: "2026-12-28"}),
        P("the third Thursday of next month", {WED: "2027-01-21", NOV30: "2026-12-17",
                                               SPRING: "2027-04-15", DEC31: "2027-01-21"}),
        P("the first Friday of next month", {WED: "2027-01-01", SPRING: "2027-04-02"}),
        P("the second Monday of January", {WED: "2027-01-11"}),
        P("the last Thursday in February", {WED: "2027-02-25"}),
        P("the fifth Thursday of December", {WED: "2026-12-31"}),
        P("the first Tuesday of the month", {WED: "2027-01-05", NOV30: "2026-12-01",
                                             SPRING: "2027-04-06"}),
        P("the second Wednesday of December", {WED: "2026-12-09"}),
        P("the first Monday in December", {WED: "2026-12-07", NOV30: "2026-12-07"}),
        P("the second Saturday of January", {WED: "2027-01-09"}),
        P("the last Wednesday of January", {DEC30: "2027-01-27"}),
        P("the last Sunday of the month", {WED: "2026-12-27"}),
        P("the third Monday in April", {SPRING: "2027-04-19"}),
        P("the last Monday in May", {WED: "2027-05-31"}),
        P("the second Friday of next month", {SPRING: "2027-04-09"}),
        P("the last day of the month", {WED: "2026-12-31", NOV30: "2026-11-30",
                                        SPRING: "2027-03-31"}),
        P("the last day of February", {WED: "2027-02-28"}),
        P("the last day of January", {WED: "2027-01-31"}),
        P("the first Wednesday in March", {SPRING: "past 2027-03-03"}),
        P("the third Friday in February", {SPRING: "past 2027-02-19"}),
        P("the fourth Thursday of the month", {WED: "2026-12-24"}),
        P("the first of next month", {WED: "2027-01-01", SPRING: "2027-04-01"}),
        P("the 15th of next month", {WED: "2027-01-15", DEC31: "2027-01-15"}),
    ),
    # Offsets from an anchor: a weekday, a day of month, tomorrow, a holiday.
    *_group(
        "offset from anchor",
        P("three days after Monday", {WED: "2026-12-10", MON: "2026-12-10",
                                      SPRING: "2027-03-25"}),
        P("two weeks from Thursday", {WED: "2026-12-17", DEC31: "2027-01-14",
                                      MON: "2026-12-24"}),
        P("the day before the 15th", {WED: "2026-12-14", SPRING: "2027-04-14",
                                      DEC31: "2027-01-14"}),
        P("2 days before Christmas", {WED: "2026-12-23", DEC31: "2027-12-23"}),
        P("the day after Christmas", {WED: "2026-12-26", SUN: "2026-12-26"}),
        P("the day before Thanksgiving", {WED: "2027-11-24"}),
        P("a week after Christmas", {WED: "2027-01-01"}),
        P("three days after the 20th", {WED: "2026-12-23"}),
        P("the Monday after Christmas", {WED: "2026-12-28"}),
        P("the Monday before Christmas", {WED: "2026-12-21"}),
        P("the day before New Year's Eve", {WED: "2026-12-30"}),
        P("the day after New Year's Day", {WED: "2027-01-02"}),
        P("a week from tomorrow", {WED: "2026-12-10", DEC31: "2027-01-08"}),
        P("the day after the 20th", {WED: "2026-12-21"}),
        P("the day before the 1st", {WED: "2026-12-31"}),
        P("the Tuesday after New Year's Day", {WED: "2027-01-05"}),
        P("3 days after Christmas", {WED: "2026-12-28"}),
        P("a week before New Year's Eve", {WED: "2026-12-24"}),
        P("the Friday before Labor Day", {WED: "2027-09-03"}),
        P("two weeks from Monday", {MON: "2026-12-21", WED: "2026-12-21"}),
        P("five days after the 10th", {SPRING: "2027-04-15"}),
        P("the day after Labor Day", {WED: "2027-09-07"}),
        P("two days after Christmas", {WED: "2026-12-27"}, "GB"),
        P("the day after Easter Monday", {WED: "2027-03-30"}, "GB"),
        P("the Wednesday after Easter Monday", {SPRING: "2027-03-31"}, "GB"),
        P("four days after Friday", {WED: "2026-12-08"}),
        P("the day before the 20th", {WED: "2026-12-19"}),
        P("three weeks from Tuesday", {WED: "2026-12-29"}),
        P("the Friday before Christmas Eve", {WED: "2026-12-18"}),
        P("two days after New Year's Day", {WED: "2027-01-03"}),
    ),
    # Durations counted from today; months keep the day of month, clamped to the last day.
    *_group(
        "duration",
        P("in a fortnight", {WED: "2026-12-16", DEC31: "2027-01-14", SPRING: "2027-03-30"}),
        P("in six weeks", {WED: "2027-01-13", SPRING: "2027-04-27"}),
        P("a week from today", {WED: "2026-12-09", DEC31: "2027-01-07", NOV30: "2026-12-07"}),
        P("in 10 days", {WED: "2026-12-12", DEC30: "2027-01-09", NOV30: "2026-12-10"}),
        P("a month from now", {WED: "2027-01-02", NOV30: "2026-12-30", DEC31: "2027-01-31",
                               SPRING: "2027-04-16"}),
        P("in a month", {WED: "2027-01-02", DEC31: "2027-01-31", SPRING: "2027-04-16"}),
        P("in 3 months", {WED: "2027-03-02", NOV30: "2027-02-28", DEC31: "2027-03-31",
                          SPRING: "2027-06-16"}),
        P("in 2 months", {DEC31: "2027-02-28", NOV30: "2027-01-30"}),
        P("two months from now", {DEC30: "2027-02-28"}),
        P("two weeks from today", {WED: "2026-12-16"}),
        P("in two weeks", {WED: "2026-12-16", MON: "2026-12-21"}),
        P("in three days", {DEC30: "2027-01-02"}),
        P("in 3 weeks", {WED: "2026-12-23"}),
        P("three weeks from now", {SPRING: "2027-04-06"}),
        P("in 2 days", {WED: "2026-12-04"}),
        P("in a week", {WED: "2026-12-09", DEC30: "2027-01-06"}),
        P("a fortnight from today", {WED: "2026-12-16"}, "GB"),
        P("in 5 weeks", {SPRING: "2027-04-20"}),
        P("one week from tomorrow", {WED: "2026-12-10"}),
        P("in 6 months", {WED: "2027-06-02"}),
        P("in four weeks", {WED: "2026-12-30"}),
        P("8 days from now", {DEC30: "2027-01-07"}),
        P("in ten days' time", {WED: "2026-12-12"}, "GB"),
        P("in 9 days", {WED: "2026-12-11"}),
        P("in two months", {WED: "2027-02-02"}),
    ),
    # "Same time" phrases: the day plus the current time of day.
    *_group(
        "same time",
        P("same time tomorrow", {WED: "2026-12-03 10:00", DEC31: "2027-01-01 10:00"}),
        P("this time next week", {WED: "2026-12-09 10:00", FRI: "2026-12-11 10:00"}),
        P("same time next week", {WED: "2026-12-09 10:00"}),
    ),
    # Calendar dates: yearless ones are this year unless more than 60 days gone.
    *_group(
        "calendar date",
        P("March 14th", {WED: "2027-03-14", SPRING: "past 2027-03-14", DEC31: "2027-03-14"}),
        P("the 14th of March", {WED: "2027-03-14"}),
        P("14 March", {WED: "2027-03-14"}, "GB"),
        P("December 3rd", {DEC31: "past 2026-12-03", NOV30: "2026-12-03"}),
        P("September 15th", {WED: "2027-09-15"}),
        P("November 20th", {WED: "past 2026-11-20"}),
        P("January 5th", {WED: "2027-01-05", SPRING: "2028-01-05"}),
        P("February 14th", {SPRING: "past 2027-02-14", WED: "2027-02-14"}),
        P("the 13th", {WED: "2026-12-13", SPRING: "2027-04-13", DEC31: "2027-01-13",
                       NOV30: "2026-12-13"}),
        P("the 2nd", {WED: "2026-12-02"}),
        P("the 30th", {NOV30: "2026-11-30", WED: "2026-12-30", DEC31: "2027-01-30",
                       SPRING: "2027-03-30"}),
        P("the 31st", {NOV30: "ask", WED: "2026-12-31", DEC31: "2026-12-31",
                       SPRING: "2027-03-31"}),
        P("on the first", {WED: "2027-01-01"}),
        P("3/4", {WED: "2027-03-04", SPRING: "past 2027-03-04"}),
        P("3/4", {WED: "2027-04-03", SPRING: "2027-04-03"}, "GB"),
        P("12/25/2027", {WED: "2027-12-25"}),
        P("25/12", {WED: "2026-12-25"}, "GB"),
        P("12/10", {WED: "2026-12-10"}),
        P("12/10", {WED: "past 2026-10-12"}, "GB"),
        P("1/15", {WED: "2027-01-15"}),
        P("15/1", {WED: "2027-01-15"}, "GB"),
        P("the 14th of March at 2", {WED: "2027-03-14 14:00"}),
        P("Friday the 11th", {WED: "2026-12-11"}),
        P("Monday the 14th", {WED: "2026-12-14"}),
        P("Thursday December 10th", {WED: "2026-12-10"}),
        P("Saturday the 12th", {WED: "2026-12-12"}),
        P("Friday the 18th of December", {WED: "2026-12-18"}),
        P("Friday the 4th", {WED: "2026-12-04"}),
        P("March 3rd, 2027", {WED: "2027-03-03"}),
        P("the 4th of January", {WED: "2027-01-04", DEC31: "2027-01-04"}),
        P("Jan 4th", {WED: "2027-01-04"}),
        P("the twenty-third", {WED: "2026-12-23"}),
        P("December the twenty-third", {WED: "2026-12-23"}),
        P("the twenty first of January", {WED: "2027-01-21"}),
        P("December 24th", {WED: "2026-12-24"}),
        P("24 December", {WED: "2026-12-24"}, "GB"),
        P("12/24", {WED: "2026-12-24"}),
        P("24/12", {WED: "2026-12-24"}, "GB"),
        P("January 2nd", {DEC31: "2027-01-02", DEC30: "2027-01-02"}),
        P("on the 4th", {DEC31: "2027-01-04", WED: "2026-12-04"}),
        P("the fifteenth", {WED: "2026-12-15"}),
        P("the twenty-eighth", {WED: "2026-12-28", DEC30: "2027-01-28"}),
        P("January the 8th", {WED: "2027-01-08"}),
        P("the 8th of Jan", {WED: "2027-01-08"}, "GB"),
        P("1/8", {WED: "2027-01-08"}),
        P("1/8", {WED: "2027-08-01"}, "GB"),
        P("April 1st, 2027", {WED: "2027-04-01"}),
        P("25/12/2027", {WED: "2027-12-25"}, "GB"),
        P("April 20th", {SPRING: "2027-04-20"}),
        P("on the 20th", {SPRING: "2027-03-20"}),
        P("on the 16th", {SPRING: "2027-03-16"}),
        P("the 15th", {SPRING: "2027-04-15", WED: "2026-12-15"}),
        P("March 31st", {SPRING: "2027-03-31"}),
        P("the 1st of December", {WED: "past 2026-12-01"}),
        P("Nov 30th", {WED: "past 2026-11-30"}),
        P("December 28th", {DEC31: "past 2026-12-28"}),
        P("March 3rd at noon", {WED: "2027-03-03 12:00"}),
        P("12/11", {WED: "past 2026-11-12"}, "GB"),
        P("5/6", {WED: "2027-06-05"}, "GB"),
        P("Thursday the 17th", {WED: "2026-12-17"}),
        P("Sunday the 13th", {WED: "2026-12-13"}),
    ),
    # Holidays of the business's country: the next occurrence on or after today.
    *_group(
        "holiday",
        P("Christmas", {WED: "2026-12-25", NOV30: "2026-12-25", DEC31: "2027-12-25",
                        SPRING: "2027-12-25"}),
        P("Christmas Day", {DEC30: "2027-12-25", WED: "2026-12-25"}),
        P("Christmas Eve", {WED: "2026-12-24", DEC30: "2027-12-24", SPRING: "2027-12-24"}),
        P("New Year's Day", {WED: "2027-01-01", DEC31: "2027-01-01", SPRING: "2028-01-01"}),
        P("New Year's Eve", {WED: "2026-12-31", DEC31: "2026-12-31", SPRING: "2027-12-31"}),
        P("Thanksgiving", {WED: "2027-11-25", NOV30: "2027-11-25", SPRING: "2027-11-25"}),
        P("the day after Thanksgiving", {WED: "2027-11-26"}),
        P("the Friday after Thanksgiving", {WED: "2027-11-26"}),
        P("Memorial Day", {WED: "2027-05-31", SPRING: "2027-05-31"}),
        P("the Monday before Memorial Day", {WED: "2027-05-24"}),
        P("Labor Day", {WED: "2027-09-06", SPRING: "2027-09-06"}),
        P("Independence Day", {WED: "2027-07-04"}),
        P("the Fourth of July", {WED: "2027-07-04"}),
        P("July 4th", {SPRING: "2027-07-04"}),
        P("Juneteenth", {WED: "2027-06-19"}),
        P("Veterans Day", {WED: "2027-11-11"}),
        P("Martin Luther King Day", {WED: "2027-01-18", SPRING: "2028-01-17"}),
        P("MLK Day", {WED: "2027-01-18"}),
        P("Presidents' Day", {WED: "2027-02-15", SPRING: "2028-02-21"}),
        P("Columbus Day", {WED: "2027-10-11"}),
        P("the day after Memorial Day", {WED: "2027-06-01"}),
        P("the Tuesday after Labor Day", {WED: "2027-09-07"}),
        P("Christmas Eve at 9", {WED: "2026-12-24 09:00"}),
        P("Boxing Day", {WED: "2026-12-26", DEC31: "2027-12-26"}, "GB"),
        P("Easter Monday", {WED: "2027-03-29", SPRING: "2027-03-29"}, "GB"),
        P("Good Friday", {SPRING: "2027-03-26", WED: "2027-03-26"}, "GB"),
        P("the early May bank holiday", {WED: "2027-05-03"}, "GB"),
        P("the August bank holiday", {WED: "2027-08-30"}, "GB"),
        P("the spring bank holiday", {SPRING: "2027-05-31"}, "GB"),
        P("the day after Boxing Day", {WED: "2026-12-27"}, "GB"),
        P("Christmas Eve", {WED: "2026-12-24"}, "GB"),
        P("New Year's Day", {DEC31: "2027-01-01"}, "GB"),
        P("the late May bank holiday", {WED: "2027-05-31"}, "GB"),
    ),
    # A day with a clock time: 1-7 alone are afternoon, 8-11 morning.
    *_group(
        "day and time",
        P("Friday at 3", {WED: "2026-12-04 15:00"}),
        P("tomorrow at ten to five", {WED: "2026-12-03 16:50"}),
        P("Monday at five past three", {WED: "2026-12-07 15:05"}),
        P("Thursday at twenty past two", {WED: "2026-12-03 14:20"}),
        P("tomorrow at quarter to 5", {WED: "2026-12-03 16:45"}),
        P("the 14th at 13:45", {WED: "2026-12-14 13:45"}),
        P("Monday at 2:30", {FRI: "2026-12-07 14:30"}),
        P("Thursday at noon", {WED: "2026-12-03 12:00"}),
        P("tomorrow at 4", {DEC31: "2027-01-01 16:00"}),
        P("a week from today at 2", {WED: "2026-12-09 14:00"}),
        P("next Monday at 9:30", {WED: "2026-12-07 09:30"}),
        P("tomorrow at 8", {WED: "2026-12-03 08:00"}),
        P("Friday at 10 in the morning", {WED: "2026-12-04 10:00"}),
        P("Wednesday at half past ten", {SPRING: "2027-03-17 10:30"}),
        P("quarter past four on Friday", {WED: "2026-12-04 16:15"}),
        P("Thursday at ten past 3", {WED: "2026-12-03 15:10"}),
        P("next Thursday at twenty to four", {WED: "2026-12-03 15:40"}),
    ),
    # Days gone by: flagged past, never silently moved forward.
    *_group(
        "past",
        P("yesterday", {WED: "past 2026-12-01", DEC31: "past 2026-12-30"}),
        P("last Friday", {WED: "past 2026-11-27", FRI: "past 2026-11-27"}),
        P("last Monday", {MON: "past 2026-11-30"}),
        P("last Tuesday", {SPRING: "past 2027-03-09"}),
        P("a week ago", {WED: "past 2026-11-25"}),
        P("two days ago", {DEC31: "past 2026-12-29"}),
        P("the day before yesterday", {WED: "past 2026-11-30"}),
        P("three weeks ago", {WED: "past 2026-11-11"}),
        P("a fortnight ago", {WED: "past 2026-11-18"}, "GB"),
    ),
    # Words that look like a day but cannot be read: the resolver must ask.
    *_group(
        "ask",
        P("the day after the conference", {WED: "ask"}),
        P("the Tuesday after my surgery", {WED: "ask", SPRING: "ask"}),
        P("sometime around my birthday", {WED: "ask"}),
        P("two days after payday", {WED: "ask"}),
        P("the week of the 35th", {WED: "ask"}),
        P("the thirty-first", {NOV30: "ask"}),
        P("February 30th", {WED: "ask"}),
        P("Tuesday the 10th", {WED: "ask"}),
        P("next weekend", {MON: "ask", WED: "ask", DEC31: "ask"}),
        P("the fortieth", {WED: "ask"}),
        P("the 5th Monday of February", {WED: "ask"}),
        P("the fifth Friday in December", {WED: "ask"}),
        P("Monday December 15th", {WED: "ask"}),
        P("the 32nd", {WED: "ask"}),
        P("April 31st", {WED: "ask"}),
        P("the day after the wedding", {FRI: "ask"}),
        P("the Friday after the school play", {WED: "ask"}),
        P("the Monday after my husband gets back", {WED: "ask"}),
        P("the week after the funeral", {WED: "ask"}),
        P("the day before my flight", {SUN: "ask"}),
        P("two weeks after the kids go back to school", {WED: "ask"}),
        P("February 29th", {WED: "ask"}),
        P("the thirtieth of February", {WED: "ask"}),
        P("the Thursday after the holidays", {WED: "ask"}),
        P("Wednesday the 3rd", {WED: "ask"}),
        P("the 31st of June", {WED: "ask"}),
        P("the 29th of February", {WED: "ask"}, "GB"),
        P("the Monday after spring break", {SPRING: "ask"}),
        P("the Monday after the Christmas party", {WED: "ask"}),
        P("the August bank holiday", {WED: "ask"}),
        P("Thanksgiving", {WED: "ask"}, "GB"),
        P("the Tuesday after the Christmas party", {WED: "ask"}),
        P("the Friday after the office party", {WED: "ask"}),
        P("the day after my mom's birthday", {WED: "ask"}),
        P("the Thursday after the wedding", {WED: "ask"}),
        P("the week after the trip", {WED: "ask"}),
        P("the thirty-second", {WED: "ask"}),
        P("June 31st", {WED: "ask"}),
        P("the twenty-ninth of February", {WED: "ask"}),
        P("Friday the 12th", {WED: "ask"}),
        P("Memorial Day", {WED: "ask"}, "GB"),
        P("Labor Day", {WED: "ask"}, "GB"),
    ),
    # Numbers and ordinals that are not days: no day, and no ask needed.
    *_group(
        "not a day",
        P("I live on 3rd Street", {WED: "none"}),
        P("my son is in 2nd grade", {WED: "none"}),
        P("the first one", {WED: "none"}),
        P("the first available", {WED: "none"}),
        P("I'll take the second option", {WED: "none"}),
        P("a 30 minute appointment", {WED: "none"}),
        P("an afternoon 2 appointment", {WED: "none 14:00"}),
        P("I've been waiting 2 weeks for a call back", {WED: "none"}),
        P("my apartment is on the 5th floor", {WED: "none"}),
        P("it's for 2 people", {WED: "none"}),
        P("I'm 45 years old", {WED: "none"}),
        P("my zip code is 90210", {WED: "none"}),
        P("I have 3 kids", {WED: "none"}),
        P("suite 300", {WED: "none"}),
        P("I work on 5th Avenue", {WED: "none"}),
        P("a 45 minute cleaning", {WED: "none"}),
        P("I need 2 crowns", {WED: "none"}),
        P("number 4 on the list", {WED: "none"}),
        P("the last one", {WED: "none"}),
        P("I'm calling for the third time", {WED: "none"}),
        P("I've had this toothache for 3 days", {WED: "none"}),
        P("I'd like to book my first visit", {WED: "none"}),
        P("an evening 6 appointment", {WED: "none 18:00"}),
        P("a morning 9 appointment", {WED: "none 09:00"}),
        P("I live on 2nd Avenue", {WED: "none"}),
        P("my kid is in 3rd grade", {WED: "none"}),
        P("the second available", {WED: "none"}),
    ),
    # Found while trying new wordings: each was a silent misread once.
    *_group(
        "combined",
        P("anything the week after next on Wednesday", {WED: "2026-12-16", SUN: "2026-12-16"}),
        P("next month on the 5th", {WED: "2027-01-05", SPRING: "2027-04-05"}),
        P("in January on the 8th", {WED: "2027-01-08"}),
        P("the week of the 14th", {WED: "2026-12-14..2026-12-20"}),
        P("the Friday after this one", {WED: "2026-12-11", MON: "2026-12-18"}),
        P("two Fridays from now", {WED: "2026-12-11", FRI: "2026-12-18"}),
        P("after Tuesday", {WED: "2026-12-09..2026-12-15"}),
        P("sometime after the 15th", {WED: "2026-12-16..2026-12-22"}),
        P("before Christmas", {WED: "2026-12-02..2026-12-24"}),
        P("after the weekend", {WED: "2026-12-07..2026-12-13", SUN: "2026-12-07..2026-12-13"}),
        P("the last week of January", {WED: "2027-01-25..2027-01-31"}),
        P("the 2nd week of January", {WED: "2027-01-08..2027-01-14"}),
        P("Tuesday fortnight", {WED: "2026-12-22"}),
        P("the 1st of the month", {WED: "2027-01-01", NOV30: "2026-12-01"}),
        P("put me down for Memorial Day weekend", {WED: "2027-05-29..2027-05-31"}),
        P("Labor Day weekend", {WED: "2027-09-04..2027-09-06"}),
        P("tomorrow Friday", {WED: "ask"}),
        P("on Easter Monday", {WED: "ask"}),
        P("not this Friday but next", {WED: "ask"}),
        P("midweek", {WED: "ask"}),
        P("the next day", {WED: "ask"}),
        P("Christmas week", {WED: "ask"}),
    ),
]
# fmt: on


def cases() -> list[Case]:
    """Flatten the table into one case per phrase, region and said-on day."""
    return [
        Case(phrase.text, now, phrase.region, parse(spec), phrase.kind)
        for phrase in PHRASES
        for now, spec in phrase.readings.items()
    ]
