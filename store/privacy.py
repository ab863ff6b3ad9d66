"""Mask phone numbers in any text a person reads: digits in any grouping, or said as words.

A *run* is a stretch of digit groups joined only by spaces, dashes, dots, commas, brackets
or a plus: "+44 20 7183 8750", "(415) 555-0123", "0044 20 7183 8750", "4155550123", and
as speech-to-text writes them: "four one five, five five five, oh one two three", "double
five", "triple seven", "four fifteen", "plus four four ...", or mixed ("415 five five five
0123"). A run of 7 digits or more is a phone number: it becomes "***" and its last two
digits ("***23"), so analysts can still tell calls apart.

What analysts need to read never joins a run, so it stays as it is: times and ratios
("10:30", "15:00:00"), dates ("12/11/2026", "2026-12-11", "11.12.2026"), ISO timestamps,
ids (words tied by dashes with a letter and a digit in them: "405af86a-55ae-..."), prices
("$1,250,000"), decimals ("0.0012"), IPv4 addresses ("192.168.100.200", in server logs),
and short numbers ("the 14th", "3 PM", "3 people").
A line break ends a run. A long count in bare digits ("1234567", "1,250,000") is masked:
nothing tells it from a number, and a caller's number shown in clear is the worse mistake.

Linear time, and fast (see tests/test_masking.py): the patterns read a lowercased ASCII
copy of the text as bytes (the same length, so positions carry over); every repeat is of
single characters or possessive, and every lookahead stops within a few words, so nothing
backtracks. The spans to keep are blanked in that copy first, then runs are found in it.
Python code runs per kept span and per run of 7 digits or with a number word, never per
character or per word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MIN_DIGITS = 7
"""A run this long is a phone number (a local number without its area code has 7)."""

_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"]
_TEENS += ["seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SAID = {b"zero": "0", b"oh": "0", b"o": "0", b"hundred": "00"}
_SAID |= {str(digit).encode(): str(digit) for digit in range(10)}
_SAID |= {word.encode(): str(value) for value, word in enumerate(_UNITS, 1)}
_SAID |= {word.encode(): str(value) for value, word in enumerate(_TEENS, 10)}
_SAID |= {word.encode(): str(value) for value, word in enumerate(_TENS, 2)}  # "twenty": "2"
_REPEAT = {b"double": 2, b"triple": 3}


def _either(words: list[str]) -> bytes:
    """Return a pattern matching any of `words`, grouped by first letter (tested once)."""
    heads: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):  # the longest first: "oh" before "o"
        heads.setdefault(word[0], []).append(word[1:])
    return b"(?:%b)" % b"|".join(
        b"%s(?:%b)" % (head.encode(), "|".join(tails).encode()) for head, tails in heads.items()
    )


_DIGIT_WORD = _either(["zero", "oh", "o", *_UNITS])
_NUMBER = _either(["zero", "oh", "o", *_UNITS, *_TEENS, *_TENS, "double", "triple", "hundred"])
_JOIN = rb"[-.,()+ \t]*+"  # what may stand between two groups of one number
_GROUP = rb"\b(?:[0-9]++|" + _NUMBER + rb")\b"
_UNIT = rb"(?:[0-9]|\b" + _NUMBER + rb"\b)"  # a word says 2 digits at most
_RUN = re.compile(
    rb"\b(?=[0-9defhnostz])(?<![0-9][-.,()+ \t])"  # a run's first group, digit or word
    rb"(?=(?:" + _JOIN + rb"[0-9]){7}"  # 7 digits before any word,
    rb"|(?=(?:[0-9]++" + _JOIN + rb")*+\b" + _NUMBER + rb"\b)"  # or a word among
    rb"(?=" + _UNIT + rb"(?:" + _JOIN + _UNIT + rb"){3}))"  # 4 units (2 digits a unit at most)
    rb"(?:[0-9]++|" + _NUMBER + rb")\b(?:" + _JOIN + _GROUP + rb")*+"
)
_OPENING = re.compile(rb"(?:\bplus" + _JOIN + rb"|[+(]{1,2})\Z")
_SPOKEN = re.compile(
    rb"(?P<times>double|triple)[ \t-]*+(?P<repeated>[0-9]|%b)\b"  # "double five": 55
    rb"|(?P<tens>%b)(?:[ \t-]++(?P<unit>%b)\b)?"  # "forty two": 42, "forty": 40
    rb"|(?P<said>[0-9]++|%b)" % (_DIGIT_WORD, _either(_TENS), _either(_UNITS), _NUMBER)
)

# Kept spans. Each pattern starts with a cheap test (\b, a digit, "$"): one that starts
# with a lookbehind is tried at every position and costs ten times more.
_ID = re.compile(
    rb"\b(?=[a-z0-9])(?<![-_])(?=[a-z0-9]++[-_])(?=[a-z_-]*+[0-9])(?=[0-9_-]*+[a-z])"
    rb"[a-z0-9]++(?:[-_]++[a-z0-9]++)++"
)
_KEPT = re.compile(
    rb"\b(?=[0-9])(?<![0-9][-.,:/])(?:"
    # a time, a ratio, a slashed date: "10:30", "15:00:00.123", "12/11/2026"
    rb"[0-9]++(?:[:/][0-9]++)++(?:\.[0-9]++)?"
    # a date: 2026-12-11, 2026.12.11, 11.12.2026, 12-11-2026
    rb"|(?:(?:19|20|21)[0-9]{2}([-.])[01]?[0-9]\1[0-3]?[0-9]"
    rb"|[0-3]?[0-9]([-.])[0-3]?[0-9]\2(?:19|20|21)[0-9]{2})(?![0-9]|[-.,][0-9])"
    # an IPv4 address, as logs print clients: "192.168.100.200"
    rb"|(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9]|[.,][0-9])"
    # a decimal, unless it is a local number written "555.0123"
    rb"|(?![0-9]{3}\.[0-9]{4}(?![0-9]))[0-9]++\.[0-9]++(?![0-9]|[.,][0-9])"
    # a price
    rb")|\$[ \t]?[0-9]++(?:[.,][0-9]++)*+"
)
_LOOKALIKES = {"\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u2011": "-"}
_LOOKALIKES |= {"\u2010": "-", "\u2012": "-", "\u2013": "-", "€": "$", "£": "$", "¥": "$"}
_ESCAPED = {b"%2b": b"+  ", b"%20": b"   ", b"%28": b"(  ", b"%29": b")  ", b"%2d": b"-  "}
_ESCAPED |= {b"%2c": b",  ", b"%2e": b".  "}
"""URL escapes of the marks between groups, as the mark and spaces (the same length)."""
_LETTER = re.compile(rb"[a-z]")
_GAP = re.compile(rb"[^a-z0-9]")
_LONG = 256
"""Longer runs with words are masked without reading them all (a number said is shorter)."""
_NOT_DIGITS = bytes(b for b in range(256) if not 0x30 <= b <= 0x39)


def mask_phones(text: str) -> str:
    """Replace every phone number in `text` with "***" and its last two digits."""
    shape = _KEPT.sub(_blank, _ID.sub(_blank, _plain(text)))
    pieces: list[str] = []
    done = 0
    for found in _RUN.finditer(shape):
        count, last = _read(found.group())
        if count < MIN_DIGITS:
            continue
        start = found.start()
        opening = _OPENING.search(shape, max(start - 16, 0), start)
        start = start if opening is None else max(opening.start(), done)
        pieces += [text[done:start], f"***{last}"]
        done = found.end()
    return "".join(pieces) + text[done:] if pieces else text


def masked(value: Any) -> Any:
    """Return `value` with phone numbers masked in every string it holds (dicts, lists)."""
    if isinstance(value, str):
        return mask_phones(value)
    if isinstance(value, Mapping):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item) for item in value]
    return value


def _plain(text: str) -> bytes:
    """Return `text` lowercased as ASCII bytes, one byte a character ("?" for the rest)."""
    if not text.isascii():
        for odd, ascii_mark in _LOOKALIKES.items():
            text = text.replace(odd, ascii_mark)
    plain = text.encode("ascii", "replace").lower()
    if b"%" in plain:  # a URL in a server log: "?caller=%2B14155550123"
        for escaped, mark in _ESCAPED.items():
            plain = plain.replace(escaped, mark)
    return plain


def _blank(found: re.Match[bytes]) -> bytes:
    return b"\0" * (found.end() - found.start())


def _read(run: bytes) -> tuple[int, str]:
    """Return how many digits a run says, and its last two."""
    if _LETTER.search(run) is None:
        plain = run.translate(None, _NOT_DIGITS)
        return len(plain), plain[-2:].decode()
    if len(run) > _LONG:  # no number said aloud is this long: mask it, read only its end
        end = run[-_LONG // 4 :]
        cut = _GAP.search(end)  # start on a whole word; a word this long is digits
        return MIN_DIGITS, _said(end if cut is None else end[cut.end() :])[-2:]
    digits = _said(run)
    return len(digits), digits[-2:]


def _said(span: bytes) -> str:
    """Return the digits a run says: "double five" is 55, "forty two" 42, "forty, two" 402."""
    return "".join(
        [
            _SAID[repeated] * _REPEAT[times]
            if times
            else _SAID[tens] + _SAID.get(unit, "0")
            if tens
            else said.decode()
            if said.isdigit()
            else _SAID.get(said, "")  # "double" with nothing to double says nothing
            for times, repeated, tens, unit, said in _SPOKEN.findall(span)
        ]
    )
