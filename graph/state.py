"""The call's state: one typed record, checkpointed after every step.

Everything here is plain JSON (strings, numbers, lists, dicts) so a checkpoint stays
readable by analysts and by any later version of the code. Every list is bounded, so a
step costs the same at turn 200 as at turn 2: the full transcript lives in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, NotRequired

# pydantic builds Studio's input form from this state and needs this TypedDict on 3.11
from typing_extensions import TypedDict

Stage = Literal[
    "start",  # nothing said yet
    "ask_phone",  # waiting for the caller's phone number
    "ask_name",  # a new caller: waiting for their name
    "verify_name",  # a spoken number of an existing account: waiting for the name on it
    "verify_day",  # ... then for the day of the account's next appointment
    "ask_request",  # open question: "how can I help?" / "anything else?"
    "offer_slots",  # up to three slots offered, waiting for a pick
    "ask_appointment",  # waiting for which of their appointments
    "confirm",  # a write read back, waiting for yes or no
    "take_message",  # waiting for a message to pass on for a callback
    "ended",  # goodbye said; the summary is stored
]

Task = Literal["book", "cancel", "reschedule"]

Identity = Literal[
    "unknown",  # no number yet
    "caller_id",  # the network's caller ID (SIP): trusted as the account's owner
    "new",  # a number with no account, which this call created: nothing in it predates the call
    "claimed",  # a spoken number of an existing account: not trusted until verified
    "verified",  # the spoken claim passed verification
    "refused",  # verification failed too often: no account is read or changed on this call
]

Act = Literal[
    "phone",  # gave a valid phone number
    "bad_phone",  # gave an invalid one
    "need_identity",  # asked for something before we know their number or name
    "name",  # gave their name
    "verify",  # answered a verification question (the name, or the next appointment's day)
    "search",  # wants slots for the current wish
    "more",  # wants other slots than the ones offered
    "choose",  # picked an offered slot
    "select",  # wants to cancel or move one of their appointments
    "affirm",  # said yes to the read-back
    "deny",  # said no to the read-back or the offers
    "list",  # asked what they have booked
    "repeat",  # asked to hear the last reply again
    "never_mind",  # dropped the current task
    "not_now",  # a bare no ("not right now") to an open question: the task is set aside
    "help",  # asked what the agent can do
    "prompt",  # said yes to "anything else?" without saying what
    "chitchat",  # small talk: "hello", "thanks"
    "human",  # asked for a person
    "message",  # dictated the message for a callback
    "goodbye",  # ended the call
    "hangup",  # the line dropped or the caller hung up
    "ambiguous",  # a date that could mean more than one day ("the 31st" in November)
    "check",  # "confirm my appointment on Friday at 10": read it out, or book it if not there
    "resume",  # declined the callback offer: back to the question pending before it
    "unclear",  # nothing usable in the utterance
]


class Wish(TypedDict, total=False):
    """The caller's slot preferences, merged across turns (ISO strings, business-local)."""

    day: str
    day_from: str
    day_to: str
    at: str
    earliest: str
    latest: str
    part_of_day: str
    other_day: str
    """Another day the caller's words may mean ("next Friday" early in a week: a week on)."""


class Pending(TypedDict, total=False):
    """A write read back to the caller and waiting for their yes."""

    kind: Literal["book", "cancel", "reschedule"]
    slot: str
    """ISO start of the slot to book or move to (business timezone)."""
    appointment_id: str
    """The appointment to cancel or move."""
    appointment_start: str
    key: str
    """Idempotency key: a retried or replayed write returns the first result."""
    said: str
    """The read-back as spoken; a yes writes only when the caller heard it last."""


class Resume(TypedDict):
    """The question pending before a callback offer, asked again when the caller declines."""

    stage: Stage
    question: str


class DayDoubt(TypedDict):
    """A day phrase we could not fully read, asked about ("Which day is that: ...?")."""

    phrase: str
    """The caller's words, e.g. "tuesday the 26th"."""
    guess: NotRequired[str]
    """The day (ISO) it most likely means, offered in the question; a yes settles it."""


class VerifyClaim(TypedDict, total=False):
    """What a caller said to prove a spoken number is theirs (bounded, plain text)."""

    name: str
    """The full name they gave for the account."""
    day: str
    """The day (ISO) they gave for the account's next appointment, or "none"."""


