"""Keyword/regex tables for intents, yes/no, corrections and "more options" requests.

All patterns run on `lexicon.normalize` output (lowercase, no punctuation, apostrophes
optional so STT "thats" and typed "that's" both match, one line).

"A, later B" is written ``^(?>.*?A).*B``, not ``A.*B``: the atomic group settles on the
first A once, where ``A.*B`` scans to the end from every A and is quadratic on a long line.
The first A is the right one to keep: any B after a later A is after the first too.

Intent precedence, most specific first (the first intent in this order that matched
wins): human > reschedule > cancel > list > availability > book > help > repeat >
goodbye > never_mind > chitchat. A caller asking for a person is never kept in the machine; a
reschedule often mentions both cancel and book ("cancel it and book Friday instead"),
so cancel + book together also mean reschedule; task intents beat conversational ones
("never mind, I'll book Friday" → book).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.understanding import Expecting, Intent

_APPT = r"(?:appointments?|bookings?|reservations?|visits?)"

_INTENT_PATTERNS: tuple[tuple[Intent, tuple[str, ...]], ...] = (
    (
        "human",
        (
            r"\b(?:talk|speak|chat)(?: to| with)? (?:a |an |the |some |your )?"
            r"(?:real |actual |live )?(?:person|human|someone|somebody|receptionist|operator|"
            r"agent|representative|staff|manager|people)\b",
            r"\b(?:human|operator|receptionist|representative|real person|live person)\b",
            r"\bfront desk\b",
            r"\b(?:call|ring) me back\b",
            r"\bcallback\b",
            r"\bleave (?:a |an )?(?:message|voicemail)\b",
            r"\btransfer me\b",
        ),
    ),
    (
        "reschedule",
        (
            r"\bre ?schedul\w*",
            r"\bre ?book\w*",
            r"\b(?:move|change|shift|switch|push|bump) (?:my|the|our|this|that) "
            rf"(?:\w+ )?{_APPT}\b",
            r"\bpush (?:it|that) (?:back|forward|to|later|earlier)\b",
            rf"\bbring (?:it|my {_APPT}) forward\b",
            r"\b(?:new|different) (?:time|day|date) for my\b",
        ),
    ),
    (
        "cancel",
        (
            r"\bcancel\w*",
            r"\bcall(?:ing)? (?:it )?off\b",
            rf"\b(?:remove|delete|drop) my (?:\w+ )?{_APPT}",
            rf"\bdon'?t need (?:my|the|that) {_APPT}",
        ),
    ),
    (
        "list",
        (
            r"\bwhat (?:do|have) i (?:got )?(?:booked|scheduled)\b",
            r"\bwhat do i have\b(?! to| (?:available|free|open))",  # "...free?" asks what is
            rf"\bwhen(?:'?s| is| are) my (?:\w+ )?{_APPT}",
            rf"\bdo i have (?:any |an |a )?(?:\w+ )?{_APPT}",
            rf"\bwhat (?:are|is) my (?:\w+ )?{_APPT}",
            rf"\b(?:check|list|show|read|tell me|confirm) (?:me )?my (?:\w+ )?{_APPT}",
            rf"^(?>.*?\bwhat {_APPT}\b).*\bhave\b",
            r"\bwhen am i (?:booked|scheduled|coming in|due)\b",
            r"\bwhat time is my\b",
            r"\bmy (?:upcoming |existing |current )?(?:appointments|bookings)\b",
        ),
    ),
    (
        "availability",
        (
            r"\bwhat (?:do you have|have you got|do you got|is (?:available|free|open))\b",
            r"\bwhat do i have (?:available|free|open)\b",
            r"\bwhat (?:times?|slots?|days?|openings?)\b",
            r"\bwhat'?s (?:available|free|open)\b",
            r"\bwhen (?:are you|is it|can i come|could i come|do you have)\b",
            r"\b(?:any|anything|something|any ?time) (?:open|available|free)\b",
            r"\bopenings?\b|\bavailab\w*|\bvacanc\w*|\bare there any\b",
            r"\bany (?:times?|slots?|spots?|appointments?)\b(?! (?:booked|scheduled))",
            r"\b(?:are|is) (?:you|there|it|that) (?:free|open)\b",
            r"\bis there (?:anything|any ?time|a slot|an opening|space|room)\b",
            r"\bdo you have (?:any|anything|something|time|room|space|an opening|a slot|slots|"
            r"spots?)\b",
            r"\bfree (?:slots?|times?|spots?)\b",
            r"\b(?:next|earliest|first) (?:available|opening|free)|\b(?:earliest|soonest)\b",
        ),
    ),
    (
        "book",
        (
            r"\bbook\b|\bschedule\b|\breserve\b",
            r"\b(?:make|set up|setup|get|need|want|like|request|arrange) "
            rf"(?:an|a|another|a new|new) (?:\w+ )?(?:{_APPT}|slot|time)\b",
            r"(?<!have an )(?<!my )\bappointment (?:for|on|at)\b|\bnew appointment\b",
            r"\b(?:get|have|book|want|need|like) (?:something|a spot|a slot)\b",
            r"\bcome (?:in|by)\b",
            r"\b(?:get|fit|squeeze|pencil|put) me in\b",
            r"\bsee (?:the |a )?(?:doctor|dentist)\b",
            r"\b(?:proceed|go ahead|continue|go on) with (?:the |an |my |that |this )?"
            rf"(?:\w+ )?{_APPT}",
        ),
    ),
    (
        "help",
        (
            r"^help\b|\bhelp$|\bi need help\b",
            r"\bwhat can (?:you|i) (?:do|say|ask)\b",
            r"\bwhat (?:are|is) (?:my|the) options\b",
            r"\bhow does this work\b|\bwhat do you do\b|\bwhat can you help\b",
        ),
    ),
    (
        "repeat",
        (
            r"\brepeat\b|\bcome again\b|\bpardon\b|\bone more time\b|\bonce more\b",
            r"\bsay (?:that|it|again|those)\b",
            r"\bdidn'?t (?:catch|hear|get|understand)\b",
            r"\bwhat did you say\b|\bwhat was that\b",
            r"^(?:sorry |i'?m sorry |excuse me )?(?:what|huh|sorry|excuse me)$",
        ),
    ),
    (
        "goodbye",
        (
            r"\b(?:good ?bye|bye(?: bye)?)\b",
            r"\bthat(?:'?s| is) (?:all|everything|it)\b",
            r"\bthat(?:'ll| will) be all\b",
            r"\bnothing (?:else|more)\b",
            r"\b(?:i'?m|we'?re) (?:all )?(?:done|set|good)(?: thanks?| thank you)?$",
            r"\bhave a (?:good|nice|great|lovely) (?:day|one|night|evening|weekend)\b",
            r"\bhang up\b|\bsee (?:you|ya)\b|\btalk (?:to you )?(?:later|soon)\b",
            r"^no thanks?(?: you)?$",
        ),
    ),
    (
        "never_mind",
        (
            r"\bnever ?mind\b",
            r"\bforget (?:it|that|about it|it all|the whole thing)\b",
            r"\b(?:scratch|strike) that\b|\bstart (?:over|again)\b",
            r"\bactually don'?t\b|\bdon'?t bother\b|\bdon'?t worry about it\b",
        ),
    ),
    (
        "chitchat",
        (
            r"^(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening))(?: there)?$",
            r"^(?:thanks|thank you)(?: so much| very much| a lot)?$",
            r"^how are you(?: doing| today)?$",
        ),
    ),
)
INTENTS: tuple[tuple[Intent, re.Pattern[str]], ...] = tuple(
    (intent, re.compile("|".join(patterns))) for intent, patterns in _INTENT_PATTERNS
)


_YES = re.compile(
    r"\b(?:yes|yeah|yea|yep|yup|ya|surely|correct|ok|okay|alright|all right|absolutely|"
    r"definitely|certainly|of course|perfect|affirmative|uh huh|mhm|mm hmm|no problem|"
    r"no worries)\b|(?<!not )\bsure\b|\bright\b(?! (?:now|after|before|away|at|around|on)\b)"
    r"|\bconfirm(?:ed)?\b(?! my)|\bsounds (?:good|great|fine|perfect|right)\b|\bthat(?:'?s| is) "
    r"(?:right|correct|fine|good|great|perfect)\b"
    r"|\bworks\b|^(?:good|great|fine|excellent|lovely|wonderful)\b(?! (?:morning|"
    r"afternoon|evening|day|night|bye))|\bthat would be (?:great|good|fine|perfect)\b"
    r"|\blet'?s do (?:it|that)\b"
)
_NO = re.compile(
    r"\b(?:no|nope|nah|negative|incorrect|wrong)\b(?! (?:later|earlier|sooner|more than|"
    r"problem|worries)\b)|\bnot (?:really|right|correct|quite|that|it|exactly)\b|\bdon'?t\b(?! "
    r"(?:know|have|remember|mind|care|see|understand)\b)|\bdo not\b|\b(?:doesn'?t|does not|"
    r"won'?t|will not|wouldn'?t) work\b|\bcan'?t do (?:that|it)\b|\bi'?d rather not\b"
    r"|\bnothing works\b|\bthat(?:'?s| is) not (?:right|correct|it)\b"
)
_YES_ACTION = re.compile(r"\bplease do\b|\bgo ahead\b|\b(?:book|do) it\b")
"""Yes by telling us to act; in the open "how can I help?" state "book it" is a request."""
_YES_NO_ONLY_YES = re.compile(r"^(?:(?:yes|yeah|yep) )?that(?:'?s| is) it$")
_BOOK_IT = re.compile(r"\b(?:book|do) it\b|\bgo ahead\b|\bthat(?:'?s| is) it\b(?! thank| bye)")
_CORRECTION = re.compile(
    r"\bactually\b|(?<!can't )(?<!cant )(?<!cannot )(?<!won't )(?<!wont )(?<!not )\bmake it\b"
    r"|\b(?:change|move|switch|push) (?:it|that|this|the (?:time|date|day|appointment)) to\b"
    r"|\bon second thoughts?\b|\bchanged? my mind\b|\binstead\b|\brather\b|\bhow about\b"
    r"|\bwhat about\b|\b(?:no|oh) wait\b|^wait\b|\bi meant?\b|\b(?:can|could) we (?:do|make it|"
    r"try|say)\b|\blet'?s (?:do|make it|say|try)\b"
    r"|^(?>.*?\b(?:yes|yeah|yep|ok|okay|sure|not)\b).*\bbut\b"  # "yes ... but", "not ... but"
)
_YES_BUT = re.compile(r"\bbut\b|\bactually\b|\binstead\b|\bmake it\b|\brather\b")
_MORE = re.compile(
    r"\b(?:anything|something|any ?thing|any) (?:else|other|later|earlier|sooner|different)\b"
    r"|\bother (?:times?|slots?|options?|days?|dates?|ones?|availability)\b|\bany others?\b"
    r"|\bnone of (?:those|these|them|that)\b|\bdifferent (?:times?|days?|dates?|slots?|ones?)\b"
    r"|(?<!the )\b(?:later|earlier) (?:one|ones|time|times|slot|slots)\b|\bwhat else\b|\bneither\b"
    r"|\bmore (?:options|times|slots)\b|\b(?:later|earlier) (?:that|the same|in the) day\b"
    r"|\b(?:a (?:bit|little) )(?:later|earlier)\b"
)
_ANYTHING = re.compile(r"\b(?:anything|something|any ?time|any slots?)\b")


@dataclass(frozen=True)
class Signals:
    """Word-level cues of one utterance, before they are weighed against each other."""

    intents: tuple[Intent, ...]
    affirm: bool | None
    yes_with_change: bool
    """A yes that goes on to change something ("yes but at 3", "ok, make it 4")."""
    correction_cue: bool
    more: bool
    anything: bool
    """Says "anything"/"something": availability if a day or time goes with it."""


def read_signals(text: str, expecting: Expecting) -> Signals:
    """Collect intent candidates (in precedence order) and cue flags from normalised text."""
    intent_text = _BOOK_IT.sub(" ", text) if expecting == "yes_no" else text
    matched = {intent for intent, regex in INTENTS if regex.search(intent_text)}
    if {"cancel", "book"} <= matched:
        matched.add("reschedule")
    intents = tuple(intent for intent, _ in INTENTS if intent in matched)
    yes, no = _YES.search(text), _NO.search(text)
    if expecting != "request":
        action = _YES_ACTION.search(text)
        if action and (yes is None or action.start() < yes.start()):
            yes = action
    affirm: bool | None = None
    if yes and (no is None or yes.start() < no.start()):
        affirm = True
    elif no:
        affirm = False
    elif expecting == "yes_no" and _YES_NO_ONLY_YES.fullmatch(text):
        affirm = True
    yes_with_change = bool(affirm and yes and _YES_BUT.search(text, yes.end()))
    return Signals(
        intents=intents,
        affirm=affirm,
        yes_with_change=yes_with_change,
        correction_cue=_CORRECTION.search(text) is not None,
        more=_MORE.search(text) is not None,
        anything=_ANYTHING.search(text) is not None,
    )
