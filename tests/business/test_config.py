"""The business file: what a valid one builds, and each mistake named on its line."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from business.calendar import BusinessCalendar, Service, Staff
from business.config import BusinessFileError, load_business, parse_business

ROOT = Path(__file__).resolve().parents[2]

SALON = """\
name: Cut Above
timezone: Europe/London
hours:
  tue-fri: "09:00-18:00"
  sat: "09:00-14:00"
  sun: closed
slot_minutes: 15
lead_minutes: 30
horizon_days: 21
max_upcoming: 2
closures:
  - 2026-12-24
  - 2026-12-29 to 2026-12-31
holidays: {country: GB, subdivision: ENG}
services:
  - name: Cut and blow-dry
    id: cut
    duration: 45
    buffer: 15
    price: 38.5
    aliases: [haircut, trim]
  - name: Colour
    duration: 90
    staff: [Jo]
default_service: haircut
staff:
  - name: Jo Baker
    id: jo
    aliases: [Jo]
    hours:
      tue-fri: "10:00-18:00"
    days_off: [2026-12-01]
  - name: Chair 2
    kind: room
auto_complete: yes
"""


def problems(text: str) -> tuple[str, ...]:
    """Return every sentence a broken file gets (the test fails if it is valid)."""
    with pytest.raises(BusinessFileError) as refused:
        parse_business(text, source="business.yaml")
    assert str(refused.value) == refused.value.problems[0]
    return refused.value.problems


def test_a_valid_file_builds_its_calendar() -> None:
    """Every key lands in the calendar; ids come from names, staff are named by alias."""
    days = {day: (time(9), time(18)) for day in range(1, 5)} | {5: (time(9), time(14))}
    assert parse_business(SALON, source="salon.yaml") == BusinessCalendar(
        timezone="Europe/London",
        hours=days,
        slot_minutes=15,
        closures=frozenset({date(2026, 12, 24), *(date(2026, 12, d) for d in (29, 30, 31))}),
        holiday_country="GB",
        holiday_subdivision="ENG",
        min_lead_minutes=30,
        horizon_days=21,
        max_upcoming=2,
        services=(
            Service(
                id="cut",
                name="Cut and blow-dry",
                duration_min=45,
                buffer_min=15,
                price=38.5,
                aliases=("haircut", "trim"),
            ),
            Service(id="colour", name="Colour", duration_min=90, staff=("jo",)),
        ),
        staff=(
            Staff(
                id="jo",
                name="Jo Baker",
                hours={day: (time(10), time(18)) for day in range(1, 5)},
                days_off=frozenset({date(2026, 12, 1)}),
                aliases=("Jo",),
            ),
            Staff(id="chair-2", name="Chair 2", kind="room"),
        ),
        default_service="cut",
        name="Cut Above",
        auto_complete=True,
    )


def test_keys_left_out_keep_the_calendars_defaults() -> None:
    """Only timezone and hours are required; the rest is the single-calendar agent's."""
    cal = parse_business(
        'timezone: America/Chicago\nhours:\n  mon-fri: "08:00-16:00"\n', source="b.yaml"
    )
    assert cal == BusinessCalendar(
        timezone="America/Chicago", hours={d: (time(8), time(16)) for d in range(5)}
    )


def test_the_example_file_loads() -> None:
    """business.example.yaml stays valid: three services, three staff, US holidays."""
    cal = load_business(ROOT / "business.example.yaml")
    assert [s.id for s in cal.services] == ["cleaning", "filling", "consultation"]
    assert [p.id for p in cal.staff] == ["patel", "kim", "sam"]
    assert cal.service(None).id == "cleaning"
    assert any(s.duration_min >= 60 and s.buffer_min for s in cal.services)
    assert cal.holiday_country == "US"


def test_public_holidays_close_the_business() -> None:
    """Thanksgiving 2026 closes a US business, and its staff, the whole day."""
    cal = load_business(ROOT / "business.example.yaml")
    thanksgiving = date(2026, 11, 26)
    assert cal.holiday(thanksgiving) == "Thanksgiving Day"
    assert cal.opening(thanksgiving) is None
    assert all(cal.staff_opening(person, thanksgiving) is None for person in cal.staff)
    assert cal.opening(date(2026, 11, 25)) == (time(8), time(17))


