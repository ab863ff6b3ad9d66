"""Services, staff and the visit's reason, heard in the business's own words."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from business.calendar import BusinessCalendar, Service, Staff
from business.slot_query import ANYONE
from graph.understanding import Expecting, Understanding
from nodes.understanding.offerings import Vocabulary
from nodes.understanding.rules import RuleUnderstander

NOW = datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("America/New_York"))
SALON = BusinessCalendar(
    services=(
        Service(id="haircut", name="haircut", duration_min=30, aliases=("trim", "cut")),
        Service(id="colour", name="cut and colour", duration_min=90, aliases=("color",)),
        Service(id="consult", name="consultation", duration_min=60),
    ),
    staff=(
        Staff(id="maria", name="Maria Lopez"),
        Staff(id="patel", name="Dr. Patel", aliases=("Raj",)),
    ),
)
RULES = RuleUnderstander(Vocabulary.of(SALON))


def hear(text: str, expecting: Expecting = "request") -> Understanding:
    return RULES.understand(text, expecting=expecting, now=NOW, region="US")


@pytest.mark.parametrize(
    ("said", "service", "staff"),
    [
        ("a haircut with Maria for an hour", "haircut", "maria"),
        ("can I get a cut and colour with maria on Tuesday", "colour", "maria"),
        ("I'd like a color please", "colour", None),
        ("two haircuts", "haircut", None),
        ("is Dr Patel free Thursday for a consultation", "consult", "patel"),
        ("can I see Raj", None, "patel"),
        ("a trim with Maria Lopez", "haircut", "maria"),
        ("whoever is free on Thursday", None, ANYONE),
        ("I don't mind who", None, ANYONE),
        ("with Maria, actually no, anyone is fine", None, ANYONE),
        ("book me Thursday at 2", None, None),
    ],
)
def test_services_and_people_are_heard_in_the_business_words(
    said: str, service: str | None, staff: str | None
) -> None:
    when = hear(said).when
    assert (when.service, when.staff) == (service, staff)


def test_a_longer_service_name_wins_over_the_shorter_one_inside_it() -> None:
    assert hear("a cut and colour").when.service == "colour"
    assert hear("just a cut").when.service == "haircut"


def test_a_caller_introducing_themselves_is_not_asking_for_a_stylist() -> None:
    assert hear("hi, this is Maria").when.staff is None
    assert hear("my name is Maria", "name").when.staff is None
    assert hear("Maria", "name").name == "Maria"
    assert hear("Maria", "name").when.staff is None


def test_a_service_or_person_alone_makes_a_booking_wish() -> None:
    reading = hear("a haircut with Maria")
    assert reading.understood and not reading.when.is_empty()
    assert reading.when.day is None and not reading.when.has_day


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("I need an appointment for a toothache", "a toothache"),
        ("my tooth hurts, can I come in Friday", "my tooth hurts"),
        ("can I book an appointment for my back pain please", "my back pain"),
        ("I'd like to come in regarding a rash on my arm", "a rash"),
        ("I have a toothache. Find me a dentist in Antioch.", "a toothache"),
        ("I'm looking for a salon in Redwood City", None),
        ("How about the humidity and wind?", None),
        ("Thanks for the info.", None),
        ("I need to book an appointment for the salon.", None),
        ("May I have a number for them?", None),
        ("When do I have some free time?", None),
        ("can I come in Tuesday at 10, I have a toothache", "a toothache"),
        ("I've got a chipped tooth, anything tomorrow?", "a chipped tooth"),
        ("I have a meeting at 2 so can we do 4", None),
        ("I have a question about my bill", None),
        ("I have to move my appointment", None),
        ("book me for tomorrow at 3", None),
        ("can I book for my son next week", None),
        ("an appointment for an hour on Friday", None),
        ("a haircut for Thursday with Maria", None),
        ("for a cut and colour", None),
        ("I'm calling about my appointment", None),
        ("is there anything for the afternoon", None),
    ],
)
def test_the_reason_for_a_visit_is_kept_in_the_caller_words(said: str, reason: str) -> None:
    assert hear(said).reason == reason


def test_a_business_with_nothing_configured_hears_no_service_or_person() -> None:
    plain = RuleUnderstander()
    reading = plain.understand("a haircut with Maria", expecting="request", now=NOW, region="US")
    assert (reading.when.service, reading.when.staff) == (None, None)
    assert reading.when.is_empty()


def test_times_are_still_read_around_the_names() -> None:
    when = hear("a consultation with Dr Patel on Tuesday at half past 2").when
    assert (when.service, when.staff, when.at) == ("consult", "patel", time(14, 30))
