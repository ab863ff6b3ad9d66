"""The LLM engine's dates with fake models: a right one, a wrong one, a failing one, the prompt."""

from __future__ import annotations

import logging
from datetime import date, time, timedelta

import pytest
from langchain_core.messages import AIMessage, SystemMessage

from graph.understanding import When
from nodes.understanding.llm import LLMUnderstander
from nodes.understanding.prompts import SYSTEM
from nodes.understanding.rules import RuleUnderstander
from tests.conftest import NOW
from tests.llm.fakes import Recorder, RulesReading, answer, fake


def test_a_right_date_the_rules_agree_with_goes_on() -> None:
    """The model's Monday matches the rules' Monday: the day is kept, with its time."""
    said = answer(intent="book", day_words="Monday", day="2026-11-30", time_words="at 10am")
    result = LLMUnderstander(fake(said)).understand(
        "book Monday at 10am", expecting="request", now=NOW, region="US"
    )
    assert (result.when.day, result.when.at, result.when.ambiguous) == (
        date(2026, 11, 30),
        time(10),
        None,
    )


def test_a_day_the_rules_cannot_read_is_offered_as_the_models_guess() -> None:
    """Only the model reads "in a fortnight": asked, with its day as the guess; 10 AM kept."""
    model = fake(answer(intent="book", day_words="in a fortnight", day="2026-12-09"))
    engine = LLMUnderstander(model, rules=RulesReading(When(at=time(10))))
    result = engine.understand("in a fortnight at 10am", expecting="request", now=NOW, region="US")
    assert result.when == When(at=time(10), ambiguous="in a fortnight", guess=date(2026, 12, 9))


def test_rules_that_misread_are_caught_by_a_right_model() -> None:
    """Rules reading "two weeks from Thursday" as this Thursday disagree with the model: asked."""
    model = fake(answer(intent="book", day_words="two weeks from Thursday", day="2026-12-10"))
    engine = LLMUnderstander(model, rules=RulesReading(When(day=date(2026, 11, 26))))
    result = engine.understand("two weeks from Thursday", expecting="request", now=NOW, region="US")
    assert result.when == When(ambiguous="two weeks from Thursday", guess=None)


def test_a_wrong_date_is_caught_and_never_offered() -> None:
    """A model that reads "Monday" as Tuesday is contradicted by the rules: asked, no guess."""
    said = answer(intent="book", day_words="Monday", day="2026-12-01", time_words="at 10am")
    result = LLMUnderstander(fake(said)).understand(
        "book Monday at 10am", expecting="request", now=NOW, region="US"
    )
    assert result.when == When(at=time(10), ambiguous="Monday", guess=None)


@pytest.mark.parametrize("bad", ["2026-11-20", "2027-03-15", "Monday", "2026-02-30"])
def test_an_unusable_date_is_logged_once_and_the_rules_day_is_asked(
    bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A past, off-calendar or malformed date is no reading: the rules' day is only offered."""
    engine = LLMUnderstander(fake(answer(intent="book", day_words="Monday", day=bad)))
    with caplog.at_level(logging.WARNING):
        result = engine.understand("book Monday", expecting="request", now=NOW, region="US")
    assert result.when == When(ambiguous="Monday", guess=date(2026, 11, 30))
    assert not result.usage.fallback and result.usage.llm_calls == 1
    assert len([r for r in caplog.records if "LLM date ignored" in r.getMessage()]) == 1


class Failing:
    """A chat model whose every call fails as a client would."""

    def invoke(self, input: object, config: object = None, **kw: object) -> AIMessage:
        """Fail the call."""
        raise ConnectionError("upstream unavailable")


@pytest.mark.parametrize("model", [Failing(), fake(AIMessage(content="Monday, I think"))])
def test_a_failing_model_leaves_the_turn_to_the_rules(
    model: object, caplog: pytest.LogCaptureFixture
) -> None:
    """A failed or unreadable answer costs one fallback turn, logged once: the rules answer."""
    engine = LLMUnderstander(model)  # type: ignore[arg-type]  # both answer invoke()
    with caplog.at_level(logging.WARNING):
        result = engine.understand("book Monday at 10am", expecting="request", now=NOW, region="US")
    assert (result.when.day, result.when.at) == (date(2026, 11, 30), time(10))
    assert result.usage.fallback
    assert len([r for r in caplog.records if "LLM understanding failed" in r.getMessage()]) == 1


def test_the_prompt_prefix_is_the_same_all_day_and_dates_every_weekday() -> None:
    """Two turns of one day share the system message; it lists ten weeks of correct weekdays."""
    recorder = Recorder()
    engine = LLMUnderstander(recorder)
    for text, now in [("book Monday", NOW), ("what about Friday", NOW + timedelta(hours=6))]:
        engine.understand(text, expecting="request", now=now, region="US")
    engine.understand("book Monday", expecting="request", now=NOW + timedelta(days=1), region="US")
    first, second, tomorrow = recorder.prompts
    assert isinstance(first[0], SystemMessage) and first[0].content == second[0].content
    assert first[-1].content != second[-1].content and "Caller: what about Friday" in str(
        second[-1].content
    )
    system = str(first[0].content)
    assert system.startswith(SYSTEM) and "book Monday" not in system
    assert "Today is Wed 2026-11-25." in system
    lines = [line for line in system.splitlines() if line[:3].isalpha() and line[3:4] == " "]
    dated = [(line[:3], date.fromisoformat(line[4:])) for line in lines if line[4:5].isdigit()]
    assert len(dated) == 70 and dated[0][1] == date(2026, 11, 25)
    assert all(name == f"{day:%a}" for name, day in dated)
    assert "Thu 2026-12-10" in system and "Tue 2027-01-12" in system
    assert str(tomorrow[0].content) != system and "Today is Thu 2026-11-26." in str(
        tomorrow[0].content
    )


ISSUE_PHRASES = {
    "two weeks from Thursday": date(2026, 12, 10),
    "the Friday after Thanksgiving": date(2026, 11, 27),
    "the second Tuesday of January": date(2027, 1, 12),
    "Tuesday week": date(2026, 12, 8),
    "in a fortnight": date(2026, 12, 9),
    "a week from today": date(2026, 12, 2),
    "the day after tomorrow": date(2026, 11, 27),
    "next Monday": date(2026, 11, 30),
}


@pytest.mark.parametrize(("phrase", "meant"), ISSUE_PHRASES.items())
def test_a_perfect_model_never_leads_to_a_wrong_day(phrase: str, meant: date) -> None:
    """Whatever the rules read, a right model yields the right day, or asks, offering no other."""
    model = fake(answer(intent="book", day_words=phrase, day=meant.isoformat()))
    result = LLMUnderstander(model).understand(
        f"can I come in {phrase}", expecting="request", now=NOW, region="US"
    )
    assert result.when.day == meant or (result.when.ambiguous and result.when.day is None)
    assert result.when.guess in (None, meant)
    ruled = RuleUnderstander().understand(phrase, expecting="request", now=NOW, region="US")
    if not ruled.when.has_day and not ruled.when.ambiguous:
        assert result.when.guess == meant  # rules blind: the model's day is what is offered
