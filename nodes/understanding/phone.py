"""Phone numbers in caller words → E.164, validated by `phonenumbers`.

A "run" is a stretch of digits and digit words joined only by spaces, dashes, dots,
commas, brackets or a plus: "(415) 555-0123", "+1 415 555 0123", "four one five five five
five oh one two three", "four fifteen, double five five, oh one twenty three". Digits
next to ``:`` or ``/`` ("3:30", "12/3") and tokens like "3pm" or "13th" never join a run.

Within a run the longest stretch of whole groups that `phonenumbers` calls valid wins, so
a leading "oh" interjection or a stray "at 3," before the number does not spoil it.
A run counts as an attempt at a number (`invalid` when nothing in it is valid) from 7
digits, or from 3 digits when we asked for the number or the caller says "my number is".
Checked: "415 555 0123" is valid for region US (→ +14155550123); "555 0123" is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from nodes.understanding.lexicon import TEENS, TENS, UNIT_VALUE

_TOKEN = re.compile(r"[a-z0-9']+|[:/]", re.IGNORECASE)
_JOINER = re.compile(r"[\s\-.,()+]*")
_CUE = re.compile(
    r"\b(?:number|phone|cell|mobile|call me (?:at|on)|reach me (?:at|on)|text me)\b",
    re.IGNORECASE,
)
_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", **{w: str(v) for w, v in UNIT_VALUE.items()}}
_TENS_WORDS = {**{w: str(v) for w, v in TENS.items()}, "sixty": "60", "seventy": "70"}
_TENS_WORDS |= {"eighty": "80", "ninety": "90"}
_REPEAT = {"double": 2, "triple": 3}
_MIN_DIGITS = 7
_MIN_DIGITS_ASKED = 3
_NUMBER_DIGITS = (7, 15)
"""The fewest and most digits a valid number can have (E.164 allows at most 15)."""


@dataclass(frozen=True)
class PhoneScan:
    """What the phone scan found in one utterance."""

    phone: str | None
    """The first valid number, E.164."""
    invalid: bool
    """Something was said as a number but nothing in it is a valid phone number."""
    spans: tuple[tuple[int, int], ...]
    """Where the attempts are in the text, so other parsers can skip them."""


@dataclass
class _Run:
    start: int
    end: int
    plus: bool
    groups: list[tuple[str, int, int]]  # digits, start, end

    @property
    def digits(self) -> str:
        return "".join(group[0] for group in self.groups)


def _group(word: str, following: str | None) -> tuple[str | None, bool]:
    """Return (digits for `word`, whether it also used `following`)."""
    if word.isdigit():
        return word, False
    if word in _DIGIT_WORDS:
        return _DIGIT_WORDS[word], False
    if word in TEENS:
        return str(TEENS[word]), False
    if word in _TENS_WORDS:
        if following in UNIT_VALUE:
            return _TENS_WORDS[word][0] + str(UNIT_VALUE[following]), True
        return _TENS_WORDS[word], False
    if word in _REPEAT and following is not None and following in _DIGIT_WORDS:
        return _DIGIT_WORDS[following] * _REPEAT[word], True
    if word in _REPEAT and following is not None and following.isdigit() and len(following) == 1:
        return following * _REPEAT[word], True
    if word == "hundred":
        return "00", False
    return None, False


def _runs(text: str) -> list[_Run]:
    """Split `text` into runs of digit groups."""
    tokens = list(_TOKEN.finditer(text))
    runs: list[_Run] = []
    current: _Run | None = None
    skip_next = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        word = tok.group(0).lower()
        nxt = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else None
        digits, used_next = (None, False) if skip_next else _group(word, nxt)
        skip_next = False
        joined = current is not None and _JOINER.fullmatch(text, current.end, tok.start())
        if word in (":", "/"):
            if current is not None and current.end == tok.start():
                current.groups.pop()  # "3:30", "12/3": the digit before is a time or date
                current.end = current.groups[-1][2] if current.groups else current.start
            skip_next, current = True, None
        elif digits is None or (word == "hundred" and current is None):
            current = None
        else:
            end = tokens[i + 1].end() if used_next else tok.end()
            if current is not None and joined:
                current.groups.append((digits, tok.start(), end))
                current.end = end
            else:
                plus = text[max(0, tok.start() - 1) : tok.start()] == "+"
                current = _Run(tok.start(), end, plus, [(digits, tok.start(), end)])
                runs.append(current)
            i += used_next
        i += 1
    return [run for run in runs if run.groups]


def _valid(digits: str, *, plus: bool, region: str) -> str | None:
    """Return `digits` as E.164 if they form a valid number, else None."""
    if not _NUMBER_DIGITS[0] <= len(digits) <= _NUMBER_DIGITS[1]:
        return None
    try:
        number = phonenumbers.parse(("+" if plus else "") + digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _best(run: _Run, region: str) -> tuple[str, int, int] | None:
    """Try the whole run, then without leading groups, then without trailing groups.

    Only stretches of 7 to 15 digits can be a number, so only those are joined and
    checked: a few dozen per run, however long the run (it is linear, not quadratic).
    """
    groups = run.groups
    total = len(groups)
    counts = [0]  # counts[i]: how many digits the first i groups hold
    for group in groups:
        counts.append(counts[-1] + len(group[0]))
    tries = [(0, total)]
    for cut in range(1, total):
        tries += [(cut, total), (0, total - cut)]
    for first, stop in tries:
        if not _NUMBER_DIGITS[0] <= counts[stop] - counts[first] <= _NUMBER_DIGITS[1]:
            continue
        digits = "".join(group[0] for group in groups[first:stop])
        phone = _valid(digits, plus=run.plus and first == 0, region=region)
        if phone is not None:
            return phone, groups[first][1], groups[stop - 1][2]
    return None


def scan_phone(text: str, *, region: str, expecting_phone: bool = False) -> PhoneScan:
    """Find a phone number in raw caller `text`; see the module docstring for the rules."""
    asked = expecting_phone or _CUE.search(text) is not None
    floor = _MIN_DIGITS_ASKED if asked else _MIN_DIGITS
    attempts = [run for run in _runs(text) if len(run.digits) >= floor]
    spans = tuple((run.start, run.end) for run in attempts)
    for run in attempts:
        found = _best(run, region)
        if found is not None:
            return PhoneScan(found[0], False, ((found[1], found[2]),))
    return PhoneScan(None, bool(attempts), spans)


def find_phone(text: str, *, region: str, expecting_phone: bool = False) -> tuple[str | None, bool]:
    """Return (E.164 number or None, said something number-like that is not valid)."""
    scan = scan_phone(text, region=region, expecting_phone=expecting_phone)
    return scan.phone, scan.invalid
