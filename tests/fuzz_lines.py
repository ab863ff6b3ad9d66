"""Caller lines for fuzzing whole calls: garbage, attacks, half sentences and real requests.

Deterministic for a seed, so a failure names the seed and the call that reproduces it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT.parent / "shared" / "datasets" / "sgd-services" / "cases.jsonl"

ACCOUNT_PHONES = ["415 555 0123", "(212) 555-0199", "+1 646 555 0142"]
"""Numbers of accounts seeded with appointments: a fuzzed caller may claim them."""

_SQL = [
    "'; DROP TABLE appointments; --",
    "1 OR 1=1",
    "Robert'); DELETE FROM users WHERE ('1'='1",
    'book me " OR ""=" on monday',
    "{{7*7}} ${jndi:ldap://x} <script>alert(1)</script>",
    "%s%s%s%n",
    "cancel ' UNION SELECT phone FROM users --",
]
_HALF = [
    "book me for",
    "cancel the",
    "on the",
    "at",
    "next",
    "I want to move my",
    "the one on",
    "yes but",
    "no, the",
    "my number is 415",
    "Tuesday the",
    "half past",
    "can you",
    "what about the",
]
_SHORT = [
    "yes",
    "no",
    "ok",
    "okay",
    "sure",
    "yes please",
    "no thanks",
    "the first one",
    "the second one",
    "anything later?",
    "anything earlier?",
    "never mind",
    "repeat that",
    "what?",
    "I don't have one",
    "Sam Lee",
    "Alice Smith",
    "my name is Pat Jones",
    "bye",
    "I'd like to talk to a person",
    "what do I have booked?",
    "cancel my appointment",
    "move my appointment to Friday at 2",
    "book tomorrow at 10am",
    "what's free next week?",
    "December 3rd",
    "Friday",
    "actually make it 4pm",
]
_WORDS = [
    "book",
    "cancel",
    "move",
    "appointment",
    "tomorrow",
    "monday",
    "friday",
    "next",
    "week",
    "at",
    "3",
    "pm",
    "the",
    "first",
    "second",
    "yes",
    "no",
    "not",
    "later",
    "earlier",
    "morning",
    "afternoon",
    "10",
    "half",
    "past",
    "quarter",
    "to",
    "december",
    "31st",
    "2nd",
    "christmas",
    "easter",
    "after",
    "before",
    "my",
    "number",
    "is",
    "name",
    "never",
    "mind",
    "please",
    "thanks",
]


def _scripted_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text())
        lines += [str(t["caller"]) for t in spec.get("turns", []) if "caller" in t]
    return lines


def _dataset_lines(limit: int = 3000) -> list[str]:
    if not CASES.exists():
        return []
    lines: list[str] = []
    with CASES.open() as cases:
        for row in cases:
            lines += json.loads(row)["user_turns"]
            if len(lines) >= limit:
                break
    return lines


class LineMaker:
    """Make caller lines of many kinds from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        """Draw every line from `rng`."""
        self.rng = rng
        self.real = _scripted_lines() + _dataset_lines()
        kinds: list[tuple[int, Callable[[], str]]] = [
            (30, self.real_request),
            (16, self.short),
            (8, self.half),
            (8, self.words),
            (6, self.unicode),
            (5, self.control),
            (5, self.sql),
            (6, self.phone),
            (4, self.mutated),
            (3, self.empty),
            (1, self.huge),
        ]
        self.kinds = [k for _, k in kinds]
        self.weights = [w for w, _ in kinds]

    def line(self) -> str:
        """Return one caller line of a randomly chosen kind."""
        return self.rng.choices(self.kinds, weights=self.weights)[0]()

    def real_request(self) -> str:
        return self.rng.choice(self.real)

    def short(self) -> str:
        return self.rng.choice(_SHORT)

    def half(self) -> str:
        return self.rng.choice(_HALF)

    def words(self) -> str:
        return " ".join(self.rng.choices(_WORDS, k=self.rng.randint(1, 14)))

    def unicode(self) -> str:
        pools = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x590, 0x6FF), (0x4E00, 0x4FFF)]
        pools += [(0x1F300, 0x1F6FF), (0x300, 0x36F), (0x200B, 0x200F), (0xFFF0, 0xFFFD)]
        out = []
        for _ in range(self.rng.randint(1, 60)):
            low, high = self.rng.choice(pools)
            out.append(chr(self.rng.randint(low, high)))
        return "".join(out)

    def control(self) -> str:
        base = self.real_request()
        chars = [chr(c) for c in (*range(0, 32), 127, 0x85, 0x2028, 0x2029)]
        pos = self.rng.randint(0, len(base))
        return base[:pos] + "".join(self.rng.choices(chars, k=self.rng.randint(1, 8))) + base[pos:]

    def sql(self) -> str:
        return self.rng.choice(_SQL)

    def phone(self) -> str:
        said = self.rng.choice(
            [
                *ACCOUNT_PHONES,
                f"{self.rng.randint(200, 999)} 555 {self.rng.randint(0, 9999):04d}",
                "555 0123",
                "+44 20 7183 8750",
                "four one five five five five zero one two three",
                "0" * self.rng.randint(1, 30),
            ]
        )
        return self.rng.choice(["{}", "my number is {}", "it's {}", "{} please"]).format(said)

    def mutated(self) -> str:
        chars = list(self.real_request())
        for _ in range(self.rng.randint(1, 6)):
            if not chars:
                break
            i = self.rng.randrange(len(chars))
            op = self.rng.randrange(3)
            if op == 0:
                del chars[i]
            elif op == 1:
                chars.insert(i, self.rng.choice("aeiou 0123456789?!.,'-"))
            else:
                chars[i] = chars[i].upper()
        return "".join(chars)

    def empty(self) -> str:
        return self.rng.choice(["", " ", "\n", "\t \t", "...", "?", "uh", "um um um"])

    def huge(self) -> str:
        unit = self.rng.choice(
            [
                "yes but ",
                "1-",
                "415 555 0123 ",
                "a",
                "book me tomorrow at 3pm ",
                "Tuesday the 2nd ",
                "no ",
                "😀",
            ]
        )
        size = self.rng.choice([2_000, 20_000, 100_000])
        return (unit * (size // len(unit) + 1))[:size]
