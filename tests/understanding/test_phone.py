"""Phone number extraction: digit groupings, spelled digits, validity and false friends."""

from __future__ import annotations

import phonenumbers
import pytest

from nodes.understanding.phone import find_phone, scan_phone

CANONICAL = "+14155550123"


def test_canonical_example_is_valid() -> None:
    """Our scenario number 415 555 0123 is valid for region US per phonenumbers."""
    number = phonenumbers.parse("4155550123", "US")
    assert phonenumbers.is_valid_number(number)


@pytest.mark.parametrize(
    "text",
    [
        "415 555 0123",
        "(415) 555-0123",
        "+1 415-555-0123",
        "1 415 555 0123",
        "4155550123",
        "415.555.0123",
        "my number is 415 555 0123",
        "four one five five five five zero one two three",
        "four one five, five five five, oh one two three",
        "four one five double five five o one two three",
        "four fifteen, five five five, oh one twenty three",
        "oh, 415 555 0123",
        "friday at 3, 415 555 0123 thanks",
    ],
)
def test_valid_numbers(text: str) -> None:
    """Every grouping or spelling of the canonical number gives its E.164 form."""
    assert find_phone(text, region="US") == (CANONICAL, False)


def test_other_valid_number_and_international() -> None:
    """Another US number and a +44 number normalise to E.164."""
    assert find_phone("415 867 5309", region="US") == ("+14158675309", False)
    assert find_phone("+44 20 7946 0958", region="US") == ("+442079460958", False)


@pytest.mark.parametrize("text", ["555 0123", "123 456 7890", "my number is 123"])
def test_invalid_numbers_flagged(text: str) -> None:
    """Number-like but invalid input is flagged without a phone."""
    assert find_phone(text, region="US") == (None, True)


@pytest.mark.parametrize("text", ["123", "555 0123", "2026"])
def test_short_numbers_flagged_when_asked(text: str) -> None:
    """When we asked for the number, even a short digit run is an invalid attempt."""
    assert find_phone(text, region="US", expecting_phone=True) == (None, True)


@pytest.mark.parametrize(
    "text",
    [
        "at 3:30",
        "on 12/3",
        "the 13th at 3pm",
        "December 3rd 2026",
        "tomorrow at 3",
        "the second one",
        "123",
        "two people at ten thirty",
    ],
)
def test_not_phone_numbers(text: str) -> None:
    """Times, dates and small numbers are neither phones nor invalid phones."""
    assert find_phone(text, region="US") == (None, False)


@pytest.mark.parametrize("text", ["at 3:30", "12/3", "tomorrow at 3"])
def test_times_and_dates_ignored_when_asked(text: str) -> None:
    """Even when asked for a number, times and dates are not phone attempts."""
    assert find_phone(text, region="US", expecting_phone=True) == (None, False)


def test_span_covers_only_the_number() -> None:
    """The reported span is the valid number itself, not a time said just before it."""
    text = "friday at 3, 415 555 0123"
    scan = scan_phone(text, region="US")
    assert [text[start:end] for start, end in scan.spans] == ["415 555 0123"]
