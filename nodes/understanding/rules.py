"""`RuleUnderstander`: the deterministic, LLM-free `Understander`.

One utterance goes through: phone scan on the raw text (its digits are then hidden from
the other passes) → normalise → dates/times (`when`) → the business's services and staff,
and the visit's reason (`offerings`) → pick (`choice`) → word cues (`intents`) → name
(`names`), and the cues are weighed here:

* Intent precedence: see `nodes.understanding.intents`. Also "what can you do Friday?"
  and "anything after 3 next week?" are availability (a help/"anything" phrase plus a
  day or time). Asking for other options ("do you have anything later?") sets ``more``
  and is neither availability nor book.
* Corrections: a cue ("actually", "make it", "instead", "no wait", ...) with something
  new (a day/time, pick, phone or name) sets ``correction``. "never mind / scratch that"
  followed by something new ("never mind, make it the 13th", "strike that, the 8th") is a
  correction, not a never_mind intent.
* Yes/no: the earlier of a yes word and a no word wins. "no, make it 4pm" → affirm False
  plus correction. A yes that goes on to change something ("yes but at 3", "ok, make it
  4") → correction, affirm None: the caller did not accept what was read back.
* A bare name ("Sam Lee") counts only when we asked for it and nothing else matched.
* When we asked a yes/no question, "book it" / "go ahead" / "do it" / "that's it" are
  a yes, not a book or goodbye intent, and a plain "no" is only a no.
* Only the first `bounds.MAX_UNDERSTOOD_CHARS` of a line are read (cut at a word).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from graph.understanding import Expecting, Intent, Understanding, When
from nodes.understanding.bounds import blank_spans, clip
from nodes.understanding.choice import find_choice
from nodes.understanding.intents import Signals, read_signals
from nodes.understanding.lexicon import normalize
from nodes.understanding.names import find_name
from nodes.understanding.offerings import EMPTY, Vocabulary, find_reason
from nodes.understanding.phone import scan_phone
from nodes.understanding.when import resolve_normalized


def _pick_intent(signals: Signals, when: When) -> Intent | None:
    """Choose one intent from the candidates, already in precedence order."""
    intents = list(signals.intents)
    has_when = not when.is_empty()
    if has_when and "help" in intents and "availability" not in intents:
        intents[intents.index("help")] = "availability"
    if has_when and signals.anything and not intents:
        intents.append("availability")
    if signals.more:  # "do you have anything later?", "I'd like something earlier": more
        intents = [intent for intent in intents if intent not in ("availability", "book")]
    return intents[0] if intents else None


class RuleUnderstander:
    """Keyword and regex understanding; fast (well under 2 ms) and fully deterministic."""

    def __init__(self, vocabulary: Vocabulary = EMPTY) -> None:
        """Hear the business's services and staff by the words of `vocabulary`."""
        self.vocabulary = vocabulary

    def understand(
        self, text: str, *, expecting: Expecting, now: datetime, region: str
    ) -> Understanding:
        """Parse `text`; `now` is aware and in the business timezone, `region` for phones."""
        return understand_whole(
            clip(text), expecting=expecting, now=now, region=region, vocabulary=self.vocabulary
        )


def understand_whole(
    text: str,
    *,
    expecting: Expecting,
    now: datetime,
    region: str,
    vocabulary: Vocabulary = EMPTY,
) -> Understanding:
    """Understand all of `text`, however long: `RuleUnderstander` clips it first.

    Every pass is linear in the length of `text`; `bench.huge_lines` measures it here.
    """
    scan = scan_phone(text, region=region, expecting_phone=expecting == "phone")
    masked = blank_spans(text, scan.spans)
    norm = normalize(masked)
    when = resolve_normalized(norm, now=now, expecting=expecting, region=region)
    service, service_spans = vocabulary.service_in(norm)
    staff, staff_spans = vocabulary.staff_in(norm, asked_name=expecting == "name")
    if service is not None or staff is not None:
        when = replace(when, service=service, staff=staff)
    reason = None
    if expecting not in ("phone", "name"):
        reason = find_reason(blank_spans(norm, [*service_spans, *staff_spans]), vocabulary)
    choice, _ = find_choice(norm, expecting=expecting)
    signals = read_signals(norm, expecting)
    name, cued = find_name(masked, asked=expecting == "name")

    intent = _pick_intent(signals, when)
    news = not when.is_empty() or choice is not None or scan.phone is not None
    news = news or (name is not None and expecting != "name")
    correction = news and (signals.correction_cue or intent == "never_mind")
    if correction and intent == "never_mind":
        intent = None
    if intent == "repeat" and news:
        intent = None  # "sorry, 415 555 0123": an apology before an answer, not "say again"
    affirm = signals.affirm
    if affirm and signals.yes_with_change and news:
        affirm, correction = None, True
    if intent is not None and not cued:
        name = None  # "Sam, operator please": the words after a bare name were a request
    return Understanding(
        text=text,
        intent=intent,
        affirm=affirm,
        when=when,
        choice=choice,
        phone=scan.phone,
        phone_invalid=scan.invalid,
        name=name,
        correction=correction,
        more=signals.more,
        reason=reason,
    )
