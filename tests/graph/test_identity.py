"""A spoken phone number is a claim: the account it names opens only after the identity check."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.compose import Receptionist
from graph.conversation import Conversation
from nodes.verify import names_match
from tests.conftest import NOW, SAM

LA = ZoneInfo("America/Los_Angeles")
NEXT = datetime(2026, 12, 3, 9, 0, tzinfo=LA)
"""Sam's next appointment: Thursday, December 3rd at 9 AM."""
LATER = datetime(2026, 12, 8, 11, 0, tzinfo=LA)


@pytest.fixture
def sams_appointments(agent: Receptionist) -> list[str]:
    """Book Sam's two upcoming appointments and return their ids."""
    user = agent.store.find_user_by_phone(SAM)
    assert user is not None
    return [
        agent.store.book(user_id=user.id, start=start, duration_min=30, idempotency_key=key).id
        for key, start in (("a", NEXT), ("b", LATER))
    ]


def _claim(agent: Receptionist, thread: str) -> Conversation:
    """Start a web call (no caller ID) and say Sam's number."""
    call = agent.conversation(thread)
    call.start(caller_id=None)
    call.say("415 555 0123")
    return call


def _booked(agent: Receptionist) -> int:
    user = agent.store.find_user_by_phone(SAM)
    assert user is not None
    return len(agent.store.list_appointments(user.id))


@pytest.mark.usefixtures("sams_appointments")
def test_the_right_name_and_day_open_the_account(agent: Receptionist) -> None:
    """The name on the account and the date of its next appointment let the caller in."""
    call = _claim(agent, "right")
    call.say("Sam Lee")
    reply = call.say("December 3rd").reply
    assert "Sam Lee" in reply
    listed = call.say("what appointments do I have?").reply
    assert "December 3rd" in listed and "December 8th" in listed
    assert agent.store.get_conversation("right").user_id == call.state().user_id  # type: ignore[union-attr]


@pytest.mark.usefixtures("sams_appointments")
@pytest.mark.parametrize(
    ("name", "day"),
    [("Sam Lee", "December 8th"), ("Pat Smith", "December 3rd"), ("Sam", "December 3rd")],
)
def test_one_wrong_answer_fails_without_saying_which(
    agent: Receptionist, name: str, day: str
) -> None:
    """A wrong name or a wrong day fails the check, with the same words either way."""
    call = _claim(agent, f"wrong-{name}-{day}")
    call.say(name)
    reply = call.say(day).reply
    assert "doesn't match" in reply
    assert "Sam" not in reply and "December" not in reply
    state = call.state()
    assert state.user_id is None and state.verify_tries == 1 and state.stage == "verify_name"


@pytest.mark.usefixtures("sams_appointments")
def test_nothing_of_the_account_is_said_or_checkpointed_before_the_check(
    agent: Receptionist,
) -> None:
    """Until verified, no reply and no checkpoint carries the account's name or appointments."""
    call = _claim(agent, "quiet")
    replies = [call.say(line).reply for line in ("what do I have booked?", "cancel my appointment")]
    replies.append(call.say("Pat Smith").reply)
    replies.append(call.say("I don't remember").reply)
    replies.append(call.say("Friday").reply)
    checkpoint = str(asdict(call.state()))
    for said in [*replies, checkpoint]:
        assert "Sam Lee" not in said and "December 3rd" not in said and "2026-12-03" not in said
    assert agent.store.get_conversation("quiet").user_id is None  # type: ignore[union-attr]


@pytest.mark.usefixtures("sams_appointments")
def test_after_the_tries_run_out_nothing_opens_and_a_callback_is_offered(
    agent: Receptionist,
) -> None:
    """Two failed checks refuse the account for the rest of the call; a yes cancels nothing."""
    call = _claim(agent, "locked")
    for name, day in (("Sam Lee", "Friday"), ("Sam Lee", "Monday")):
        call.say(name)
        reply = call.say(day).reply
    assert "call back" in reply and call.state().identity == "refused"
    # filed under the account it claimed, so the business sees the attempt and calls back
    sam = agent.store.find_user_by_phone(SAM)
    assert sam is not None and agent.store.get_conversation("locked").user_id == sam.id  # type: ignore[union-attr]
    for line in ("cancel my appointment on December 3rd", "yes", "yes please"):
        reply = call.say(line).reply
        assert "December 3rd at 9 AM" not in reply
    # the right answers come too late: the tries are spent for this call
    again = agent.conversation("locked")
    again.say("my number is 415 555 0123")
    assert again.state().identity == "refused" and again.state().user_id is None
    assert _booked(agent) == 2


@pytest.mark.usefixtures("sams_appointments")
def test_reciting_many_names_does_not_match(agent: Receptionist) -> None:
    """A list of names that happens to contain the right one is not the name on the account."""
    call = _claim(agent, "many")
    call.say("my name is Pat Sam Lee Smith Jones")
    assert "doesn't match" in call.say("December 3rd").reply


