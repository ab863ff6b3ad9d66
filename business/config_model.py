"""The business file's shape: each key, its type and its limits, checked by pydantic.

What one value alone can get wrong is caught here (a negative duration, an unknown
timezone, a country the holidays library lacks); what needs two values (a service naming
staff nobody listed) is `business.config_checks`. Unknown keys are refused, so a typo is
an error rather than a setting silently left at its default.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import date, timedelta
from typing import Annotated, Any, Literal

import holidays as public_holidays
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from business.config_hours import parse_days, parse_window

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_RUN_OF_DAYS = re.compile(r"^\s*(\S+)\s+to\s+(\S+)\s*$")
_LONGEST_RUN = 366


def _text(value: Any) -> Any:
    """Refuse an empty value with a sentence rather than pydantic's 'must be text'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("is empty; give a value or leave the key out")
    return value.strip() if isinstance(value, str) else value


def _one_or_many(value: Any) -> Any:
    """Take `staff: Sam` as `staff: [Sam]`: one item needs no list."""
    return [value] if isinstance(value, str) else value


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"{value!r} is not an id; use lowercase letters, digits and '-', e.g. 'cut-and-colour'"
        )
    return value


def _days(value: str) -> str:
    parse_days(value)
    return value


def _window(value: Any) -> Any:
    if value is None:
        raise ValueError("give the hours, e.g. '09:00-17:00', or 'closed'")
    parse_window(str(value))
    return value


def _run_of_days(value: Any) -> tuple[date, ...]:
    """Read "2026-12-24" or "2026-12-24 to 2026-12-31" (both days included)."""
    text = str(_text(value))
    match = _RUN_OF_DAYS.match(text)
    try:
        first, last = (
            (date.fromisoformat(match[1]), date.fromisoformat(match[2]))
            if match
            else (date.fromisoformat(text),) * 2
        )
    except ValueError:
        raise ValueError(
            f"cannot read the date {text!r}; write 2026-12-24, or 2026-12-24 to 2026-12-31"
        ) from None
    if not first <= last <= first + timedelta(days=_LONGEST_RUN):
        raise ValueError(f"{text!r} must run forward, and for at most a year")
    return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))


Text = Annotated[str, BeforeValidator(_text)]
Id = Annotated[str, BeforeValidator(_text), AfterValidator(_slug)]
Days = Annotated[str, BeforeValidator(_text), AfterValidator(_days)]
WindowText = Annotated[str, BeforeValidator(_window)]
Hours = dict[Days, WindowText]
"""{"mon-fri": "09:00-17:00", "sat": "10:00-14:00"}: a day not named is closed."""
Dates = Annotated[
    list[Annotated[tuple[date, ...], BeforeValidator(_run_of_days)]],
    BeforeValidator(_one_or_many),
]
Names = Annotated[list[Text], BeforeValidator(_one_or_many)]
Minutes = Annotated[int, Field(gt=0, le=24 * 60)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HolidaysEntry(_Entry):
    """`holidays: {country: US, subdivision: CA}`: the public holidays that close the business."""

    country: Text
    subdivision: Text | None = None

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        code = value.upper()
        if code not in public_holidays.list_supported_countries():
            raise ValueError(
                f"{value!r} is not a country the holidays library knows; write its ISO code,"
                " e.g. US, CA, GB, DE, FR, AU"
            )
        return code

    @field_validator("subdivision")
    @classmethod
    def _known_subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        country = info.data.get("country")
        if value is None or country is None:  # a wrong country is said once, on its line
            return value
        codes = public_holidays.list_supported_countries()[country]
        names = public_holidays.country_holidays(country).subdivisions_aliases
        by_word = {c.upper(): c for c in codes} | {n.upper(): c for n, c in names.items()}
        if value.upper() in by_word:
            return by_word[value.upper()]
        close = difflib.get_close_matches(value.upper(), by_word, n=1)
        hint = f"did you mean {by_word[close[0]]!r}?" if close else f"known: {', '.join(codes)}"
        if not codes:
            hint = "leave it out: the library has none for this country"
        raise ValueError(f"{value!r} is not a subdivision of {country} ({hint})")


class ServiceEntry(_Entry):
    """One thing callers book."""

    name: Text
    id: Id | None = None
    duration: Minutes
    buffer: Annotated[int, Field(ge=0, le=24 * 60)] = 0
    price: Annotated[float, Field(ge=0)] | None = None
    staff: Names | None = None
    aliases: Names = []


class StaffEntry(_Entry):
    """One person, or room, whose time is booked."""

    name: Text
    id: Id | None = None
    hours: Hours | None = None
    days_off: Dates = []
    kind: Literal["person", "room"] = "person"
    aliases: Names = []


class BusinessFile(_Entry):
    """The whole file; keys left out take the defaults of `BusinessCalendar`."""

    name: Text = ""
    timezone: Text
    hours: Hours
    slot_minutes: Minutes = 30
    lead_minutes: Annotated[int, Field(ge=0)] = 60
    horizon_days: Annotated[int, Field(ge=1, le=3660)] = 60
    max_upcoming: Annotated[int, Field(ge=1, le=1000)] = 5
    closures: Dates = []
    holidays: HolidaysEntry | None = None
    services: list[ServiceEntry] = []
    staff: list[StaffEntry] = []
    default_service: Text | None = None
    auto_complete: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(value, zoneinfo.available_timezones(), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "e.g. America/New_York"
            raise ValueError(f"{value!r} is not an IANA timezone ({hint})") from None
        return value


KNOWN_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {
    (): tuple(BusinessFile.model_fields),
    ("holidays",): tuple(HolidaysEntry.model_fields),
    ("services",): tuple(ServiceEntry.model_fields),
    ("staff",): tuple(StaffEntry.model_fields),
}
"""The keys each part of the file takes, for the hint after an unknown one."""
