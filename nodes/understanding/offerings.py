"""What the caller wants done, by whom, and why: services, staff and the visit's reason.

The business's own words are the vocabulary (`Vocabulary.of(calendar)`): each service's
name and aliases, each person's name, first name and aliases, matched as whole words in
normalised text, longest phrase first, so "cut and colour" wins over "cut". A person is
heard only where the caller is not introducing themselves ("this is Maria" is a caller's
name, "with Maria" a stylist), and "anyone", "whoever is free", "no preference" mean any of
the staff. A business with no services or staff configured has an empty vocabulary, and
nothing here reads anything.

The reason for a visit ("for a toothache", "I have a rash", "my tooth hurts") is kept
in the caller's words for the appointment's notes; a phrase that names a day, a time, a
number, a service, a person or whom the booking is for is not a reason. It is never read
back or acted on, so a wrong guess costs a line of notes, not a booking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from business.calendar import BusinessCalendar
from business.slot_query import ANYONE

MAX_REASON_WORDS = 8


@dataclass(frozen=True)
class Vocabulary:
    """The business's words for its services and people, each mapped to its id."""

    services: tuple[tuple[str, str], ...] = ()
    """(phrase, service id), normalised: lower case, single spaces."""
    staff: tuple[tuple[str, str], ...] = ()
    """(phrase, staff id)."""

    @classmethod
    def of(cls, cal: BusinessCalendar) -> Vocabulary:
        """Return the vocabulary of a business's configured services and staff."""
        services = [(_phrase(word), s.id) for s in cal.services for word in (s.name, *s.aliases)]
        staff: list[tuple[str, str]] = []
        for person in cal.staff:
            words = [person.name, *person.aliases]
            first = person.name.split()[0]
            if first.rstrip(".").lower() not in _TITLES and first != person.name:
                words.append(first)
            staff += [(_phrase(word), person.id) for word in words]
        return cls(services=_unique(services), staff=_unique(staff))

    @cached_property
    def _service_pattern(self) -> re.Pattern[str] | None:
        return _alternation([p for p, _ in self.services], plural=True)

    @cached_property
    def _staff_pattern(self) -> re.Pattern[str] | None:
        return _alternation([p for p, _ in self.staff], plural=False)

    def service_in(self, text: str) -> tuple[str | None, list[tuple[int, int]]]:
        """Return the service named in normalised text (the last one named) and its spans."""
        pattern = self._service_pattern
        found = list(pattern.finditer(text)) if pattern else []
        if not found:
            return None, []
        by_phrase = dict(self.services)
        return by_phrase[found[-1]["word"]], [m.span() for m in found]

    def staff_in(self, text: str, *, asked_name: bool) -> tuple[str | None, list[tuple[int, int]]]:
        """Return the person asked for in normalised text, `ANYONE`, or None, and spans."""
        if not self.staff:
            return None, []
        spans: list[tuple[int, int]] = []
        chosen: str | None = None
        pattern = self._staff_pattern
        by_phrase = dict(self.staff)
        for match in pattern.finditer(text) if pattern else ():
            before = text[: match.start()]
            if _SELF.search(before):
                continue  # "this is Maria": the caller's own name
            if asked_name and _WITH.search(before) is None:
                continue  # the answer to "may I have your name?"
            chosen = by_phrase[match["word"]]
            spans.append(match.span())
        anyone = _ANYONE.search(text)
        if anyone is not None and (chosen is None or anyone.start() > spans[-1][0]):
            return ANYONE, [*spans, anyone.span()]
        return chosen, spans


EMPTY = Vocabulary()
"""A business with nothing configured: no service or person is ever heard."""

_TITLES = {"dr", "doctor", "mr", "mrs", "ms", "miss", "prof"}
_WITH = re.compile(r"\b(?:with|see|by|from|for|to|is|ask for|want|prefer|book)\s+(?:dr\s+)?$")
_SELF = re.compile(r"\b(?:my name is|name is|name's|this is|it is|it's|i am|i'm|im|call me)\s+$")
_ANYONE = re.compile(
    r"\b(?:any ?one|any ?body|who ?ever(?: is| s)?(?: free| available)?|any of them"
    r"|(?:doesn'?t|don'?t|does ?n t|do ?n t|does not|do not) (?:matter|mind|care)(?: who)?"
    r"|no preference"
    r"|first available|next available|any (?:stylist|dentist|doctor|therapist|hygienist"
    r"|barber|practitioner|one of them)|either (?:one|of them|is fine))\b"
)


def _phrase(word: str) -> str:
    return " ".join(re.sub(r"[^\w' ]+", " ", word.lower()).split())


