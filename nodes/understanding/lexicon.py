"""Word lists, the text normaliser and shared regex fragments for the rule engine.

Everything here is computed once at import so per-utterance work is only regex matching.
The normaliser turns STT output and typed text alike into one shape: lowercase, plain
apostrophes, no punctuation except ``:`` and ``/`` between digits, and number words turned
into digits where that is safe (``"ten thirty"`` → ``"10:30"``, but ``"this one"`` keeps
its ``one``).
"""

from __future__ import annotations

import re

from nodes.understanding.bounds import ending_at

UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
UNIT_VALUE = {word: i + 1 for i, word in enumerate(UNITS)}
TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}

_ORDINAL_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}
_ORDINAL_TEENS = {
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
ORDINAL_WORDS: dict[str, int] = {**_ORDINAL_UNITS, **_ORDINAL_TEENS}
for _tens, _base in (("twenty", 20), ("thirty", 30)):
    for _word, _unit in _ORDINAL_UNITS.items():
        if _base + _unit <= 31:
            ORDINAL_WORDS[f"{_tens} {_word}"] = _base + _unit

# Longest first so "twenty first" wins over "first".
ORDINAL = (
    r"(?:\d{1,2}(?:st|nd|rd|th)|" + "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True)) + r")"
)
"""A day-of-month or choice ordinal: "3rd", "13th", "third", "twenty first"."""

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"

WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "tues": 1,
    "wednesday": 2,
    "thursday": 3,
    "thurs": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
WEEKDAY = r"(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")s?"

CHOICE_NOUN = r"(?:one|ones|option|slot|time|appointment|choice|booking)"
"""Words that make an ordinal a pick ("the second one") rather than a day."""

RULED_OUT = re.compile(
    r"\b(?:instead of|rather than|other than|except|(?<!if )(?<!why )not|since|busy"
    r"|have (?:something|another \w{1,24}|a meeting|plans|work|class)(?: else)?)"
    r" (?:(?:on|at|for|in|the) ){0,4}$"
)
"""Words just before a day or time that make it no wish: "instead of the 13th", "not at 3",
a clash ("I have something else at 2", "I'm busy on Friday") and the story of a complaint
("a toothache since yesterday"). "If not, Tuesday" / "why not Tuesday" still mean Tuesday.

"I can't make it on Friday" is not among them: said to cancel, it names the appointment.

Search it with `bounds.ending_at` at the start of the phrase; its bounded repeats keep it
within `bounds.LOOKBACK`.
"""


def ordinal_value(word: str) -> int:
    """Return the number an ordinal token stands for ("3rd" → 3, "third" → 3)."""
    if word[0].isdigit():
        return int(word[:-2])
    return ORDINAL_WORDS[" ".join(word.split())]


def number_value(word: str) -> int | None:
    """Return the value of a digit string or a single cardinal word up to nineteen."""
    if word.isdigit():
        return int(word)
    return UNIT_VALUE.get(word) or TEENS.get(word)


_UNIT = "|".join(UNITS)
_HOUR_WORD = _UNIT + "|ten|eleven|twelve"
_MINUTE_WORD = (
    rf"(?:oh|o) (?:{_UNIT})|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    rf"eighteen|nineteen|(?:twenty|thirty|forty|fifty)(?: (?:{_UNIT}))?"
)
_WORD_CLOCK = re.compile(rf"\b({_HOUR_WORD}|\d{{1,2}}) ({_MINUTE_WORD})\b(?! (?:days?|weeks?))")
_DAY_BEFORE = re.compile(rf"\b(?:{MONTH}|the|on)\s?$")  # single-spaced text: one space at most
"""'ten thirty' → 10:30; a digit hour is not one after a month ('March 8, twelve o'clock')."""
_COMPOUND = re.compile(rf"\b(twenty|thirty|forty|fifty) ({_UNIT})\b")
_ORDINAL_UNIT = "|".join(_ORDINAL_UNITS)
_SIMPLE_NUMBER = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)\b"
    rf"(?! (?:{_ORDINAL_UNIT}))"
)
# "one" is a number only where a number is expected; "this one"/"the second one" keep it.
_ONE = re.compile(
    r"(?:\b(at|by|to|or|in|and|from|till|until|about|after|before|around|number|option|choice)"
    r" )?\bone\b(?=( (?:am|pm|o'?clock|oh|o|weeks?|days?|months?|"
    r"in the (?:morning|afternoon|evening))\b)?)"
)
_NOT_BEFORE_ONE = frozenset(
    ("the", "this", "that", "which", "any", "each", "another", "a", "every")
)
_LONGEST_BEFORE_ONE = max(map(len, _NOT_BEFORE_ONE))
_COUPLE = re.compile(r"\ba couple(?: of)?\b")
_A_UNIT = re.compile(r"\b(in|from|within) an? (day|week|month)\b")