class Line(TypedDict):
    """One line of the recent-transcript window."""

    role: Literal["caller", "agent"]
    text: str
    interrupted: NotRequired[bool]
    """The caller barged in: `text` is only what was played."""


def add_speech(left: list[str], right: list[str] | None) -> list[str]:
    """Append spoken sentences within a turn; None clears them for the next turn."""
    return [] if right is None else [*left, *right]


@dataclass(kw_only=True)
class CallState:
    """What the agent knows about one call; one instance per thread_id."""

    call_id: str = ""
    """The conversation id (the graph's thread_id), set by the first input."""
    caller_id: str | None = None
    """Phone number from caller ID (SIP or `--phone`), if any, as received."""
    stage: Stage = "start"
    """Which question is pending; it decides how the next utterance is read."""
    question: str = ""
    """The pending question in words, re-asked after a digression or a repeat failure."""

    utterance: str = ""
    """The newest caller utterance."""
    turn: int = 0
    """Caller utterances so far."""
    line_no: int = 0
    """Transcript lines written to the store so far."""
    heard: dict[str, Any] = field(default_factory=dict)
    """What the understanding layer made of the newest utterance (for analysts)."""
    act: Act | None = None
    """The dialogue act the newest utterance was read as; routers switch on it."""
    misunderstood: int = 0
    """Consecutive utterances that could not be understood."""
    phone_attempts: int = 0

    phone: str | None = None
    """The caller's number, E.164: from caller ID, or said (a claim until verified)."""
    identity: Identity = "unknown"
    """How the caller is known; only caller_id, new and verified set `user_id`."""
    claimed_id: str | None = None
    """The account a spoken number names, while its verification is under way."""
    claim: VerifyClaim | None = None
    """The caller's answers to the identity check so far, judged together."""
    verify_tries: int = 0
    """Failed verifications in this call; at the limit the call reads no account."""
    user_id: str | None = None
    """The account this call may read and change: set only once the caller is trusted."""
    caller_name: str | None = None
    new_caller: bool = False

    task: Task | None = None
    """What the caller is trying to get done."""
    wish: Wish = field(default_factory=Wish)
    offers: list[str] = field(default_factory=list)
    """ISO starts of the slots offered now (at most three)."""
    offered: list[str] = field(default_factory=list)
    """Slots already offered for this task, so "anything else?" moves on (bounded)."""
    target: dict[str, str] | None = None
    """The appointment being cancelled or moved: {"id", "start"}."""
    choices: list[dict[str, str]] = field(default_factory=list)
    """The caller's appointments offered for a pick: [{"id", "start"}]."""
    pending: Pending | None = None
    """A write read back and waiting for a yes."""
    doubt: DayDoubt | None = None
    """An uncertain day asked about and waiting for the answer; cleared once answered or
    when the task changes."""
    resume: Resume | None = None
    """Set while a callback is offered after repeated misunderstandings: where to go back to."""
    notice: str | None = None
    """Why the last write did not happen (slot_taken, store_down), for the next node."""

    outcomes: list[dict[str, str]] = field(default_factory=list)
    """Writes done in this call, in order, for the summary (bounded)."""
    preferences: list[str] = field(default_factory=list)
    """Preferences the caller mentioned, in words, for the summary (bounded)."""
    message: str | None = None
    """A message left for a human callback."""

    usage: dict[str, int] = field(default_factory=dict)
    """Understanding cost so far: llm_calls, fallbacks, input_tokens, output_tokens."""

    speech: Annotated[list[str], add_speech] = field(default_factory=list)
    """Sentences the agent says this turn, written by nodes."""
    reply: str = ""
    """The reply of the last turn, as the caller heard it (cut short by a barge-in)."""
    reply_interrupted: bool = False
    """The caller barged in, so `reply` holds only the part that was played."""
    wrote: bool = False
    """This turn booked, cancelled or moved something: its reply must reach the caller."""
    recent: list[Line] = field(default_factory=list)
    """The last few transcript lines (bounded window)."""
    now: str = ""
    """The clock reading (ISO) when the agent last spoke, so a replay resolves dates as the
    call did."""
