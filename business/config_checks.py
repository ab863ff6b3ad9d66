"""What a business file gets wrong across its keys, each said on the line to fix.

A word callers use must mean one thing: no two services (and no two staff) share an id, a
name or an alias. A service names staff the file lists, someone who works, and fits in one
of their days. Staff work within the business's hours: the slot grid and the closing time
are the business's, so a person booked past closing would be offered a slot nobody opens
the door for.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from business.config_hours import DAYS, Window, parse_days, parse_window, window_text
from business.config_model import Hours, ServiceEntry, StaffEntry
from business.config_yaml import BusinessFileError, Located, Path_, dotted


def slug(text: str) -> str:
    """Return the id a name gets when the file gives none: "Cut & colour" → "cut-colour"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class Problems:
    """The problems found so far, raised together as one `BusinessFileError`."""

    located: Located
    found: list[tuple[int, str]] = field(default_factory=list)

    def add(self, path: Path_, text: str) -> None:
        """Note a problem at a place in the file."""
        self.found.append((self.located.line(path), self.located.problem(path, text)))

    def raise_any(self) -> None:
        """Raise every problem noted, the file's first lines first."""
        if self.found:
            raise BusinessFileError(s for _, s in sorted(self.found, key=lambda f: f[0]))


def week(hours: Hours, path: Path_, problems: Problems) -> dict[int, Window]:
    """Return weekday → (open, close) of an hours entry; a day named twice is a problem."""
    result: dict[int, Window] = {}
    named: dict[int, str] = {}
    for key, value in hours.items():
        window = parse_window(value)
        for day in parse_days(key):
            if day in named:
                problems.add((*path, key), f"{DAYS[day]} is already given by {named[day]!r}")
                break
            named[day] = key
            if window is not None:
                result[day] = window
    return result


@dataclass
class Words:
    """The ids of a list of services (or staff), and what each word callers say means."""

    ids: list[str] = field(default_factory=list)
    """Each entry's id, in the file's order."""
    meaning: dict[str, str] = field(default_factory=dict)
    """slug of a word (id, name or alias) → the id it names."""
    spelling: dict[str, str] = field(default_factory=dict)
    """slug of a word → the word as the file writes it, for "did you mean"."""

    def resolve(self, word: str, *, what: str) -> str:
        """Return the id a word names, or raise ValueError saying which word was meant."""
        if slug(word) in self.meaning:
            return self.meaning[slug(word)]
        close = difflib.get_close_matches(slug(word), self.meaning, n=1)
        hint = f" (did you mean {self.spelling[close[0]]!r}?)" if close else ""
        raise ValueError(f"no {what} is called {word!r}{hint}")


def identify(entries: Sequence[ServiceEntry | StaffEntry], part: str, problems: Problems) -> Words:
    """Return each entry's id and the words naming them; a word naming two is a problem."""
    words = Words()
    owner: dict[str, int] = {}
    for index, entry in enumerate(entries):
        own = entry.id or slug(entry.name)
        if not own:
            problems.add((part, index, "name"), "has no letters to make an id from; give an id")
        words.ids.append(own)
        said: list[tuple[Path_, str]] = [
            *([((part, index, "id"), entry.id)] if entry.id else []),
            ((part, index, "name"), entry.name),
            *(((part, index, "aliases", n), alias) for n, alias in enumerate(entry.aliases)),
        ]
        for path, word in said:
            key = slug(word)
            if owner.setdefault(key, index) != index:
                other = owner[key]
                problems.add(
                    path,
                    f"{word!r} already names {dotted((part, other))} ({entries[other].name});"
                    " a word callers say must mean one thing",
                )
            words.meaning.setdefault(key, own)
            words.spelling.setdefault(key, word)
    return words


def within_business(
    person: StaffEntry, index: int, business: Mapping[int, Window], problems: Problems
) -> None:
    """Note each of a person's hours entries that falls outside the business's hours."""
    for key, value in (person.hours or {}).items():
        window = parse_window(value)
        if window is None:
            continue
        for day in parse_days(key):
            opening = business.get(day)
            if opening is None:
                problems.add(
                    ("staff", index, "hours", key),
                    f"the business is closed on {DAYS[day]}; add {DAYS[day]} to its hours first",
                )
                break
            if window[0] < opening[0] or window[1] > opening[1]:
                problems.add(
                    ("staff", index, "hours", key),
                    f"{window_text(window)} runs outside the business's hours on {DAYS[day]}"
                    f" ({window_text(opening)})",
                )
                break


def longest_day(hours: Mapping[int, Window]) -> int:
    """Return the minutes of the longest working day of a week (0 when none)."""
    return max(
        ((w[1].hour - w[0].hour) * 60 + w[1].minute - w[0].minute for w in hours.values()),
        default=0,
    )