_MINUTES_WORDS = {"five": 5, "ten": 10, "twenty": 20, "twenty five": 25}
_HOUR_VALUES = {**UNIT_VALUE, "ten": 10, "eleven": 11, "twelve": 12}
_TO_PAST = re.compile(
    r"(?<!\bfrom )(?<!\bbetween )\b(twenty five|twenty|ten|five)(?: minutes)?"
    rf" (to|till|til|before|of|past|after) ({_HOUR_WORD}|1[0-2]|[1-9])\b(?! (?:days?|weeks?))"
)
"""Spoken minutes to or past an hour: "ten to five" = 4:50, "five past three" = 3:05.

Only spelled-out minutes: a typed "10 to 5" is a range. "quarter" and "half" stay for
`nodes.understanding.clock`, which also settles their am/pm."""


def _to_past(match: re.Match[str]) -> str:
    minutes, hour = _MINUTES_WORDS[match.group(1)], _HOUR_VALUES.get(match.group(3))
    hour = hour or int(match.group(3))
    if match.group(2) in ("past", "after"):
        return f"{hour}:{minutes:02d}"
    return f"{hour - 1 if hour > 1 else 12}:{60 - minutes:02d}"


def _word_clock(match: re.Match[str]) -> str:
    if match.group(1).isdigit() and ending_at(_DAY_BEFORE, match.string, match.start()):
        return match.group(0)  # "March 8, twelve o'clock": the 8 is a day, not an hour
    hour = number_value(match.group(1))
    words = match.group(2).split()
    if words[0] in ("oh", "o"):
        minute = UNIT_VALUE[words[1]]
    else:
        minute = TEENS.get(words[0]) or TENS[words[0]]
        if len(words) == 2:
            minute += UNIT_VALUE[words[1]]
    if hour is None or not 1 <= hour <= 12:
        return match.group(0)
    return f"{hour}:{minute:02d}"


def _compound(match: re.Match[str]) -> str:
    return str(TENS[match.group(1)] + UNIT_VALUE[match.group(2)])


def _simple(match: re.Match[str]) -> str:
    word = match.group(1)
    return str(UNIT_VALUE.get(word) or TEENS.get(word) or TENS[word])


def _word_before(text: str, end: int) -> str | None:
    """Return the word before `end` (its last few letters when long), None if there is none.

    Only the letters a `_NOT_BEFORE_ONE` check needs are read, not the whole text before.
    """
    stop = end
    while stop > 0 and text[stop - 1].isspace():
        stop -= 1
    start = stop
    while start > 0 and not text[start - 1].isspace() and stop - start <= _LONGEST_BEFORE_ONE:
        start -= 1
    return text[start:stop] or None


def _one(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)} 1"
    before = _word_before(match.string, match.start())
    if (match.group(2) and before not in _NOT_BEFORE_ONE) or (
        before is None and match.end() == len(match.string)
    ):
        return "1"
    return match.group(0)


_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": " ", "\u201d": " "})
_DOTTED_MERIDIEM = re.compile(r"\b([ap])\. ?m\b\.?")
_DOT_CLOCK = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")
_ISH = re.compile(r"(?<=\d)ish\b")
_PUNCT = re.compile(r"(?<!\d)[:/]|[:/](?!\d)|[^a-z0-9:/' ]")
_STRAY_QUOTE = re.compile(r"(?<![a-z])'|'(?![a-z])")
_SPACED_MERIDIEM = re.compile(r"(?<=\d) ?([ap]) ?m\b")
_SPACED_CLOCK = re.compile(r"\b(1[0-2]|[1-9]) ([0-5]\d) ([ap]m)\b")  # STT "2 15 pm" = 2:15 pm
_SPACES = re.compile(r"\s+")


def _spaced_clock(match: re.Match[str]) -> str:
    if ending_at(_DAY_BEFORE, match.string, match.start()):
        return match.group(0)  # "March 8, 12 pm": a day then an hour, not 8:12
    return f"{match.group(1)}:{match.group(2)} {match.group(3)}"


def normalize(text: str) -> str:
    """Lowercase and tidy `text`, turning safe number words into digits."""
    s = text.lower().translate(_CURLY)
    s = _DOTTED_MERIDIEM.sub(r"\1m", s)
    s = _DOT_CLOCK.sub(r"\1:\2", s)
    s = _ISH.sub("", s)
    s = _PUNCT.sub(" ", s)
    s = _STRAY_QUOTE.sub(" ", s)
    s = _SPACES.sub(" ", s).strip()
    s = _TO_PAST.sub(_to_past, s)
    s = _WORD_CLOCK.sub(_word_clock, s)
    s = _COMPOUND.sub(_compound, s)
    s = _SIMPLE_NUMBER.sub(_simple, s)
    s = _ONE.sub(_one, s)
    s = _COUPLE.sub("2", s)
    s = _A_UNIT.sub(r"\1 1 \2", s)
    s = _SPACED_MERIDIEM.sub(r" \1m", s)
    return _SPACED_CLOCK.sub(_spaced_clock, s)
