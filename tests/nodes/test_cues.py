"""Word cues read from the caller's own words: bare closings, farewells, confirm, direction."""

from __future__ import annotations

import pytest

from nodes.cues import closes_only, confirms_mine, direction, says_farewell


@pytest.mark.parametrize(
    "said",
    ["no", "No thanks.", "nope, that's all", "No thank you, that will be all", "Nah, I'm all set",
     "no, that would be all", "No that's it thank you so much", "not right now, thanks"],
)  # fmt: skip
def test_a_bare_closing_only_declines(said: str) -> None:
    """A no made only of closing words is bare: to "anything else?" it ends the call."""
    assert closes_only(said)


@pytest.mark.parametrize(
    "said",
    ["That won't work, I'd like to find another place", "No, that's all wrong", "yes, that's it",
     "No, I need something else", "thanks", "ok"],
)  # fmt: skip
def test_a_no_with_anything_else_in_it_is_not_bare(said: str) -> None:
    """A no that carries something new, or no no at all, is not a closing."""
    assert not closes_only(said)


def test_only_words_of_parting_are_a_farewell() -> None:
    """ "Bye" and "have a nice day" part; "that's all" alone answers a question."""
    assert says_farewell("ok, bye") and says_farewell("thanks, have a nice day")
    assert not says_farewell("that's all") and not says_farewell("no thanks")


@pytest.mark.parametrize(
    "said",
    ["Confirm my appointment on March 7th at 11:30", "Can you confirm an appointment for Friday?",
     "I'm calling to confirm my booking on the 3rd", "can you confirm I have a visit Monday"],
)  # fmt: skip
def test_confirming_an_appointment_is_recognised(said: str) -> None:
    """ "Confirm my/an appointment ..." asks us to check it (and book it if it is not there)."""
    assert confirms_mine(said)
    assert not confirms_mine("yes, confirmed")


def test_later_and_earlier_point_one_way() -> None:
    """ "Anything later?" points later, "something sooner?" earlier, both or neither nowhere."""
    assert direction("how about later that day") == "later"
    assert direction("anything sooner?") == "earlier"
    assert direction("earlier or later, either is fine") is None
    assert direction("none of those work") is None
