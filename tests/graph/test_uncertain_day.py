"""An uncertain day through the compiled graph: the guess is asked, checkpointed, and settled."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import date, datetime
from pathlib import Path

from booking.compose import fixed_clock, open_receptionist
from business.calendar import BusinessCalendar
from graph.understanding import Expecting, Understanding
from nodes.understanding.rules import RuleUnderstander
from tests.conftest import NOW, SAM

THURSDAY = date(2026, 11, 26)


class GuessingRules:
    """The rule engine plus the guess the resolver will make: an uncertain day is Thursday."""

    def __init__(self) -> None:
        self.rules = RuleUnderstander()

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Read `text` with the rules; an uncertain day gets Thursday as its guess."""
        heard = self.rules.understand(text, expecting=expecting, now=now, region=region)
        if heard.when.ambiguous is None:
            return heard
        return replace(heard, when=replace(heard.when, guess=THURSDAY))


def test_yes_to_the_guessed_day_books_it_at_the_time_said(db: Path) -> None:
    """ "Tuesday the 26th at 3" asks "Thursday?"; a yes, across checkpoints, reads back 3 PM."""
    with open_receptionist(
        db, calendar=BusinessCalendar(), clock=fixed_clock(NOW), understander=GuessingRules()
    ) as agent:
        user = agent.store.create_user(phone=SAM)
        agent.store.set_user_name(user.id, "Sam Lee")
        call = agent.conversation("guess")
        call.start(caller_id=SAM)
        asked = call.say("can I book Tuesday the 26th at 3?").reply
        assert asked == "Which day is that: tomorrow, Thursday, November 26th?"
        state = call.state()
        assert state.doubt == {"phrase": "tuesday the 26th", "guess": "2026-11-26"}
        assert (state.task["wish"], state.task["kind"]) == ({"at": "15:00"}, "book")
        json.dumps(asdict(state))  # the guess is plain JSON like the rest of the checkpoint
        assert "Thursday, November 26th at 3 PM?" in call.say("yes").reply
        assert call.state().doubt is None
        assert "booked" in call.say("yes").reply
        assert [a.start.hour for a in agent.store.list_appointments(user.id)] == [23]  # 3 PM PST


def test_no_to_the_guessed_day_asks_again_and_keeps_the_time(db: Path) -> None:
    """A no to the guess asks which day with the time kept; "the 27th" then reads back 3 PM."""
    with open_receptionist(
        db, calendar=BusinessCalendar(), clock=fixed_clock(NOW), understander=GuessingRules()
    ) as agent:
        user = agent.store.create_user(phone=SAM)
        agent.store.set_user_name(user.id, "Sam Lee")
        call = agent.conversation("no-guess")
        call.start(caller_id=SAM)
        call.say("can I book Tuesday the 26th at 3?")
        assert call.say("no").reply == "Sorry, which day did you mean for 3 PM?"
        assert call.state().doubt == {"phrase": "tuesday the 26th"}
        assert "Friday, November 27th at 3 PM?" in call.say("the 27th").reply