def _unique(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Drop empty and repeated phrases, keeping the first id a phrase was given."""
    seen: dict[str, str] = {}
    for phrase, key in pairs:
        if phrase and phrase not in seen:
            seen[phrase] = key
    return tuple(seen.items())


def _alternation(phrases: list[str], *, plural: bool) -> re.Pattern[str] | None:
    if not phrases:
        return None
    ordered = sorted(set(phrases), key=len, reverse=True)
    words = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    tail = r"(?:e?s)?" if plural else r"(?:'s)?"  # "haircuts"; "maria's"
    return re.compile(rf"\b(?P<word>{words}){tail}\b")


_REASON = re.compile(
    r"\b(?:(?:appointment|visit|booking|slot|time|come in|coming in|get in|be seen|see (?:you|"
    r"someone|somebody|the doctor|a doctor|the dentist|a dentist)|it's|it is|that's|this is"
    r"|i need (?:it|one)|booking it|book it)\s+for|because of|due to|regarding)"
    r"\s+(?P<reason>(?:a|an|my|some)?\s*[a-z][a-z' -]*)"
)
"""A reason is said after words that tie it to the visit ("an appointment for", "it's for",
"because of"): a bare "for" or "about" is too often something else ("looking for a salon",
"how about the weather", "thanks for the info")."""
_HAVING = re.compile(
    r"(?<!can )(?<!may )(?<!could )(?<!would )(?<!do )(?<!will )(?<!should )(?<!when )"
    r"\b(?:i have|i've got|i got|i'm having|i am having)"
    r"\s+(?P<reason>(?:a|an|some)\s+[a-z][a-z' -]*)"
)
""""I have a toothache", "I've got a rash": only with an article, so "I have to" is none."""
_MY_PAIN = re.compile(
    r"\bmy (?P<reason>[a-z]+(?: [a-z]+)? (?:hurts|is hurting|aches|is aching|is sore"
    r"|is swollen|is bleeding|broke|is broken|chipped|fell out|came out|needs [a-z]+))\b"
)
_REASON_STOP = re.compile(
    r"\b(?:and|but|on|at|this|next|tomorrow|today|tonight|with|please|in|around|before"
    r"|after|so|if|or|then|thanks|thank|morning|afternoon|evening|week|weekend|month"
    r"|anytime|sometime|asap|anything|something|any|what|when|can|could|would|do|does|is|are"
    r"|was|will|find|i|need|want|looking|me)\b"
)
_NOT_REASON = re.compile(
    r"^(?:a |an |my |some |the )?(?:me|myself|us|you|him|her|them|it|that|this|one|two"
    r"|appointment|appointments|booking|visit|slot|time|day|date|hour|minute|minutes|while"
    r"|bit|second|moment|question|sec|later|now|sure|real|certain|son|daughter|kid|kids"
    r"|child|children|husband|wife|partner|mom|mother|dad|father|family|friend|boyfriend"
    r"|girlfriend|baby|someone|somebody|yes|no|ok|okay|calling|the same|same|reason|change"
    r"|problem|all|doctor|dentist|stylist|therapist|hygienist|barber|nurse|rescheduling"
    r"|cancelling|canceling|moving|changing|booking|making|that one|this one|meeting"
    r"|meetings|call|class|conflict|lunch|work|job|flight|trip|few|couple|lot|bit|minute"
    r"|idea|preference|account|bill|bills|billing|invoice|payment|refund|receipt|price|prices"
    r"|cost|hours|address|parking|free|spare|opening|openings|number|rating|ratings|questions"
    r"|bad day|dr|doctor|mr|mrs|ms|the)\b"
)
_DAYISH = re.compile(
    r"\d|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february"
    r"|march|april|may|june|july|august|september|october|november|december|noon"
    r"|midnight|o clock|half|quarter)\b"
)


def find_reason(text: str, vocabulary: Vocabulary) -> str | None:
    """Return what the visit is for in the caller's words, or None."""
    found = [m["reason"] for m in _MY_PAIN.finditer(text)]
    found = [f"my {r}" for r in found]
    for match in [*_HAVING.finditer(text), *_REASON.finditer(text)]:
        phrase = _REASON_STOP.split(match["reason"], maxsplit=1)[0].strip(" '-")
        if phrase:
            found.append(phrase)
    for phrase in found:
        words = phrase.split()
        if not words or len(words) > MAX_REASON_WORDS or _NOT_REASON.match(phrase):
            continue
        if _DAYISH.search(phrase) or _names_offering(phrase, vocabulary):
            continue
        if len(words) == 1 and words[0] in {"a", "an", "my", "some", "the"}:
            continue
        return phrase
    return None


def _names_offering(phrase: str, vocabulary: Vocabulary) -> bool:
    """Return True when the phrase is (or holds) a service or a person of the business."""
    service, _ = vocabulary.service_in(phrase)
    staff, _ = vocabulary.staff_in(phrase, asked_name=False)
    return service is not None or staff is not None
