"""The date cross-check as a pure function: what goes on, what is asked, and what is offered."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.understanding import When
from nodes.understanding.crosscheck import Reading, cross_check, model_reading

TODAY = date(2026, 11, 25)
WINDOW = (TODAY, TODAY + timedelta(days=69))
MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)


def day(d: date) -> Reading:
    """Return a model reading of one day."""
    return Reading(first=d, last=d, single=True)


def span(first: date, last: date) -> Reading:
    """Return a model reading of a span of days."""
    return Reading(first=first, last=last, single=False)


def test_agreement_keeps_the_rules_frame() -> None:
    """Both reading Monday goes on with the rules' frame, time and all."""
    rules = When(day=MONDAY, at=time(10))
    assert cross_check(rules, day(MONDAY), window=WINDOW, words="Monday") == rules


def test_spans_agree_on_the_days_left_in_the_calendar() -> None:
    """ "This week" as Monday to Sunday and as today to Sunday is the same request."""
    rules = When(day_from=TODAY, day_to=date(2026, 11, 29))
    model = span(date(2026, 11, 23), date(2026, 11, 29))
    assert cross_check(rules, model, window=WINDOW, words="this week") == rules


def test_a_disagreement_is_asked_with_no_guess() -> None:
    """Two different days: neither is trusted or offered, and the time said is kept."""
    rules = When(day=MONDAY, at=time(10))
    result = cross_check(rules, day(TUESDAY), window=WINDOW, words="Monday")
    assert result == When(at=time(10), ambiguous="Monday", guess=None)


def test_a_day_only_the_model_reads_is_offered() -> None:
    """Words the rules cannot read are asked about, with the model's day as the guess."""
    result = cross_check(When(at=time(10)), day(TUESDAY), window=WINDOW, words="Tuesday week")
    assert result == When(at=time(10), ambiguous="Tuesday week", guess=TUESDAY)


def test_a_span_only_the_model_reads_is_asked_with_no_guess() -> None:
    """A span has no single day to offer."""
    result = cross_check(When(), span(MONDAY, TUESDAY), window=WINDOW, words="early next week")
    assert (result.has_day, result.ambiguous, result.guess) == (False, "early next week", None)


def test_when_the_rules_are_unsure_the_model_only_suggests() -> None:
    """The rules' question stands; the model's day becomes the guess it offers."""
    rules = When(ambiguous="the 31st", at=time(10))
    assert cross_check(rules, day(TUESDAY), window=WINDOW, words="the 31st") == When(
        ambiguous="the 31st", at=time(10), guess=TUESDAY
    )
    assert cross_check(rules, None, window=WINDOW, words="the 31st") == rules


def test_unsure_rules_never_keep_a_day() -> None:
    """A frame the rules flag as unsure loses any day it carries, whatever the model says."""
    rules = When(day_from=date(2026, 12, 5), day_to=date(2026, 12, 6), ambiguous="next weekend")
    result = cross_check(rules, span(date(2026, 12, 5), date(2026, 12, 6)), window=WINDOW, words="")
    assert not result.has_day and result.ambiguous == "next weekend"


def test_a_day_only_the_rules_read_is_offered() -> None:
    """A model with no date cannot confirm the rules: their day is asked, as the guess."""
    result = cross_check(When(day=MONDAY), None, window=WINDOW, words="Monday")
    assert result == When(ambiguous="Monday", guess=MONDAY)
    ranged = cross_check(When(day_from=MONDAY, day_to=TUESDAY), None, window=WINDOW, words="x")
    assert (ranged.has_day, ranged.guess) == (False, None)


@pytest.mark.parametrize("off", [date(2026, 11, 20), date(2027, 3, 15)])
def test_a_rules_day_off_the_calendar_goes_on_to_be_refused(off: date) -> None:
    """A day gone by or past the horizon is left to the graph, which refuses it by its date."""
    rules = When(day=off, past=off < TODAY)
    assert cross_check(rules, None, window=WINDOW, words="then") == rules


