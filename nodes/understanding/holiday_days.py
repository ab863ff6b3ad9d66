"""Holidays by name → dates, from the maintained `holidays` library, for the business's country.

The library knows each country's holidays and their dates (Thanksgiving, Easter, bank
holidays); we only add how callers say them: a name without its "Day" ("Christmas",
"Thanksgiving"), a few well-known short forms ("MLK Day", "Presidents' Day", "the August
bank holiday"), and "<holiday> eve" as the day before. A holiday means its next
occurrence on or after today; "(observed)" weekdays are not what a caller names.

Holiday names of a few other English-speaking countries are kept as a second list: a
caller in the US who says "Boxing Day" named a day we do not resolve here, so the reading
is uncertain and asked about (`nodes.understanding.doubt`), never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays

SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "Christmas Day": ("christmas", "xmas"),
    "Thanksgiving Day": ("thanksgiving",),
    "New Year's Day": ("new year", "new years", "new year's"),
    "Easter Sunday": ("easter",),
    "Washington's Birthday": ("presidents day", "president's day", "presidents' day"),
    "Martin Luther King Jr. Day": ("mlk day", "martin luther king day", "mlk"),
    "Juneteenth National Independence Day": ("juneteenth",),
    "Independence Day": ("the 4th of july", "july 4th", "4th of july"),
    "Saint Patrick's Day": ("st patrick's day", "st patricks day", "paddy's day"),
    "Late Summer Bank Holiday": ("august bank holiday", "summer bank holiday"),
    "May Day": ("early may bank holiday", "may bank holiday"),
    "Spring Bank Holiday": ("late may bank holiday", "whitsun bank holiday"),
}
"""Spoken short forms of library names; dates always come from the library."""

_SUBDIVISIONS = {"GB": "ENG", "UK": "ENG"}
"""The nationwide subdivision whose bank holidays a caller means (England's for the UK)."""

_NOT_THE_DAY = (
    r"(?:party|parties|dinner|lunch|break|holidays?|shopping|sales?|vacation|rush|week|season"
    r"|market|concert|show|period|trip|tree|card|present|gift)"
)
"""A holiday's name before one of these is an event around it, not the day itself."""

_OTHER_COUNTRIES = ("US", "GB", "CA", "AU", "IE", "NZ", "IN")


@dataclass(frozen=True)
class HolidayBook:
    """The spoken holiday names of one country, and those of others we cannot place."""

    pattern: re.Pattern[str]
    """Matches a name said in normalised text; group "name", "eve" for the day before,
    "weekend" for the long weekend around it."""
    mention: re.Pattern[str]
    """Matches any of the names, also where they are not the day ("the Christmas party")."""
    names: dict[str, str]
    """`key` of a spoken form → the library's name."""


def _spoken(name: str) -> list[str]:
    """Return the normalised ways a library name is said ("New Year's Day" → "new year's day")."""
    base = re.sub(r"\s*\(.*?\)", "", name).lower().replace(".", "").replace(",", "")
    forms = {base, base.replace("saint ", "st ")}
    if base.endswith(" day") and len(base.split()) >= 2:
        forms.add(base.replace("'s day", "s day"))
    return sorted(forms)


def _form_regex(form: str) -> str:
    """A spoken form as a regex: apostrophes optional, "'s" optional on a possessive."""
    words = re.escape(form).replace(r"\ ", " ").split("'s")
    return "(?:'?s)?".join(part.replace("'", "'?") for part in words)


@cache
def _calendar(region: str, year: int) -> tuple[tuple[date, frozenset[str]], ...]:
    """Return `region`'s holidays of `year` and the next, each day with its names, in order."""
    code = "GB" if region.upper() == "UK" else region.upper()
    subdiv = _SUBDIVISIONS.get(code)
    try:
        categories = tuple(holidays.country_holidays(code, subdiv=subdiv).supported_categories)
        book = holidays.country_holidays(
            code, subdiv=subdiv, years=[year, year + 1], categories=categories
        )
    except NotImplementedError:  # a region the library does not know: no holidays by name
        return ()
    return tuple(
        (day, frozenset(part.strip() for part in joined.split(";")))
        for day, joined in sorted(book.items())
    )


def _library_names(region: str, year: int) -> set[str]:
    return {name for _, names in _calendar(region, year) for name in names}


def key(said: str) -> str:
    """Return a matching key that ignores apostrophes and plural or possessive s."""
    return " ".join(word.replace("'", "").rstrip("s") for word in said.split())


@cache
def holiday_book(region: str, year: int) -> HolidayBook:
    """Return the spoken names of `region`'s holidays (cached per region and year)."""
    forms: set[tuple[str, str]] = set()
    for name in _library_names(region, year):
        if "(observed)" in name:
            continue
        forms.update((form, name) for form in (*_spoken(name), *SHORT_FORMS.get(name, ())))
    names = {key(form): name for form, name in sorted(forms, reverse=True)}
    spoken = sorted({form for form, _ in forms}, key=len, reverse=True)
    alternatives = "|".join(_form_regex(form) for form in spoken)
    pattern = re.compile(
        rf"\b(?:the )?(?P<name>{alternatives})(?P<eve>(?:'?s)? eve)?(?P<weekend> weekend)?\b"
        rf"(?! {_NOT_THE_DAY}\b)"
    )
    mention = re.compile(rf"\b(?:{alternatives})\b")
    return HolidayBook(pattern=pattern, mention=mention, names=names)


@cache
def foreign_names(region: str, year: int) -> re.Pattern[str]:
    """Return a regex of other countries' holiday names that `region` does not resolve."""
    own = set(holiday_book(region, year).names)
    forms: set[str] = set()
    for country in _OTHER_COUNTRIES:
        for name in _library_names(country, year):
            spoken = (*_spoken(name), *SHORT_FORMS.get(name, ()))
            forms.update(f for f in spoken if key(f) not in own and len(f) > 3)
    # Feasts whose dates the library gives only for countries we do not load.
    forms.update(("diwali", "hanukkah", "chanukah", "eid", "ramadan", "passover", "yom kippur"))
    forms.update(("rosh hashanah", "lunar new year", "chinese new year", "boxing day"))
    forms = {form for form in forms if key(form) not in own}
    alternatives = "|".join(_form_regex(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


def next_holiday(name: str, today: date, region: str, *, eve: bool = False) -> date | None:
    """Return the next day on or after `today` that is `name` (or its eve)."""
    shift = timedelta(days=1 if eve else 0)
    for day, names in _calendar(region, today.year):
        if name in names and day - shift >= today:
            return day - shift
    return None