def test_yaml_11_surprises_do_not_reach_the_calendar() -> None:
    """`country: NO` is Norway, not false; unquoted hours are not sexagesimal numbers."""
    cal = parse_business(
        "timezone: Europe/Oslo\nhours:\n  mon-fri: 09:00-17:00\nholidays:\n  country: NO\n",
        source="b.yaml",
    )
    assert cal.holiday_country == "NO" and cal.holiday(date(2026, 5, 17)) is not None
    assert cal.hours[0] == (time(9), time(17))


def test_one_item_needs_no_list_and_a_state_may_be_named() -> None:
    """`staff: Maria`, `days_off: 2026-12-01 to 2026-12-03` and `subdivision: California` do."""
    cal = parse_business(
        "timezone: America/Los_Angeles\nhours: {mon-fri: 09:00-17:00}\nclosures: 2026-12-25\n"
        "holidays: {country: us, subdivision: California}\n"
        "services:\n  - name: cut\n    duration: 30\n    staff: Maria\n    aliases: trim\n"
        "staff:\n  - name: Maria\n    days_off: 2026-12-01 to 2026-12-03\n",
        source="b.yaml",
    )
    assert cal.closures == {date(2026, 12, 25)}
    assert (cal.holiday_country, cal.holiday_subdivision) == ("US", "CA")
    assert cal.services[0].staff == ("maria",) and cal.services[0].aliases == ("trim",)
    assert cal.staff[0].days_off == {date(2026, 12, d) for d in (1, 2, 3)}


BASE = 'timezone: America/New_York\nhours:\n  mon-fri: "09:00-17:00"\n'
"""Three valid lines; each case below adds to it from line 4."""

SERVICES = "services:\n  - name: cut\n    duration: 30\n"
"""A valid services list, lines 4-6."""

