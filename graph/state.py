"""The call's state: one typed record, checkpointed after every step.

Everything here is plain JSON (strings, numbers, lists, dicts) so a checkpoint stays
readable by analysts and by any later version of the code. Every list is bounded, so a
step costs the same at turn 200 as at turn 2: the full transcript lives in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal, NotRequired

# pydantic builds Studio's input form from this state and needs this TypedDict on 3.11
from typing_extensions import TypedDict

from business.slot_query import PartOfDay

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
    "transferring",  # the caller is being put through to a person (a phone call's transfer)
    "ask_email",  # e-mail is the only confirmation channel: waiting for the caller's address
    "confirm_email",  # the address read back, waiting for yes or no
    "ended",  # goodbye said; the summary is stored
]

TaskKind = Literal["book", "cancel", "reschedule"]

CallbackReason = Literal["message", "callback_offer", "transfer_failed", "refused"]

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
    "transfer_failed",  # the transfer to a person did not go through: take a message
    "email",  # answered the question for an e-mail address (or its read-back)
    "ambiguous",  # a date that could mean more than one day ("the 31st" in November)
    "check",  # "confirm my appointment on Friday at 10": read it out, or book it if not there
    "resume",  # declined the callback offer: back to the question pending before it
    "unclear",  # nothing usable in the utterance
]


Notice = Literal[
    "slot_taken",  # the slot read back was taken by someone else before the yes: search again
    "store_down",  # the appointment book could not be reached: nothing was changed
]


class Wish(TypedDict, total=False):
    """The caller's slot preferences, merged across turns (ISO strings, business-local):
    when, what and with whom."""

    day: str
    day_from: str
    day_to: str
    at: str
    earliest: str
    latest: str
    part_of_day: PartOfDay
    other_day: str
    """Another day the caller's words may mean ("next Friday" early in a week: a week on)."""
    service: str
    """The service's id ("haircut"); left out: the business's default service."""
    staff: str
    """The person asked for, by id, or "any" (`business.slot_query.ANYONE`)."""


class Booked(TypedDict):
    """One of the caller's appointments as the call talks about it."""

    id: str
    start: str
    """ISO start in the business timezone."""
    service: NotRequired[str | None]
    """Its service's id (None: the default service)."""
    staff: NotRequired[str]
    """Whose time it takes."""


class Pending(TypedDict, total=False):
    """A write read back to the caller and waiting for their yes."""

    kind: TaskKind
    slot: str
    """ISO start of the slot to book or move to (business timezone)."""
    staff: str
    """Whose time the slot is: the staff id it was offered with."""
    service: str
    """The service's id, when the business has services (else the default one)."""
    appointment_id: str
    """The appointment to cancel or move."""
    appointment_start: str
    key: str
    """Idempotency key: a retried or replayed write returns the first result."""
    said: str
    """The read-back as spoken; a yes writes only when the caller heard it last."""


class Task(TypedDict):
    """What the caller is trying to get done, with everything it gathered: one value, so
    dropping the task (`no_task()`) clears all of it at once."""

    kind: TaskKind | None
    """None between tasks; the wish may outlive a task set aside with "not right now"."""
    wish: Wish
    offers: list[str]
    """ISO starts of the slots offered now (at most three)."""
    staffed: NotRequired[dict[str, str]]
    """Who each offered slot is with: ISO start → staff id."""
    already_offered: list[str]
    """Slots already offered for this task, so "anything else?" moves on (bounded)."""
    target: Booked | None
    """The appointment being cancelled or moved."""
    choices: list[Booked]
    """The caller's appointments offered for a pick."""
    pending: Pending | None
    """A write read back and waiting for a yes."""


def no_task(wish: Wish | None = None) -> Task:
    """Return the task of a call with none in progress, keeping `wish` if given."""
    return Task(
        kind=None,
        wish=wish or Wish(),
        offers=[],
        already_offered=[],
        target=None,
        choices=[],
        pending=None,
    )


class BackTo(TypedDict):
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


Outcome = TypedDict(
    "Outcome",
    {
        "kind": Literal["booked", "cancelled", "rescheduled"],
        "appointment_id": str,
        "start": str,
        "from": NotRequired[str],  # a move's old start
        "service": NotRequired[str],  # the service's id, when not the default
        "staff": NotRequired[str],  # whose time, when the business has staff
    },
)
"""A write done in this call (ISO starts, business timezone)."""


class UsageTotals(TypedDict, total=False):
    """Understanding cost so far."""

    llm_calls: int
    fallbacks: int
    input_tokens: int
    output_tokens: int


class Line(TypedDict):
    """One line of the recent-transcript window."""

    role: Literal["caller", "agent"]
    text: str
    interrupted: NotRequired[bool]
    """The caller barged in: `text` is only what was played."""


def add_speech(left: list[str], right: list[str] | None) -> list[str]:
    """Append spoken sentences within a turn; None clears them for the next turn."""
    return [] if right is None else [*left, *right]


class Visit(TypedDict):
    """One node run in this turn and how long it took (the node's own time)."""

    node: str
    ms: float
    starts: NotRequired[bool]
    """The node that hears the caller (`listen`) starts the turn: its visit comes first."""


def add_visits(left: list[Visit], right: list[Visit]) -> list[Visit]:
    """Append this turn's node runs; a visit that starts a turn drops the last turn's."""
    return list(right) if right and right[0].get("starts") else [*left, *right]


class CallInput(TypedDict):
    """What a door gives to open a call: Studio shows just these fields."""

    call_id: str
    caller_id: str | None
    can_transfer: NotRequired[bool]
    """The door can put this caller through to a person (a phone call, a number set)."""


