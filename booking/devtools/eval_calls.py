"""`booking eval-calls`: whole calls with a simulated caller, scored on what the store holds.

Each case of the JSONL file (the format of `booking eval-dst`) becomes one call on the real
compiled graph, in process: a fresh in-memory SQLite store holding one known caller (caller
ID given, so identification takes no turn), checkpoints in memory, the clock pinned at
08:00 business-local on the case's `today` (a morning: the day is still ahead, and the data
books nothing before 09:00), and `eval_dst.ALWAYS_OPEN` as the calendar (every day, all day,
15-minute slots, no lead time, a year ahead), so that no calendar rule interferes.

The simulated caller wants the case's expected date and time (its goal) and otherwise
speaks the case's real turns, in order, as answers to whatever the agent asked:
- a read-back of the goal booking gets "yes"; any other read-back gets "no", which also
  replaces the next real turn when that is a plain yes (it confirmed the other system's
  read-back, and this caller never says yes to a wrong one);
- offers that include the goal: it picks it by its time as the agent said it ("the 3:30 PM
  one"), by day and time when two offers share that time; offers without the goal: the
  next real turn, a plain yes replaced by "no";
- any other question: the next real turn; when they run out, the caller stops.
A plain yes is a turn the rule engine reads as a yes with no date or time in it.

The outcome comes from the store only: correct when exactly the goal is booked, wrong when
any other appointment is, none when nothing is. The second summary line keeps the cases
whose day and time are in the caller's own words: some turn names a day (`DAY_WORDS`) and
some turn a clock time (`TIME_WORDS`). Scanning the words keeps the engine under test out
of the denominator; it drops the calls booked "today" by a caller who only said a time.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, NamedTuple, TextIO

from langgraph.checkpoint.memory import InMemorySaver

from booking.compose import call_context, fixed_clock
from booking.devtools.eval_dst import ALWAYS_OPEN, load_cases
from booking.devtools.scenarios import Engine, engine_for
from business.spoken import say_slot, say_time
from graph.builder import build_graph
from graph.conversation import CallGraph, Conversation
from graph.state import CallState
from nodes.understanding.rules import RuleUnderstander
from store.sqlite import SqliteStore

PHONE = "+14155550123"
MORNING = time(8, 0)
MAX_LINES = 40
"""Caller lines per call before giving up: a guard against loops, as a real caller hangs up."""

DAY_WORDS = re.compile(
    r"\b(today|tomorrow|(mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march"
    # "may" is left out: in these calls it is the verb ("may I"), never the month
    r"|april|june|july|august|september|october|november|december|\d{1,2}(st|nd|rd|th))\b",
    re.IGNORECASE,
)
_HOUR = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
TIME_WORDS = re.compile(
    rf"\d{{1,2}}:\d{{2}}|\b{_HOUR}\s*(am\b|pm\b|a\.m\.|p\.m\.|o[\"']?\s?clock)"
    r"|\b(noon|midnight|half past|quarter (past|to))\b"
    rf"|\b{_HOUR}\s+(in the (morning|afternoon|evening)|at night)\b"
    rf"|\b(morning|afternoon|evening|night) {_HOUR}\b",  # the data's "afternoon 3"
    re.IGNORECASE,
)

Outcome = Literal["correct", "wrong", "none"]


class CallerLine(NamedTuple):
    """One caller line: its words, and whether it is one of the case's real turns."""

    text: str
    real: bool


@dataclass
class Caller:
    """The simulated caller: the case's real turns, steered toward one goal slot."""

    turns: list[str]
    goal: datetime
    now: datetime
    ear: RuleUnderstander = field(default_factory=RuleUnderstander)

    def next_line(self, state: CallState) -> CallerLine | None:
        """Answer the agent's pending question, or return None to fall silent."""
        pending = state.task["pending"]
        if state.stage == "confirm" and pending:
            if pending.get("kind") == "book" and self._is_goal(pending["slot"]):
                return CallerLine("yes", real=False)
            if self.turns and self._plain_yes(self.turns[0]):
                self.turns.pop(0)
            return CallerLine("no", real=False)
        if state.stage == "offer_slots":
            if any(self._is_goal(slot) for slot in state.task["offers"]):
                return CallerLine(self._pick(state.task["offers"]), real=False)
            if self.turns and self._plain_yes(self.turns[0]):
                self.turns.pop(0)
                return CallerLine("no", real=False)
        return CallerLine(self.turns.pop(0), real=True) if self.turns else None

    def _is_goal(self, iso: str) -> bool:
        return datetime.fromisoformat(iso) == self.goal

    def _pick(self, offers: list[str]) -> str:
        """Name the goal the way the agent offered it: its time, with its day if needed."""
        same_time = [s for s in offers if datetime.fromisoformat(s).time() == self.goal.time()]
        if len(same_time) == 1:
            return f"the {say_time(self.goal)} one"
        return f"the one on {say_slot(self.goal)}"

    def _plain_yes(self, text: str) -> bool:
        heard = self.ear.understand(text, expecting="yes_no", now=self.now, region="US")
        return heard.affirm is True and heard.when.is_empty()


