"""Caller names: "my name is Sam Lee" anywhere; "it's Sam", "Sam Lee please" when asked.

A name is one to three words of letters (apostrophes and hyphens allowed: O'Brien,
Mary-Jane) none of which is a common non-name word, so "yes", "I don't know", "the
second one" or "tomorrow" are never names. Casing: all-lower or all-upper words are
title-cased ("sam lee" → "Sam Lee"); mixed case is kept as said ("DeShawn").
"""

from __future__ import annotations

import re

from nodes.understanding.bounds import ending_at

_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'"})
_CLEAN = re.compile(r"[^\w'\- ]|(?<!\w)['\-]|['\-](?!\w)")
_EXPLICIT_CUE = re.compile(r"\b(?:my name(?:'s| is)|(?:the )?name(?:'s| is))\s+", re.IGNORECASE)
_ASKED_CUE = re.compile(
    r"^(?:(?:yes|yeah|yep|sure|ok|okay|hi|hello|hey|um|uh|so|well|oh)\s+)*"
    r"(?:my name(?:'s| is)|(?:the )?name(?:'s| is)|it'?s|it is|this is|i'?m|i am|call me"
    r"|you can call me|they call me)\s+",
    re.IGNORECASE,
)
_LEAD_FILLER = re.compile(
    r"^(?:(?:yes|yeah|yep|sure|ok|okay|hi|hello|hey|um|uh|so|well|oh)\s+)+", re.IGNORECASE
)
_TAIL_FILLER = re.compile(
    r" (?:please|thanks|thank you|here|speaking|thanks a lot)$", re.IGNORECASE
)
"""One filler at the end of single-spaced text; `_without_tail_fillers` takes them off one
by one from the end.

As one ``(?:...)+$`` search it tried every filler in the line as the first of the tail,
quadratic on "please please please ... x"."""
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_MAX_WORDS = 3

_NON_NAME_WORDS = """
    yes yeah yep yup sure no nope nah ok okay alright right correct wrong fine good great
    perfect hi hello hey bye goodbye thanks thank please sorry um uh oh well so just
    i me my mine you your we our us it its it's this that these those they them he she
    him her his a an the and or but to for at on in of with from by about as if not
    is am are was were be been do does did don't can can't could would will won't should
    have has had want need like know think mean meant wait actually really maybe
    what who why how when where which whose whatever
    appointment appointments booking book booked cancel reschedule time slot number phone
    name call calling called help repeat again never mind nothing something anything
    everything all done one two three four five six seven eight nine ten first second
    third last next today tomorrow tonight yesterday morning afternoon evening noon night
    week weekend monday tuesday wednesday thursday friday saturday sunday
    still here there same other else available free busy later earlier soon now then
"""
NON_NAME = frozenset(_NON_NAME_WORDS.split())
"""Words that are never (part of) a name in our conversations."""


def _title(word: str) -> str:
    return word.title() if word.islower() or word.isupper() else word


def _without_tail_fillers(text: str) -> str:
    """Drop "please", "thanks", "here", ... said at the end, one after another."""
    end = len(text)
    while m := ending_at(_TAIL_FILLER, text, end):
        end = m.start()
    return text[:end]


def _take(text: str, *, whole: bool) -> str | None:
    """Return up to three name words from the start of `text`; `whole` = nothing may follow."""
    words: list[str] = []
    rest = text
    # One word past the three kept tells a whole answer is too long for a name; reading on
    # would copy the rest of a long line once per word.
    while rest and len(words) <= _MAX_WORDS:
        m = _WORD.match(rest)
        if m is None or m.group(0).lower() in NON_NAME:
            break
        words.append(m.group(0))
        rest = rest[m.end() :].lstrip()
    if not words or (whole and (rest or len(words) > _MAX_WORDS)):
        return None
    return " ".join(_title(word) for word in words[:_MAX_WORDS])


def find_name(text: str, *, asked: bool) -> tuple[str | None, bool]:
    """Return (the caller's name or None, whether a cue like "my name is" introduced it).

    `asked` = we just asked for the name; only then may a bare "Sam Lee" or "it's Sam" count.
    """
    clean = " ".join(_CLEAN.sub(" ", text.translate(_CURLY)).split())
    clean = _without_tail_fillers(clean)
    explicit = _EXPLICIT_CUE.search(clean)
    if explicit is not None:
        return _take(clean[explicit.end() :], whole=False), True
    if not asked:
        return None, False
    cue = _ASKED_CUE.match(clean)
    if cue is not None:
        return _take(clean[cue.end() :], whole=False), True
    return _take(_LEAD_FILLER.sub("", clean), whole=True), False
