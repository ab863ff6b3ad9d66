"""Word cues the tracker reads from the caller's own words, whichever engine understood them.

They weigh what the `Understanding` frame cannot say: whether a no carries anything else
("no thanks" against "no, I'd like another place"), whether a goodbye is said in so many
words, "confirm my appointment ...", and which way "anything later?" points. Patterns run on
`lexicon.normalize` output, like those in `nodes.understanding.intents`.
"""

from __future__ import annotations

import re
from typing import Literal

from nodes.understanding.lexicon import normalize

APPT = r"(?:appointments?|bookings?|reservations?|visits?)"
"""What callers call an appointment."""


_CLOSING = re.compile(
    r"(?:(?:no|nope|nah|not really|not (?:right )?now|not today|nothing(?: else| more)?"
    r"|thanks?(?: (?:so|very) much| a lot)?|thank you(?: (?:so|very) much)?|cheers"
    r"|that(?:'?s| is|'?ll be| will be| would be|'?d be) (?:all|everything|it)(?: i need(?:ed)?)?"
    r"|(?:i'?m|we'?re|i am|we are) (?:all )?(?:good|set|done|fine)|all good"
    r"|i (?:think|guess)(?: so)?"
    r"|for (?:now|today)|(?:good ?)?bye(?: bye)?|have a (?:good|nice|great|lovely) "
    r"(?:day|one|night|evening|weekend)|you too|ok(?:ay)?|alright|all right|really)(?: |$))+"
)
_CLOSER = re.compile(r"\b(?:no|nope|nah|not|nothing|that'?s|that is|that'?ll|done|set|bye)\b")
_FAREWELL = re.compile(
    r"\b(?:good ?bye|bye(?: bye)?)\b|\bhave a (?:good|nice|great|lovely) "
    r"(?:day|one|night|evening|weekend)\b|\bhang up\b|\bsee (?:you|ya)\b"
    r"|\btalk (?:to you )?(?:later|soon)\b"
)
_FINISHED = re.compile(
    r"\bthat(?:'?s| is|'?ll be| will be| would be|'?d be) (?:all|everything|it)\b"
    r"|\b(?:i'?m|we'?re|i am|we are) (?:all )?(?:good|set|done|fine)\b|\bnothing (?:else|more)\b"
    r"|\ball good\b|\bbye\b"
)
_LATER = re.compile(r"\b(?:later|after that|afterwards)\b")
_EARLIER = re.compile(r"\b(?:earlier|sooner|before that)\b")
_CONFIRM_MINE = re.compile(
    rf"\bconfirm(?:ing)? (?:me )?(?:(?:my|the|our|an?) (?:\w+ )?{APPT}"
    r"|(?:that )?i (?:have|am booked|'?m booked))"
)


def closes_only(text: str) -> bool:
    """Return True when the utterance only declines or closes: "no", "nope, that's all".

    Anything else said with the no ("no, I'd like another place") is a correction or a
    new request, so it never ends the call.
    """
    norm = normalize(text)
    return bool(_CLOSING.fullmatch(norm)) and _CLOSER.search(norm) is not None


def says_farewell(text: str) -> bool:
    """Return True when the caller says goodbye in so many words ("bye", "have a nice day")."""
    return _FAREWELL.search(normalize(text)) is not None


def finished(text: str) -> bool:
    """Return True when the caller says they are done ("that's all", "I'm good", "bye")."""
    return _FINISHED.search(normalize(text)) is not None


def confirms_mine(text: str) -> bool:
    """Return True for "confirm my appointment ...": read out if booked, else a booking."""
    return _CONFIRM_MINE.search(normalize(text)) is not None


def direction(text: str) -> Literal["later", "earlier"] | None:
    """Return which way "anything later?" / "something earlier?" asks to move, if either."""
    norm = normalize(text)
    later, earlier = _LATER.search(norm), _EARLIER.search(norm)
    if later and not earlier:
        return "later"
    if earlier and not later:
        return "earlier"
    return None


MAX_NAME_WORDS = 4
MAX_NAME_CHARS = 60
"""A caller's name is kept to a few words: it is said back in greetings and summaries."""

_NONE = re.compile(
    r"\b(?:none|nothing|no(?: i (?:do ?n'?t|have ?n'?t))?"
    r"|i (?:do ?n'?t|have ?n'?t|do not|have not)(?: got| have)? (?:one|any)"
    r"|there (?:is ?n'?t|are ?n'?t) (?:one|any))\b"
)


_THAT_ONE = re.compile(
    r"\b(?:it|that(?: one| appointment| booking| visit)?|this(?: one| appointment| booking))\b",
    re.IGNORECASE,
)


_MOVE_IT = re.compile(r"\b(?:move|shift|push|bump|change) (?:it|that(?: one)?|this one)\b", re.I)


def moves_it(text: str) -> bool:
    """Return True for "move it", "can we shift that one": a move of the one talked about."""
    return _MOVE_IT.search(text) is not None


def means_that_one(text: str) -> bool:
    """Return True when the caller points at an appointment already talked about ("move it",
    "cancel that one"); "my appointment" names none in particular."""
    return _THAT_ONE.search(text) is not None


def says_none(text: str) -> bool:
    """Return True when the caller says they have none ("I don't have one", "none")."""
    return bool(_NONE.search(normalize(text)))


def bounded_name(name: str) -> str:
    """Keep the first few words of a name, within a length that is short to say."""
    words = name.split()[:MAX_NAME_WORDS]
    kept = " ".join(words)
    return kept if len(kept) <= MAX_NAME_CHARS else kept[:MAX_NAME_CHARS].rsplit(" ", 1)[0]
