"""Picks among offered options: "the second one" → 1, "the last one" → -1, "option 3" → 2.

Explicit picks ("the second one", "option 3", "number two") count in every state. A bare
ordinal ("the second", "first please") or a bare number 1-9 ("2", "two") counts only
when we just offered a list (slot_choice / appointment_choice); elsewhere "on the second"
is a day and "2" may be a time. "The 2:30 one" is a time, left to the graph to match.
"""

from __future__ import annotations

import re

from nodes.understanding.lexicon import CHOICE_NOUN

CHOICE_STATES = frozenset(("slot_choice", "appointment_choice"))
"""States in which we have just read out a numbered list."""

_PICKS = {
    "first": 0,
    "second": 1,
    "third": 2,
    "fourth": 3,
    "fifth": 4,
    "sixth": 5,
    "seventh": 6,
    "eighth": 7,
    "ninth": 8,
    "last": -1,
    "final": -1,
    "latter": -1,
    "former": 0,
    "middle": 1,
}
_WORD = "|".join(_PICKS)
_DIGIT_ORD = r"[1-9](?:st|nd|rd|th)"

_EXPLICIT = re.compile(
    rf"\b(?:the |that |my )?({_WORD}|{_DIGIT_ORD}) (?:one|ones|option|slot|choice)\b"
    r"|\b(?:option|number|choice|slot) ([1-9])\b(?![:\d])"
)
_IN_LIST = re.compile(
    rf"\b(?:the |that |my )?({_WORD}|{_DIGIT_ORD}) (?:{CHOICE_NOUN})\b"
    rf"|(?<!on )(?<!on the )\b(?:the )?({_WORD})\b"
    r"(?= *$| please| thanks| thank you| works| is | sounds| would)"
)
_NUMBER_ALONE = re.compile(
    r"(?:(?:um|uh|ok|okay|yes|yeah|so|i'll take|i will take|let's do|let's go with|go with|"
    r"give me|i want|i'd like|i'll have|how about|maybe) +)*"
    r"(?:the |number |option )?([1-9]|one)(?: +(?:please|thanks|thank you|one))*"
)


def _value(token: str) -> int:
    if token[0].isdigit():
        return int(token[0]) - 1
    return _PICKS[token]


def find_choice(text: str, *, expecting: str) -> tuple[int | None, tuple[int, int] | None]:
    """Return (0-based pick or None, its span) from normalised `text`."""
    m = _EXPLICIT.search(text)
    if m is None and expecting in CHOICE_STATES:
        m = _IN_LIST.search(text)
    if m is not None:
        token = m.group(1) or m.group(2)
        return _value(token), m.span()
    if expecting in CHOICE_STATES:
        lead = len(text) - len(text.lstrip())
        alone = _NUMBER_ALONE.fullmatch(text.strip())
        if alone is not None:
            token = alone.group(1)
            span = (lead + alone.start(), lead + alone.end())
            return (0 if token == "one" else int(token) - 1), span
    return None, None
