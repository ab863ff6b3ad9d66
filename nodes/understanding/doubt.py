"""Words that look like a day but were not read: they make the reading uncertain.

The day and time passes blank every phrase they use. Whatever day-like words are left
(a weekday or month name, an ordinal, "fortnight", "after next", "2 days before", a
holiday of another country, "the Tuesday after my surgery") mean the caller said more
about the day than we understood. Reading back the rest would be a silent misread, so
the graph asks instead ("Sorry, which day did you mean?").

Kept out on purpose, because callers say them about other things than the day:
"the first one" / "the second option" (picks, blanked before), "3rd Street", "2nd grade",
"once a week", "I've waited 2 weeks", "what day works", "any day", "good morning".
"""

from __future__ import annotations

import re
from datetime import date

from nodes.understanding.holiday_days import foreign_names, holiday_book
from nodes.understanding.lexicon import ORDINAL, WEEKDAY

_LONG_MONTH = (
    r"(?:january|february|april|june|july|august|september|sept|october|november|december)"
)
_EVENTS = (
    r"birthday|anniversary|surgery|operation|vacation|holidays?|trip|conference|wedding|exams?"
    r"|payday|pay day|graduation|procedure|shift|funeral|recital|interview|party|return"
    r"|break|treatment|chemo|due date|visit|flight|move|game|meeting|class|semester|term"
)
_DAY_NOT_HOLIDAY = (
    r"the|a|an|any|which|what|that|this|same|next|every|each|one|other|whole|full|good|nice"
    r"|great|long|busy|work|working|week|school|business|per|half|entire|your|my|our|their"
    r"|his|her|its|some|another|different|particular|specific|certain|early|late|later|rainy"
    r"|bad|slow|quiet|free|open|off|sick|spa|first|last|second|third|big|\d+|to|that's"
    r"|lovely|rest|travel|single|exact|best|better|following|previous|such"
)
_NOT_A_DAY_AFTER = (
    r"streets?|st|avenue|ave|road|rd|boulevard|blvd|floor|grade|century|row|round|time|times"
    r"|try|attempt|visit|kid|child|son|daughter|baby|birthday|anniversary|one|option|choice"
    r"|slot|appointment|person|people|place|doctor|dentist|therapist|stylist|salon|result"
)
"""After a leftover "3rd", these make it an address, a grade or a pick, not a day."""
_BEFORE_NAME = (
    r"in|on|for|of|early|late|mid|by|until|till|next|this|around|during|before|after|from"
    r"|since|over|through"
)
"""A month or a "<name> day" counts as a day only after one of these ("on Boxing Day")."""
_CUES: tuple[tuple[re.Pattern[str], bool], ...] = (
    (re.compile(rf"\b{WEEKDAY}\b"), False),
    (re.compile(rf"\b(?:{_BEFORE_NAME}) (?:the )?{_LONG_MONTH}\b|\b{_LONG_MONTH} \d"), False),
    (re.compile(r"\b(?:fortnights?|weekend|after next|but next|mid ?week)\b"), False),
    (re.compile(r"\b(?:fortieth|fiftieth|sixtieth|hundredth|thirtieth|twentieth)\b"), False),
    (re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)\b(?! (?:{_NOT_A_DAY_AFTER})\b)"), False),
    (re.compile(r"\b(?:twenty|thirty|forty|fifty|[2-9]0) (?:first|second|third|\w+th)\b"), False),
    (
        re.compile(
            r"\b(?:\d{1,2}|an?|few|couple|several|some) (?:more )?(?:days?|weeks?|months?)"
            r" (?:after|before|from|later|out|prior|following|on)\b"
        ),
        False,
    ),
    (
        re.compile(
            r"\b(?:within|after|from|that|following|coming|same|the next|the following)"
            r" (?:\d{1,2} |a |few |couple of )?(?:weeks?|months?)\b"
        ),
        False,
    ),
    (re.compile(r"\bthe (?:day|week|month|weekend) (?:after|before|of)\b"), False),
    (re.compile(rf"\b(?:{ORDINAL}|last|final) (?:week|weekend|day)s? (?:of|in)\b"), False),
    (re.compile(r"\bthe (?:next|following|previous) (?:day|morning|afternoon)\b"), False),
    (
        re.compile(
            rf"\b(?!in\b)(?:{_BEFORE_NAME}) (?:the )?(?!(?:{_DAY_NOT_HOLIDAY})\b)[a-z]+(?:'s)?"
            r" (?:day|eve)\b"
        ),
        True,
    ),
    (
        re.compile(
            r"\b(?:after|before|around|following|on|for|by|until|till|near|close to)"
            rf" (?:my|the|his|her|our|their|your) (?:\w+ )?(?:{_EVENTS})\b"
        ),
        True,
    ),
)
"""Day-like words, each with whether it counts only when no day was read at all."""

_RELATION_AFTER_DAY = re.compile(
    r"(?:after|before|following) (?:the |my |our |his |her |their |your )?"
    r"(?!(?:work|school|class|lunch|noon|then|it|dinner|breakfast|[0-9])\b)[a-z]"
)
"""A day followed by a relation to something unread: "Tuesday after my surgery".

Matched at the first letter after the day (`_NOT_SPACE`): the blanks between days are
skipped once, not once per day ("tomorrow tomorrow tomorrow ..." is all blanks)."""
_NOT_SPACE = re.compile(r"[^ ]")
_TAIL = re.compile(r"[a-z' ]*")


def doubt(
    said: str,
    *,
    after_days: str,
    rest: str,
    spans: tuple[tuple[int, int], ...],
    read_a_day: bool,
    region: str,
    today: date,
) -> str | None:
    """Return the unread day-like words (with the day phrase next to them), or None.

    `after_days` is `said` with the day phrases blanked (`spans` are their positions),
    `rest` has the time phrases blanked too (the time pass may reorder words, so its
    positions are not those of `said`).
    """
    aligned = len(rest) == len(said)
    for pattern, only_without_day in _CUES:
        if only_without_day and read_a_day:
            continue
        m = pattern.search(rest)
        if m is not None:
            return _phrase(said, m.start(), m.end(), spans) if aligned else m.group(0)
    m = foreign_names(region, today.year).search(rest)
    m = m or holiday_book(region, today.year).mention.search(rest)
    if m is not None:
        return _phrase(said, m.start(), m.end(), spans) if aligned else m.group(0)
    before, word = -1, -1  # the last day's end and the first letter after it
    for _, end in spans:
        if not before <= end <= word:  # else only blanks lie between `end` and `word`
            found = _NOT_SPACE.search(after_days, end)
            word = found.start() if found else len(after_days)
        before = end
        relation = _RELATION_AFTER_DAY.match(after_days, word)
        if relation is not None:
            tail = _TAIL.match(said, relation.end() - 1)
            stop = tail.end() if tail else relation.end() - 1
            return _phrase(said, end, stop, spans)
    return None


def _phrase(said: str, start: int, end: int, spans: tuple[tuple[int, int], ...]) -> str:
    """Return the doubtful words with the day phrases next to them, as a short quote."""
    for first, last in spans:
        if last >= start - 1 and first <= end + 1:
            start, end = min(start, first), max(end, last)
    return " ".join(said[start:end].split()[:8])
