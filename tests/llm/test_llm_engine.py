"""The LLM engine and the graph with langchain_core's fake chat model: calls, costs, fallbacks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from booking.compose import fixed_clock, open_receptionist
from business.calendar import BusinessCalendar, Service, Staff
from graph.context import Prices
from nodes.understanding.llm import LLMUnderstander, settled_by_rules
from nodes.understanding.offerings import Vocabulary
from nodes.understanding.rules import RuleUnderstander
from tests.conftest import NOW, SAM
from tests.llm.answers import heard_json


def answer(**fields: object) -> AIMessage:
    """Return a model message carrying a Heard JSON object and a usage report."""
    usage = {"input_tokens": 200, "output_tokens": 40, "total_tokens": 240}
    return AIMessage(content=heard_json(**fields), usage_metadata=usage)


def fake(*messages: AIMessage) -> GenericFakeChatModel:
    """Return a fake chat model that answers with these messages in order."""
    return GenericFakeChatModel(messages=iter(messages))


@pytest.mark.parametrize(
    ("text", "expecting"),
    [
        ("yes", "yes_no"),
        ("no", "yes_no"),
        ("415 555 0123", "phone"),
        ("the second one", "slot_choice"),
    ],
)
def test_certain_turns_are_settled_by_rules(text: str, expecting: str) -> None:
    """Plain yes/no, a phone number when asked, and a pick by position need no model."""
    ruled = RuleUnderstander().understand(text, expecting=expecting, now=NOW, region="US")  # type: ignore[arg-type]  # literal from the table
    assert settled_by_rules(ruled, expecting)  # type: ignore[arg-type]  # literal from the table


@pytest.mark.parametrize(
    ("text", "expecting"),
    [
        ("yes, but can we do Friday instead?", "yes_no"),
        ("book me Monday", "request"),
        ("the second one, or anything later?", "slot_choice"),
    ],
)
def test_uncertain_turns_go_to_the_model(text: str, expecting: str) -> None:
    """Anything beyond a bare answer is sent to the model."""
    ruled = RuleUnderstander().understand(text, expecting=expecting, now=NOW, region="US")  # type: ignore[arg-type]  # literal from the table
    assert not settled_by_rules(ruled, expecting)  # type: ignore[arg-type]  # literal from the table


def test_the_models_choice_is_converted_and_its_words_resolved() -> None:
    """A 1-based pick becomes 0-based; "at 3" becomes 15:00 by our business-hours rule."""
    engine = LLMUnderstander(fake(answer(choice=2, time_words="at 3", correction=True)))
    result = engine.understand(
        "the second, actually at 3", expecting="slot_choice", now=NOW, region="US"
    )
    assert result.choice == 1 and result.when.at == time(15) and result.correction


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    """Yield a fresh SQLite file path."""
    yield tmp_path / "llm.db"


def test_a_call_with_the_llm_engine_books_and_prices_its_tokens(db: Path) -> None:
    """Two model calls (the yes is settled by rules) are counted and priced in the summary."""
    model = fake(
        answer(intent="book", day_words="Monday", day="2026-11-30", time_words="at 10am"),
        answer(intent="goodbye"),
    )
    prices = Prices(input_per_mtok=1.0, output_per_mtok=2.0)
    with open_receptionist(
        db,
        calendar=BusinessCalendar(),
        clock=fixed_clock(NOW),
        understander=LLMUnderstander(model),
        engine="fake-model",
        prices=prices,
    ) as agent:
        user = agent.store.create_user(phone=SAM, name="Sam Lee")
        call = agent.conversation("llm")
        call.start(caller_id=SAM)
        assert "Monday, November 30th at 10 AM" in call.say("could I come in Monday at 10am").reply
        assert call.state().usage["input_tokens"] == 200
        assert "booked" in call.say("yes").reply
        assert "usage" not in call.state().understood  # the yes made no call
        call.say("that's all, thanks")
        booked = agent.store.list_appointments(user.id)
        assert [a.start.date() for a in booked] == [date(2026, 11, 30)]
        stored = agent.store.get_conversation("llm")
    assert stored is not None
    cost = stored.cost_breakdown
    assert cost["understanding"] == "fake-model"
    assert (cost["llm_calls"], cost["input_tokens"], cost["output_tokens"]) == (2, 400, 80)
    assert cost["llm_usd"] == pytest.approx((400 * 1.0 + 80 * 2.0) / 1_000_000)


def test_a_failing_model_costs_one_turn_not_the_call(db: Path) -> None:
    """When the model raises, the rules answer that turn and the fallback is counted."""

    class Broken:
        def invoke(self, input: object, config: object = None, **kwargs: object) -> AIMessage:
            raise TimeoutError("model took too long")

    with open_receptionist(
        db,
        calendar=BusinessCalendar(),
        clock=fixed_clock(NOW),
        understander=LLMUnderstander(Broken()),
    ) as agent:
        agent.store.create_user(phone=SAM, name="Sam Lee")
        call = agent.conversation("broken")
        call.start(caller_id=SAM)
        assert "Monday, November 30th at 10 AM" in call.say("book Monday at 10am").reply
        assert call.state().usage == {
            "llm_calls": 1,
            "fallbacks": 1,
            "input_tokens": 0,
            "output_tokens": 0,
        }


def test_rules_cost_nothing(db: Path) -> None:
    """With the rule engine the cost breakdown records no model calls and no money."""
    with open_receptionist(db, calendar=BusinessCalendar(), clock=fixed_clock(NOW)) as agent:
        agent.store.create_user(phone=SAM, name="Sam Lee")
        call = agent.conversation("rules")
        call.start(caller_id=SAM)
        call.say("bye")
        stored = agent.store.get_conversation("rules")
    assert stored is not None
    assert stored.cost_breakdown["llm_calls"] == 0 and stored.cost_breakdown["total_usd"] == 0


def test_the_service_person_and_reason_are_the_rules_reading_of_the_business_words() -> None:
    """A model that reports intent and day leaves what is booked, with whom and why to the
    rules, which match the business's configured words exactly."""
    salon = BusinessCalendar(
        services=(Service(id="colour", name="cut and colour", duration_min=90),),
        staff=(Staff(id="maria", name="Maria"),),
    )
    rules = RuleUnderstander(Vocabulary.of(salon))
    said = "I'd like a cut and colour with Maria on Monday, it's for a wedding"
    engine = LLMUnderstander(
        fake(answer(intent="book", day_words="Monday", day="2026-11-30")), rules=rules
    )
    heard = engine.understand(said, expecting="request", now=NOW, region="US")
    assert heard.usage.llm_calls == 1 and not heard.usage.fallback
    assert (heard.when.service, heard.when.staff, heard.reason) == ("colour", "maria", "a wedding")
    assert heard.when.day == date(2026, 11, 30)