def test_a_rules_day_off_the_calendar_against_a_model_day_is_asked() -> None:
    """The model reading a bookable day where the rules read a past one is a disagreement."""
    rules = When(day=date(2026, 11, 20), past=True)
    result = cross_check(rules, day(MONDAY), window=WINDOW, words="the 20th")
    assert result == When(ambiguous="the 20th", guess=None)


def test_nothing_read_by_either_is_nothing() -> None:
    """No day from anyone leaves the rules' frame (here, only a time) as it is."""
    assert cross_check(When(at=time(15)), None, window=WINDOW, words="at 3") == When(at=time(15))


def test_the_models_dates_are_parsed() -> None:
    """One ISO date is a single day; two are a span, clipped later, not refused, if begun."""
    assert model_reading("2026-11-30", None, None, window=WINDOW) == day(MONDAY)
    assert model_reading(None, "2026-11-23", "2026-11-29", window=WINDOW) == span(
        date(2026, 11, 23), date(2026, 11, 29)
    )
    assert model_reading(None, None, None, window=WINDOW) is None


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (("Monday", None, None), "not a YYYY-MM-DD date"),
        (("2026-11-31", None, None), "not a YYYY-MM-DD date"),
        (("20261130", None, None), "not a YYYY-MM-DD date"),
        (("2026-11-30", "2026-11-30", "2026-12-01"), "both a day and a span"),
        ((None, "2026-11-30", None), "a span with one end"),
        ((None, "2026-12-01", "2026-11-30"), "a span that ends before it starts"),
        (("2026-11-24", None, None), "2026-11-24 is off the calendar"),
        (("2027-02-03", None, None), "2027-02-03 is off the calendar"),
        ((None, "2026-11-16", "2026-11-22"), "2026-11-16 is off the calendar"),
    ],
)
def test_unusable_model_dates_are_refused(answer: tuple[str | None, ...], why: str) -> None:
    """Malformed, half, reversed, past and beyond-the-calendar dates are no reading at all."""
    with pytest.raises(ValueError, match=why) as raised:
        model_reading(*answer, window=WINDOW)
    assert "Monday" not in str(raised.value)  # the model's own text is never echoed to logs


DAYS = st.dates(min_value=TODAY - timedelta(days=10), max_value=WINDOW[1] + timedelta(days=10))


@st.composite
def rules_frames(draw: st.DrawFn) -> When:
    """Draw any frame the rules may return: nothing, a day, a span, or an unsure phrase."""
    first = draw(DAYS)
    last = first + timedelta(days=draw(st.integers(0, 9)))
    return draw(
        st.sampled_from(
            [
                When(),
                When(day=first, past=first < TODAY),
                When(day_from=first, day_to=last),
                When(ambiguous="that", guess=draw(st.none() | DAYS)),
            ]
        )
    )


@st.composite
def readings(draw: st.DrawFn) -> Reading | None:
    """Draw a model reading that passed `model_reading`, or none."""
    first = draw(st.dates(min_value=TODAY, max_value=WINDOW[1]))
    last = first + timedelta(days=draw(st.integers(0, 9)))
    return draw(st.sampled_from([None, day(first), span(first, last)]))


@settings(deadline=None, derandomize=True)  # the same examples every run, no time limit
@given(rules=rules_frames(), model=readings())
def test_a_day_goes_on_only_when_both_read_it(rules: When, model: Reading | None) -> None:
    """Never confidently wrong: a kept day is the rules' own, and the model names it or cannot."""
    result = cross_check(rules, model, window=WINDOW, words="that")
    if result.has_day:
        assert result == rules and not rules.ambiguous
        first = rules.day or rules.day_from
        assert first is not None
        if model is None:  # unchecked only where the graph refuses: gone by or past the horizon
            assert (rules.day_to or first) < TODAY or first > WINDOW[1]
    else:
        assert result.ambiguous or not (model or rules.has_day)
