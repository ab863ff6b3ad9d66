"""Whole calls with the LLM engine's dates: a wrong one is asked, a guess booked after a yes."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from booking.compose import fixed_clock, open_receptionist
from business.calendar import BusinessCalendar
from graph.understanding import When
from nodes.understanding.llm import LLMUnderstander
from tests.conftest import NOW, SAM
from tests.llm.fakes import ByLine, RulesReading, answer, fake


def test_a_wrong_model_date_in_a_call_is_asked_not_read_back(db: Path) -> None:
    """The agent asks which day rather than reading back either; the caller's date then books."""
    model = fake(
        answer(intent="book", day_words="Monday", day="2026-12-01", time_words="at 10am"),
        answer(day_words="November 30th", day="2026-11-30", time_words="at 10am"),
        answer(intent="goodbye"),
    )
    with open_receptionist(
        db,
        calendar=BusinessCalendar(),
        clock=fixed_clock(NOW),
        understander=LLMUnderstander(model),
    ) as agent:
        user = agent.store.create_user(phone=SAM, name="Sam Lee")
        call = agent.conversation("wrong-date")
        call.start(caller_id=SAM)
        reply = call.say("could I come in Monday at 10am").reply
        assert "which day" in reply and "November" not in reply and "December" not in reply
        assert call.state().understood["when"] == {"at": "10:00:00", "ambiguous": "Monday"}
        assert "Monday, November 30th at 10 AM" in call.say("November 30th at 10am").reply
        assert "booked" in call.say("yes").reply
        call.say("that's all")
        booked = agent.store.list_appointments(user.id)
    assert [a.start for a in booked] == [datetime(2026, 11, 30, 10, tzinfo=NOW.tzinfo)]


def test_a_day_only_the_model_reads_books_after_the_callers_yes(db: Path) -> None:
    """Rules blind to the phrase: the model's day is offered, a yes reads it back, a yes books."""
    phrase = "could I come in a fortnight today at 10am"
    model = ByLine(
        {
            phrase: answer(
                intent="book", day_words="a fortnight today", day="2026-12-09", time_words="at 10am"
            ),
            "that's all": answer(intent="goodbye"),
        }
    )
    rules = RulesReading(When(at=time(10)), said="fortnight")
    with open_receptionist(
        db,
        calendar=BusinessCalendar(),
        clock=fixed_clock(NOW),
        understander=LLMUnderstander(model, rules=rules),
    ) as agent:
        user = agent.store.create_user(phone=SAM, name="Sam Lee")
        call = agent.conversation("model-guess")
        call.start(caller_id=SAM)
        assert "Which day is that: Wednesday, December 9th?" in call.say(phrase).reply
        assert "Wednesday, December 9th at 10 AM" in call.say("yes").reply
        assert "booked" in call.say("yes").reply
        call.say("that's all")
        booked = agent.store.list_appointments(user.id)
    assert [a.start for a in booked] == [datetime(2026, 12, 9, 10, tzinfo=NOW.tzinfo)]
