"""RuleUnderstander: intents, yes/no, picks, names, corrections and their precedence."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from graph.understanding import Expecting, Understander, Understanding
from nodes.understanding.rules import RuleUnderstander

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # a Wednesday
ENGINE: Understander = RuleUnderstander()


def understand(text: str, expecting: Expecting = "request") -> Understanding:
    """Run the engine with the fixed clock and region US."""
    return ENGINE.understand(text, expecting=expecting, now=NOW, region="US")


INTENT_CASES: list[tuple[str, str]] = [
    ("I'd like to book an appointment", "book"),
    ("can I make an appointment", "book"),
    ("schedule me for Friday", "book"),
    ("I need an appointment", "book"),
    ("book me in", "book"),
    ("can I come in tomorrow", "book"),
    ("book it for Thursday at 2", "book"),
    ("what do you have Thursday afternoon?", "availability"),
    ("anything after 3 next week?", "availability"),
    ("any openings tomorrow", "availability"),
    ("are you free on Monday", "availability"),
    ("what times are available", "availability"),
    ("what can you do on Friday", "availability"),
    ("what's the earliest you have", "availability"),
    ("are there any times after 4 on Friday", "availability"),
    ("is the 5th available", "availability"),
    ("what do I have booked?", "list"),
    ("when is my appointment", "list"),
    ("do I have any appointments", "list"),
    ("what are my appointments", "list"),
    ("check my bookings", "list"),
    ("cancel my appointment", "cancel"),
    ("I need to cancel", "cancel"),
    ("I can't make it on Friday, please cancel", "cancel"),
    ("reschedule", "reschedule"),
    ("move my appointment to Friday", "reschedule"),
    ("can I change my appointment", "reschedule"),
    ("push my appointment to next week", "reschedule"),
    ("cancel my appointment and book a new one Friday", "reschedule"),
    ("bye", "goodbye"),
    ("goodbye", "goodbye"),
    ("that's all", "goodbye"),
    ("that's it, thanks", "goodbye"),
    ("no, that's everything", "goodbye"),
    ("nothing else", "goodbye"),
    ("I'm done", "goodbye"),
    ("no thanks, that's all", "goodbye"),
    ("can you repeat that", "repeat"),
    ("say that again", "repeat"),
    ("sorry, what?", "repeat"),
    ("pardon", "repeat"),
    ("come again", "repeat"),
    ("I didn't catch that", "repeat"),
    ("never mind", "never_mind"),
    ("forget it", "never_mind"),
    ("scratch that", "never_mind"),
    ("strike that", "never_mind"),
    ("start over", "never_mind"),
    ("actually don't", "never_mind"),
    ("can I talk to a person", "human"),
    ("a human please", "human"),
    ("operator", "human"),
    ("receptionist", "human"),
    ("can someone call me back", "human"),
    ("I want to leave a message", "human"),
    ("can I talk to someone about cancelling", "human"),
    ("what can you do", "help"),
    ("help", "help"),
    ("what are my options", "help"),
    ("what do I have available on the 11th?", "availability"),
    ("what do I have free tomorrow", "availability"),
    ("now we can proceed with the appointment", "book"),
    ("let's go ahead with the dentist appointment", "book"),
]


@pytest.mark.parametrize(("text", "intent"), INTENT_CASES)
def test_intents(text: str, intent: str) -> None:
    """Each phrase maps to its intent, typed or STT-style lowercase without punctuation."""
    assert understand(text).intent == intent
    stt = "".join(ch for ch in text.lower() if ch.isalnum() or ch in " '")
    assert understand(stt).intent == intent


@pytest.mark.parametrize(
    "text",
    ["yes", "yeah", "yep", "sure", "correct", "that's right", "right", "ok", "okay",
     "sounds good", "perfect", "please do", "go ahead", "book it", "do it", "that works",
     "confirm", "absolutely", "yes please", "that's it", "thats right"],
)  # fmt: skip
def test_yes(text: str) -> None:
    """Yes words give affirm True and no intent when a yes/no question is pending."""
    result = understand(text, "yes_no")
    assert (result.affirm, result.intent) == (True, None)


@pytest.mark.parametrize(
    "text",
    ["no", "nope", "nah", "not really", "don't", "that's wrong", "wrong",
     "that doesn't work", "I don't think so", "no, that's it"],
)  # fmt: skip
def test_no(text: str) -> None:
    """No words give affirm False, and a plain "no" is not goodbye."""
    result = understand(text, "yes_no")
    assert (result.affirm, result.intent) == (False, None)


@pytest.mark.parametrize("text", ["I'm not sure", "no later than 3", "what?"])
def test_neither_yes_nor_no(text: str) -> None:
    """Hedges and "no later than" are not answers to a yes/no question."""
    assert understand(text, "yes_no").affirm is None


def test_no_with_correction() -> None:
    """ "no, make it 4pm" is a no plus a corrected time."""
    result = understand("no, make it 4pm", "yes_no")
    assert (result.affirm, result.correction, result.when.at) == (False, True, time(16))


@pytest.mark.parametrize("text", ["yes but at 3", "ok, make it 3", "yeah actually 3"])
def test_yes_but_is_a_correction(text: str) -> None:
    """A yes that changes the detail is a correction with affirm None."""
    result = understand(text, "yes_no")
    assert (result.affirm, result.correction, result.when.at) == (None, True, time(15))


def test_yes_repeating_the_detail_stays_yes() -> None:
    """ "yes, Friday at 3" stays a yes; the graph compares the time it read back."""
    result = understand("yes, Friday at 3", "yes_no")
    assert (result.affirm, result.correction) == (True, False)
    assert result.when.day == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("never mind, make it the 13th", date(2026, 12, 13), None),
        ("no wait, actually 4pm", None, time(16)),
        ("actually, can we do Friday instead", date(2026, 11, 27), None),
        ("how about 4", None, time(16)),
        ("what about Monday", date(2026, 11, 30), None),
        ("change it to 3", None, time(15)),
        ("sorry, I meant Friday", date(2026, 11, 27), None),
        ("let's do 2:30", None, time(14, 30)),
        ("I'd rather Tuesday", date(2026, 12, 1), None),
        ("strike that, the 8th at 11:30 please", date(2026, 12, 8), time(11, 30)),
        ("on second thought, the 13th", date(2026, 12, 13), None),
        ("please change the time to afternoon 3", None, time(15)),
        ("I changed my mind, Friday", date(2026, 11, 27), None),
    ],
)
def test_corrections(text: str, day: date | None, at: time | None) -> None:
    """Correction cues with a new day or time set correction and no intent."""
    result = understand(text, "yes_no")
    assert (result.intent, result.correction) == (None, True)
    assert (result.when.day, result.when.at) == (day, at)


def test_cant_make_it_is_not_a_correction() -> None:
    """ "I can't make it on Friday" is not "make it Friday"."""
    result = understand("I can't make it on Friday, please cancel")
    assert (result.intent, result.correction) == ("cancel", False)


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("the first one", 0),
        ("first", 0),
        ("the second", 1),
        ("number two", 1),
        ("option 3", 2),
        ("the last one", -1),
        ("the third one please", 2),
        ("I'll take the second please", 1),
        ("2", 1),
        ("two", 1),
        ("one", 0),
        ("the 2nd one", 1),
    ],
)
def test_choices(text: str, choice: int) -> None:
    """Picks among offered options are 0-based (-1 for the last) and set no time."""
    result = understand(text, "slot_choice")
    assert (result.choice, result.when.at) == (choice, None)
    assert understand(text, "appointment_choice").choice == choice


@pytest.mark.parametrize(
    ("text", "at", "day"),
    [
        ("the 2:30 one", time(14, 30), None),
        ("2:30 works", time(14, 30), None),
        ("the 13th", None, date(2026, 12, 13)),
        ("the 3rd of December", None, date(2026, 12, 3)),
        ("on the 21st", None, date(2026, 12, 21)),
    ],
)
def test_times_and_days_are_not_choices(text: str, at: time | None, day: date | None) -> None:
    """Times and days of month said while choosing fill `when`, not `choice`."""
    result = understand(text, "slot_choice")
    assert (result.choice, result.when.at, result.when.day) == (None, at, day)


@pytest.mark.parametrize("text", ["2", "the second", "first"])
def test_bare_picks_need_a_list(text: str) -> None:
    """Outside list states a bare number or ordinal is not a pick."""
    assert understand(text).choice is None


@pytest.mark.parametrize(
    "text",
    ["anything else", "other times", "any others", "something later", "something earlier",
     "none of those", "do you have anything later", "different time"],
)  # fmt: skip
def test_more(text: str) -> None:
    """Requests for other options set `more` and no intent."""
    result = understand(text, "slot_choice")
    assert (result.more, result.intent) == (True, None)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("it's Sam", "Sam"),
        ("my name is Sam Lee", "Sam Lee"),
        ("this is Sam", "Sam"),
        ("I'm Sam", "Sam"),
        ("Sam Lee", "Sam Lee"),
        ("sam lee", "Sam Lee"),
        ("call me Sam", "Sam"),
        ("Maria Garcia please", "Maria Garcia"),
        ("yeah it's o'brien", "O'Brien"),
        ("DeShawn Jones", "DeShawn Jones"),
    ],
)
def test_names_when_asked(text: str, name: str) -> None:
    """When we asked for a name, common answer shapes give a title-cased name."""
    assert understand(text, "name").name == name


@pytest.mark.parametrize(
    "text",
    ["yes", "no", "I don't know", "415 555 0123", "operator", "what", "tomorrow",
     "Sam Lee Jones Smith", "I'm not sure", "the second one"],
)  # fmt: skip
def test_non_names(text: str) -> None:
    """Yes/no, digits, intents, days and over-long answers are not names."""
    assert understand(text, "name").name is None


def test_name_outside_name_state_needs_cue() -> None:
    """Outside the name state only "my name is" sets a name."""
    assert understand("my name is Sam Lee and I want to book").name == "Sam Lee"
    assert understand("I'm Sam").name is None
    assert understand("Sam Lee").name is None


def test_phone_answer() -> None:
    """A phone answer gives E.164 and its digits are not read as times."""
    result = understand("it's 415 555 0123", "phone")
    assert (result.phone, result.phone_invalid, result.when.is_empty()) == (
        "+14155550123",
        False,
        True,
    )
    spelled = understand("four one five five five five oh one two three", "phone")
    assert (spelled.phone, spelled.when.is_empty()) == ("+14155550123", True)


@pytest.mark.parametrize("text", ["555 0123", "123", "it's one two three"])
def test_invalid_phone_answer(text: str) -> None:
    """A short or invalid number when asked for one sets phone_invalid."""
    result = understand(text, "phone")
    assert (result.phone, result.phone_invalid) == (None, True)


def test_book_it_is_a_request_outside_yes_no() -> None:
    """In the open state "book it for Thursday at 2" is a booking request, not a yes."""
    result = understand("book it for Thursday at 2")
    assert (result.intent, result.affirm) == ("book", None)
    assert (result.when.day, result.when.at) == (date(2026, 11, 26), time(14))


@pytest.mark.parametrize("text", ["good morning", "hello?", "thank you so much", "how are you"])
def test_small_talk_is_chitchat(text: str) -> None:
    """Greetings and thanks with nothing else in them are small talk, not a request."""
    result = understand(text)
    assert result.intent == "chitchat" and result.when.is_empty()


def test_thanks_with_a_goodbye_is_a_goodbye() -> None:
    """ "Thanks, that's all" ends the call rather than being small talk."""
    assert understand("thanks, that's all").intent == "goodbye"


@pytest.mark.parametrize("text", ["the weather is lovely here", "purple monkey dishwasher"])
def test_nothing_understood(text: str) -> None:
    """Small talk and greetings yield an empty frame that reports not understood."""
    assert not understand(text).understood


def test_existing_appointment_is_not_a_booking() -> None:
    """ "I have an appointment on Friday" names a day but asks for nothing yet."""
    result = understand("I have an appointment on Friday")
    assert (result.intent, result.when.day) == (None, date(2026, 11, 27))
