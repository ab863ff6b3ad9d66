"""The LLM engine through the real ChatOpenAI HTTP path, against a local stub server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, time

import pytest
from pydantic import SecretStr

from booking.settings import Settings
from booking.understanding import understander_from
from nodes.understanding.llm import LLMUnderstander
from tests.conftest import NOW
from tests.llm.answers import heard_json
from tests.llm.stub_openai import Reply, Stub, serve


@pytest.fixture
def stub() -> Iterator[Stub]:
    """Yield a running stub server."""
    with serve() as running:
        yield running


def engine(stub: Stub, *, timeout: float = 5.0) -> LLMUnderstander:
    """Build the engine exactly as the composition root does, pointed at the stub."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        openai_api_key=SecretStr("sk-test-not-a-real-key"),
        openai_base_url=stub.base_url,
        openai_timeout=timeout,
    )
    understander, name = understander_from(settings)
    assert isinstance(understander, LLMUnderstander) and name == "gpt-4o-mini"
    return understander


def test_one_structured_call_resolves_the_callers_words(stub: Stub) -> None:
    """The model's date agrees with the rules and its time words go through them: a slot."""
    stub.replies.append(
        Reply(
            heard_json(
                intent="book", day_words="next Friday", day="2026-11-27", time_words="half past 3"
            )
        )
    )
    result = engine(stub).understand(
        "I'd like to come in next Friday at half past 3", expecting="request", now=NOW, region="US"
    )
    assert result.intent == "book"
    assert (result.when.day, result.when.at) == (date(2026, 11, 27), time(15, 30))
    assert (result.usage.llm_calls, result.usage.input_tokens, result.usage.output_tokens) == (
        1,
        120,
        30,
    )
    request = stub.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-test-not-a-real-key"
    schema = request["body"]["response_format"]["json_schema"]
    required = set(schema["schema"]["required"])
    assert schema["strict"] is True and required == set(schema["schema"]["properties"])
    assert required >= {"day_words", "day", "first_day", "last_day", "intent"}
    system = request["body"]["messages"][0]
    assert system["role"] == "system" and "Fri 2026-11-27" in system["content"]


def test_a_plain_yes_makes_no_call(stub: Stub) -> None:
    """A turn the rules settle with certainty never reaches the model."""
    result = engine(stub).understand("yes please", expecting="yes_no", now=NOW, region="US")
    assert result.affirm is True and result.usage.llm_calls == 0
    assert stub.requests == []


def test_a_timeout_falls_back_to_rules_and_is_logged_once(
    stub: Stub, caplog: pytest.LogCaptureFixture
) -> None:
    """A model slower than the timeout costs one fallback turn, not the call."""
    stub.replies.append(Reply(heard_json(intent="book"), delay=2.0))
    with caplog.at_level(logging.WARNING):
        result = engine(stub, timeout=0.3).understand(
            "book me Monday at 10am", expecting="request", now=NOW, region="US"
        )
    assert result.intent == "book" and result.when.at == time(10)  # the rules' reading
    assert result.usage.fallback and result.usage.llm_calls == 1
    failures = [r for r in caplog.records if "LLM understanding failed" in r.getMessage()]
    assert len(failures) == 1
    assert "sk-test" not in caplog.text


def test_a_malformed_answer_falls_back_to_rules(stub: Stub) -> None:
    """Content that is not the schema's JSON is ignored and the rules answer."""
    stub.replies.append(Reply("Sure! You want Monday."))
    result = engine(stub).understand("what about Monday", expecting="request", now=NOW, region="US")
    assert result.when.day == date(2026, 11, 30)
    assert result.usage.fallback and result.usage.input_tokens == 120


def test_a_server_error_falls_back_to_rules(stub: Stub) -> None:
    """An HTTP 500 from the API is a fallback turn."""
    stub.replies.append(Reply(status=500))
    result = engine(stub).understand(
        "cancel my appointment", expecting="request", now=NOW, region="US"
    )
    assert result.intent == "cancel" and result.usage.fallback


def test_a_wrong_date_from_the_model_is_asked_about(stub: Stub) -> None:
    """A model date the rules contradict is neither acted on nor offered: the day is asked."""
    stub.replies.append(Reply(heard_json(intent="book", day_words="2026-12-11", day="2026-12-11")))
    result = engine(stub).understand(
        "book me next Friday", expecting="request", now=NOW, region="US"
    )
    assert result.intent == "book" and not result.when.has_day
    assert (result.when.ambiguous, result.when.guess) == ("book me next Friday", None)


def test_a_malformed_date_costs_only_the_date_and_is_logged_once(
    stub: Stub, caplog: pytest.LogCaptureFixture
) -> None:
    """A date that is not YYYY-MM-DD drops the model's date: the rules' day is offered, not kept."""
    stub.replies.append(Reply(heard_json(intent="book", day_words="Monday", day="Mon, Nov 30")))
    with caplog.at_level(logging.WARNING):
        result = engine(stub).understand("book Monday", expecting="request", now=NOW, region="US")
    assert result.intent == "book" and not result.usage.fallback
    assert (result.when.day, result.when.guess) == (None, date(2026, 11, 30))
    ignored = [r for r in caplog.records if "LLM date ignored" in r.getMessage()]
    assert len(ignored) == 1
    assert "sk-test" not in caplog.text and "Mon, Nov 30" not in caplog.text


def test_no_key_or_an_empty_key_means_the_rule_engine() -> None:
    """An empty OPENAI_API_KEY (as in .env.example) keeps the offline rule engine."""
    for key in (None, SecretStr("")):
        settings = Settings(_env_file=None, openai_api_key=key)  # type: ignore[call-arg]  # pydantic-settings init kwarg
        assert understander_from(settings)[1] == "rules"


def test_the_key_never_shows_in_settings_output() -> None:
    """Printing or logging the settings never reveals the API key."""
    settings = Settings(_env_file=None, openai_api_key=SecretStr("sk-live-secret"))  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert "sk-live-secret" not in repr(settings) and "sk-live-secret" not in str(
        settings.model_dump()
    )