def test_a_new_number_books_without_a_check(agent: Receptionist) -> None:
    """A number with no account needs no check: the account it gets holds only this call."""
    call = agent.conversation("new")
    call.start(caller_id=None)
    assert "name" in call.say("212 555 0199").reply
    call.say("Robin Park")
    assert "Just to confirm" in call.say("book Monday at 10am").reply
    assert "booked" in call.say("yes").reply
    assert call.state().identity == "new"


@pytest.mark.usefixtures("sams_appointments")
def test_caller_id_is_trusted_without_a_check(agent: Receptionist) -> None:
    """A SIP caller ID opens its account at once, as the network vouches for it."""
    call = agent.conversation("sip")
    assert "Sam Lee" in call.start(caller_id=SAM)
    assert "December 3rd" in call.say("what do I have booked?").reply


def test_an_account_with_nothing_booked_is_checked_on_its_name(agent: Receptionist) -> None:
    """With no appointment coming, "I don't have one" is the right second answer."""
    call = _claim(agent, "none")
    call.say("it's Sam Lee")
    assert "Welcome back, Sam Lee" in call.say("I don't have one").reply


@pytest.mark.parametrize(
    ("stored", "said", "same"),
    [
        ("Sam Lee", "sam lee", True),
        ("Zoë Müller", "Zoe Muller", True),
        ("Katherine Johnson", "Kathrine Johnson", True),  # a speech-recognition slip
        ("Sam Lee", "Sam", False),
        ("Sam Lee", "Pam Lee", False),  # short words must be exact
        ("Sam Lee", "Sam Lee Jones Smith", False),
        ("Sam Lee", "Sam Pat Lee", True),  # a middle name
        ("Sam Lee", "it's under Sam Lee", True),  # the sentence around the name
        ("May Lee", "it is May Lee", True),  # a name that is also a month
        ("Will Smith", "Will Smith", True),  # a name that is also a common word
        ("Sam Lee", "Lee Sam", False),
        ("Sam Lee", "", False),
    ],
)
def test_names_match(stored: str, said: str, same: bool) -> None:
    """Names compare by their words, forgiving case, accents and one slip in a long word."""
    assert names_match(stored, said) is same


def test_a_huge_stored_name_is_greeted_short(agent: Receptionist) -> None:
    """A name stored long ago at 10,000 characters is greeted in a few words."""
    user = agent.store.find_user_by_phone(SAM)
    assert user is not None
    agent.store.set_user_name(user.id, "Sam " + "Lee" * 3_333)
    greeting = agent.conversation("long-name").start(caller_id=SAM)
    assert greeting.startswith("Thanks for calling") and len(greeting) < 200


@pytest.mark.usefixtures("sams_appointments")
def test_failures_across_calls_lock_the_account_by_phone(agent: Receptionist) -> None:
    """Guessing over many calls runs into a lock: after five failed checks in a day even the
    right answers open nothing, and the caller ID owner is not locked out."""
    for n in range(3):
        call = _claim(agent, f"guess-{n}")
        for day in ("Friday", "Monday")[: 5 - 2 * n]:
            call.say("Sam Lee")
            call.say(day)
        call.hang_up()
    late = _claim(agent, "late")
    assert "can't be opened by phone" in late.last_reply()
    assert late.state().stage == "take_message" and late.state().user_id is None
    owner = agent.conversation("sip")
    owner.start(caller_id=SAM)
    assert "December 3rd" in owner.say("what do I have booked?").reply


@pytest.mark.usefixtures("sams_appointments")
def test_a_passed_check_clears_earlier_failures(agent: Receptionist) -> None:
    """The owner who gets it right after a slip starts from a clean count."""
    for n in range(2):
        call = _claim(agent, f"slip-{n}")
        call.say("Sam Lee")
        call.say("Friday")
        if n == 1:
            call.say("Sam Lee")
            assert "Welcome back" in call.say("December 3rd").reply
    user = agent.store.find_user_by_phone(SAM)
    assert user is not None
    assert agent.store.failed_identity_checks(user.id, since=NOW - timedelta(days=1)) == 0


@pytest.mark.usefixtures("sams_appointments")
def test_both_answers_at_once_are_judged_without_a_second_question(agent: Receptionist) -> None:
    """ "It's Sam Lee, and it's on December 3rd" answers both checks in one line."""
    call = _claim(agent, "both")
    assert (
        "Welcome back, Sam Lee"
        in call.say("It's Sam Lee, and my next one is on December 3rd").reply
    )


@pytest.mark.usefixtures("sams_appointments")
def test_a_wrong_day_said_with_the_name_fails_at_once(agent: Receptionist) -> None:
    """A wrong day said with the right name fails the check like any other wrong answer."""
    call = _claim(agent, "both-wrong")
    assert "doesn't match" in call.say("it's under Sam Lee, December 4th").reply