@dataclass(kw_only=True)
class CallState:
    """What the agent knows about one call; one instance per thread_id."""

    # the call and its pending question
    call_id: str = ""
    """The conversation id (the graph's thread_id), set by the first input."""
    caller_id: str | None = None
    """Phone number from caller ID (SIP or `--phone`), if any, as received."""
    can_transfer: bool = False
    """The door can put the caller through to a person: asked for one, they are transferred
    rather than offered a callback. Cleared when a transfer fails."""
    stage: Stage = "start"
    """Which question is pending; it decides how the next utterance is read."""
    question: str = ""
    """The pending question in words, re-asked after a digression or a repeat failure."""

    # the newest caller utterance, as understood
    utterance: str = ""
    turn: int = 0
    """Caller utterances so far."""
    act: Act | None = None
    """The dialogue act the newest utterance was read as; routers switch on it."""
    affirm: bool | None = None
    """The newest utterance's yes (True) or no (False); None when it was neither."""
    named: Wish = field(default_factory=Wish)
    """The day and time the newest utterance named, as said (the `check` node reads it)."""
    understood: dict[str, object] = field(default_factory=dict)
    """What the understanding layer made of the newest utterance, as JSON, for analysts
    only: nodes read the fields above."""
    misunderstood: int = 0
    """Consecutive utterances that could not be understood."""

    # who is calling
    phone: str | None = None
    """The caller's number, E.164: from caller ID, or said (a claim until verified)."""
    phone_attempts: int = 0
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

    # what they want done
    about: Booked | None = None
    """The caller's next appointment, said at the greeting ("I see you're booked Thursday
    at 2; is this about that?"): "move it", "cancel it" mean it. Cleared by any write."""
    task: Task = field(default_factory=no_task)
    doubt: DayDoubt | None = None
    """An uncertain day asked about and waiting for the answer; cleared once answered or
    when the task changes."""
    back_to: BackTo | None = None
    """Set while a callback is offered after repeated misunderstandings: where to go back to."""
    notice: Notice | None = None
    """Why the last write did not happen, for the next node."""

    # what the call did, for the summary (bounded)
    outcomes: list[Outcome] = field(default_factory=list)
    preferences: list[str] = field(default_factory=list)
    """Preferences the caller mentioned, in words."""
    message: str | None = None
    """A message left for a human callback."""
    callback_reason: CallbackReason | None = None
    """Why a message is being taken: the caller asked for a person ("message"), accepted the
    callback offer after misunderstandings, a transfer failed, or a spoken number could not
    be verified ("refused"). Kept with the callback the business owes."""
    reason: str | None = None
    """What the caller's visit is for, in their words ("a toothache"): the booking's notes."""
    email: str | None = None
    """An e-mail address the caller said, read back and not yet confirmed."""
    email_tries: int = 0
    """Addresses not caught in a row; after two the caller is not asked again this call."""
    usage: UsageTotals = field(default_factory=UsageTotals)

    # this turn's reply and the transcript window
    speech: Annotated[list[str], add_speech] = field(default_factory=list)
    """Sentences the agent says this turn, written by nodes."""
    trace: Annotated[list[Visit], add_visits] = field(default_factory=list)
    """The nodes this turn ran, in order, with their times: a turn is checkpointed once, so
    this is how analysts see its path (`graph/trace.py` records it)."""
    reply: str = ""
    """The reply of the last turn, as the caller heard it (cut short by a barge-in)."""
    reply_interrupted: bool = False
    """The caller barged in, so `reply` holds only the part that was played."""
    wrote: bool = False
    """This turn booked, cancelled or moved something: its reply must reach the caller."""
    line_no: int = 0
    """Transcript lines written to the store so far."""
    recent: list[Line] = field(default_factory=list)
    """The last few transcript lines (bounded window)."""
    now: str = ""
    """The clock reading (ISO) when the agent last spoke, so a replay resolves dates as the
    call did."""


class Update(TypedDict, total=False):
    """What a node returns: any of `CallState`'s fields, each with its own type.

    total=False, so a node names only what it changes; mypy rejects a key that is not a
    field (LangGraph would drop it without a word) and a value of the wrong type.
    `tests/graph/test_state.py` checks these match `CallState`'s fields.
    """

    call_id: str
    can_transfer: bool
    caller_id: str | None
    stage: Stage
    question: str
    utterance: str
    turn: int
    act: Act | None
    affirm: bool | None
    named: Wish
    understood: dict[str, object]
    misunderstood: int
    phone: str | None
    phone_attempts: int
    identity: Identity
    claimed_id: str | None
    claim: VerifyClaim | None
    verify_tries: int
    user_id: str | None
    caller_name: str | None
    about: Booked | None
    task: Task
    doubt: DayDoubt | None
    back_to: BackTo | None
    notice: Notice | None
    outcomes: list[Outcome]
    preferences: list[str]
    callback_reason: CallbackReason | None
    message: str | None
    email: str | None
    email_tries: int
    reason: str | None
    usage: UsageTotals
    speech: list[str] | None
    trace: list[Visit]
    reply: str
    reply_interrupted: bool
    wrote: bool
    line_no: int
    recent: list[Line]
    now: str


def applied(state: CallState, update: Update) -> CallState:
    """Return the state as `update` leaves it, its two reducers applied as LangGraph does.

    What a router sees after a node: nodes route themselves (`graph.builder`) rather than
    through conditional edges, for which LangGraph copies every channel at every turn.
    """
    fields: dict[str, Any] = dict(update)
    if "speech" in update:
        fields["speech"] = add_speech(state.speech, update["speech"])
    if "trace" in update:
        fields["trace"] = add_visits(state.trace, update["trace"])
    return replace(state, **fields)