@dataclass
class Call:
    """One case played as a call: its outcome, why, and what was said."""

    id: str
    goal: datetime
    own_words: bool
    outcome: Outcome = "none"
    why: str = ""
    transcript: list[str] = field(default_factory=list)


def in_own_words(turns: list[str]) -> bool:
    """Return True when the caller says a day and a clock time somewhere in the turns."""
    return any(DAY_WORDS.search(t) for t in turns) and any(TIME_WORDS.search(t) for t in turns)


def play(case: dict[str, Any], *, graph: CallGraph, engine: Engine) -> Call:
    """Play one case as a call on a fresh store and score it on what was booked."""
    tz = ALWAYS_OPEN.tz
    now = datetime.combine(date.fromisoformat(case["today"]), MORNING, tzinfo=tz)
    expected = case["expected"]
    goal = datetime.combine(
        date.fromisoformat(expected["date"]), time.fromisoformat(expected["time"]), tzinfo=tz
    )
    call = Call(id=case["id"], goal=goal, own_words=in_own_words(case["user_turns"]))
    understander, name = engine_for(engine, ALWAYS_OPEN)
    store = SqliteStore(":memory:")
    try:
        user = store.create_user(phone=PHONE, name="Sam Lee")
        context = call_context(
            store,
            clock=fixed_clock(now),
            calendar=ALWAYS_OPEN,
            understander=understander,
            engine=name,
        )
        caller = Caller(list(case["user_turns"]), goal=goal, now=now)
        stopped = converse(Conversation(graph, context, case["id"]), caller, call.transcript)
        booked = sorted(a.start.astimezone(tz) for a in store.list_appointments(user.id))
    finally:
        store.close()
    if booked == [goal]:
        call.outcome = "correct"
    elif booked:
        call.outcome = "wrong"
        call.why = "booked " + ", ".join(f"{b:%Y-%m-%d %H:%M}" for b in booked)
    else:
        call.why = stopped
    return call


def converse(conversation: Conversation, caller: Caller, transcript: list[str]) -> str:
    """Let the caller answer the agent until a write, a goodbye or silence; return why."""
    transcript.append(f"agent: {conversation.start(caller_id=PHONE)}")
    for _ in range(MAX_LINES):
        state = conversation.state()
        if state.outcomes:
            return "a write was made"
        if state.stage == "ended":
            return "the agent ended the call"
        said = caller.next_line(state)
        if said is None:
            return f"the caller's turns ran out (agent waiting in stage {state.stage})"
        transcript.append(f"caller: {said.text}" if said.real else f"caller*: {said.text}")
        transcript.append(f"agent: {conversation.say(said.text).reply}")
    return "a write was made" if conversation.state().outcomes else f"{MAX_LINES} caller lines"


def tally(calls: list[Call]) -> str:
    """Return `correct C/T, wrong W, none N` for some calls."""
    count = {o: sum(c.outcome == o for c in calls) for o in ("correct", "wrong", "none")}
    return f"correct {count['correct']}/{len(calls)}, wrong {count['wrong']}, none {count['none']}"


def report(calls: list[Call], out: TextIO, *, errors: bool) -> None:
    """Print each failing call's transcript (optionally), then the two summary lines."""
    if errors:
        print("(caller* lines are the simulated caller's own, not the case's turns)", file=out)
        for call in calls:
            if call.outcome == "correct":
                continue
            words = "" if call.own_words else " [day or time not in the caller's words]"
            print(
                f"{call.id}: {call.outcome}, expected {call.goal:%Y-%m-%d %H:%M}{words}", file=out
            )
            print(f"  why: {call.why}", file=out)
            for line in call.transcript:
                print(f"    {line}", file=out)
    print(tally(calls), file=out)
    own = [c for c in calls if c.own_words]
    print(f"{tally(own)} (day and time in the caller's own words)", file=out)


def run(
    path: Path,
    *,
    errors: bool,
    engine: Engine = "rules",
    limit: int | None = None,
    out: TextIO | None = None,
) -> int:
    """Play every case of a JSONL file as a call; exit 0 whatever the score, 2 on a bad file."""
    try:
        cases = list(load_cases(path).values())[:limit]
    except (OSError, ValueError) as error:
        print(f"booking eval-calls: cannot read {path}: {error}", file=sys.stderr)
        return 2
    # One compiled graph for all cases (compiling costs more than a short call); each call
    # has its own thread and store, and its checkpoints are dropped when it is scored.
    saver = InMemorySaver()
    graph = build_graph().compile(checkpointer=saver)
    calls = []
    for case in cases:
        calls.append(play(case, graph=graph, engine=engine))
        saver.delete_thread(case["id"])
    report(calls, out or sys.stdout, errors=errors)
    return 0