STAFF = "staff:\n  - name: Maria\n    aliases: [Mari]\n  - name: Bo\n"
"""Two staff, lines 4-7."""


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        pytest.param(
            BASE + SERVICES + "  - name: colour\n    duration: 0\n",
            "business.yaml, line 8: services[1].duration: must be greater than 0",
            id="a value out of range",
        ),
        pytest.param(
            BASE + "slot_minuts: 15\n",
            "business.yaml, line 4: slot_minuts: unknown key (did you mean 'slot_minutes'?)",
            id="a misspelt key",
        ),
        pytest.param(
            BASE + "services:\n  - name: cut\n   duration: 30\n",
            "business.yaml, line 6: not valid YAML: the indentation of this line does not"
            " match the lines above it",
            id="a YAML syntax error",
        ),
        pytest.param(
            BASE + "slot_minutes: 15\nslot_minutes: 20\n",
            "business.yaml, line 5: slot_minutes: given twice (first on line 4)",
            id="a key given twice",
        ),
        pytest.param(
            BASE + "services:\n  - name: cut\n",
            "business.yaml, line 5: services[0]: duration is required",
            id="a required key left out",
        ),
        pytest.param(
            "timezone: America/New_Yrok\nhours: {mon: 09:00-12:00}\n",
            "business.yaml, line 1: timezone: 'America/New_Yrok' is not an IANA timezone"
            " (did you mean 'America/New_York'?)",
            id="an unknown timezone",
        ),
        pytest.param(
            BASE + "holidays:\n  country: UX\n",
            "business.yaml, line 5: holidays.country: 'UX' is not a country the holidays"
            " library knows; write its ISO code, e.g. US, CA, GB, DE, FR, AU",
            id="an unknown country",
        ),
        pytest.param(
            BASE + "holidays:\n  country: US\n  subdivision: Califonia\n",
            "business.yaml, line 6: holidays.subdivision: 'Califonia' is not a subdivision"
            " of US (did you mean 'CA'?)",
            id="an unknown state",
        ),
        pytest.param(
            BASE + "hours:\n",
            "business.yaml, line 4: hours: given twice (first on line 2)",
            id="hours given twice",
        ),
        pytest.param(
            BASE.replace('"09:00-17:00"', "9-5"),
            "business.yaml, line 3: hours.mon-fri: cannot read the hours '9-5'; write e.g."
            " '09:00-17:00' (24-hour clock) or 'closed'",
            id="unreadable hours",
        ),
        pytest.param(
            BASE + '  fri: "09:00-12:00"\n',
            "business.yaml, line 4: hours.fri: fri is already given by 'mon-fri'",
            id="a day given twice",
        ),
        pytest.param(
            BASE + "closures:\n  - 2026-12-25\n  - 2026-12-31 to 2026-12-01\n",
            "business.yaml, line 6: closures[1]: '2026-12-31 to 2026-12-01' must run"
            " forward, and for at most a year",
            id="a run of days backwards",
        ),
        pytest.param(
            BASE + SERVICES + "    price: $45\n",
            "business.yaml, line 7: services[0].price: must be a number, not '$45'",
            id="a price with a currency sign",
        ),
        pytest.param(
            BASE + "staff:\n  - name: Chair\n    kind: chair\n",
            "business.yaml, line 6: staff[0].kind: must be 'person' or 'room'",
            id="an unknown kind",
        ),
        pytest.param(
            BASE + STAFF + SERVICES + "    staff: [Mria]\n",
            "business.yaml, line 11: services[0].staff[0]: no staff member is called 'Mria'"
            " (did you mean 'Maria'?)",
            id="a service naming unknown staff",
        ),
        pytest.param(
            BASE + SERVICES + "    staff: [Maria]\n",
            "business.yaml, line 7: services[0].staff: names staff, but the file lists none",
            id="a service naming staff of a file with none",
        ),
        pytest.param(
            BASE + STAFF + SERVICES + "    staff: []\n",
            "business.yaml, line 11: services[0].staff: lists nobody; leave it out for everyone",
            id="a service nobody can do",
        ),
        pytest.param(
            BASE + SERVICES + "    aliases: [trim]\n  - name: Trim\n    duration: 20\n",
            "business.yaml, line 8: services[1].name: 'Trim' already names services[0] (cut);"
            " a word callers say must mean one thing",
            id="one word for two services",
        ),
        pytest.param(
            BASE + STAFF + "  - name: Maria\n",
            "business.yaml, line 8: staff[2].name: 'Maria' already names staff[0] (Maria);"
            " a word callers say must mean one thing",
            id="two staff of the same name",
        ),
        pytest.param(
            BASE + "services:\n  - name: day spa\n    duration: 600\n",
            "business.yaml, line 6: services[0].duration: 600 minutes is longer than the"
            " working day of anyone who does it (the longest is 480 minutes)",
            id="a service longer than any day",
        ),
        pytest.param(
            BASE + SERVICES + "default_service: colour\n",
            "business.yaml, line 7: default_service: no service is called 'colour'",
            id="an unknown default service",
        ),
        pytest.param(
            BASE + "staff:\n  - name: Maria\n    hours:\n      mon-fri: 08:00-17:00\n",
            "business.yaml, line 7: staff[0].hours.mon-fri: 08:00-17:00 runs outside the"
            " business's hours on mon (09:00-17:00)",
            id="staff working before opening",
        ),
        pytest.param(
            BASE + "staff:\n  - name: Maria\n    hours:\n      sat: 10:00-12:00\n",
            "business.yaml, line 7: staff[0].hours.sat: the business is closed on sat; add"
            " sat to its hours first",
            id="staff working a day the business is closed",
        ),
    ],
)
def test_each_mistake_names_its_line(text: str, sentence: str) -> None:
    """The sentence names the file, the line and the key, and says what to write instead."""
    assert problems(text) == (sentence,)


def test_every_problem_is_listed_in_the_files_order() -> None:
    """A file with several mistakes gets them all, top to bottom, the first one as the error."""
    found = problems(BASE + "lead_minutes: -5\nservices:\n  - name: cut\n    duraton: 30\n")
    assert found == (
        "business.yaml, line 4: lead_minutes: must be greater than or equal to 0",
        "business.yaml, line 6: services[0]: duration is required",
        "business.yaml, line 7: services[0].duraton: unknown key (did you mean 'duration'?)",
    )


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    """A path that is not there is named, not a traceback."""
    with pytest.raises(BusinessFileError, match=r"nowhere\.yaml: cannot read the business file"):
        load_business(tmp_path / "nowhere.yaml")


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("", "b.yaml, line 1: the file is empty"),
        ("- a\n- b\n", "b.yaml, line 1: the file must be 'key: value' lines (name, timezone,"
         " hours ...)"),
        ("name: x\n", "b.yaml, line 1: timezone is required"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_business_says_so(text: str, sentence: str) -> None:
    """An empty file, a list, or one missing the required keys is named on line 1."""
    with pytest.raises(BusinessFileError) as refused:
        parse_business(text, source="b.yaml")
    assert str(refused.value) == sentence
