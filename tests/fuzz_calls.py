"""Drive fuzzed calls through the real graph and audit every change to the database.

Run by `tests/test_fuzz_calls.py` in worker processes (one per core), each on its own
in-memory store and seed, so 20,000 lines take the time of half of them.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from langgraph.checkpoint.memory import InMemorySaver

from booking.compose import Receptionist, fixed_clock
from business.calendar import BusinessCalendar
from graph.builder import build_graph
from graph.context import CallContext
from graph.conversation import Conversation
from graph.state import CallState
from nodes.dialogue_stages import read_back_heard
from nodes.turn import MAX_REPLY_CHARS
from nodes.understanding.rules import RuleUnderstander
from nodes.understanding.when import prepare
from store.sqlite import SqliteStore
from tests.conftest import NOW
from tests.fuzz_lines import LineMaker

ACCOUNTS = {"+14155550123": "Sam Lee", "+12125550199": "Alice Smith", "+16465550142": "Pat Jones"}
TRUSTED = ("caller_id", "new", "verified")


@dataclass(frozen=True)
class Row:
    """An appointment as the database holds it."""

    user_id: str
    start: datetime
    status: str


@contextmanager
def fuzz_agent() -> Iterator[tuple[Receptionist, sqlite3.Connection]]:
    """Yield an agent on an in-memory store with three seeded accounts, and its connection."""
    calendar = BusinessCalendar(max_upcoming=4)
    prepare("US", NOW.date())
    with SqliteStore(":memory:") as store:
        for n, (phone, name) in enumerate(ACCOUNTS.items()):
            user = store.create_user(phone=phone, name=name)
            for day in range(n + 1):
                start = NOW.replace(hour=9 + n) + timedelta(days=6 + 2 * day)
                store.book(
                    user_id=user.id, start=start, duration_min=30, idempotency_key=f"s{n}{day}"
                )
        context = CallContext(
            store=store,
            understander=RuleUnderstander(),
            calendar=calendar,
            clock=fixed_clock(NOW),
        )
        agent = Receptionist(build_graph().compile(checkpointer=InMemorySaver()), context, store)
        yield agent, store._conn  # the test reads the rows as they are, not through the port


def _rows(reader: sqlite3.Connection) -> dict[str, Row]:
    found = reader.execute("SELECT id, user_id, start_at, status FROM appointments")
    return {i: Row(u, datetime.fromisoformat(s), st) for i, u, s, st in found}


def _audit(before: CallState, after: CallState, old: dict[str, Row], new: dict[str, Row]) -> None:
    """Every change to the database is the write read back and agreed to in this turn."""
    changed = {i: r for i, r in new.items() if old.get(i) != r}
    if not changed:
        return
    pending = before.task["pending"] or {}
    assert before.stage == "confirm" and read_back_heard(before), (before, after.utterance)
    assert after.act == "affirm", after.utterance
    assert before.user_id is not None and before.identity in TRUSTED
    for appointment_id, row in changed.items():
        assert row.user_id == before.user_id  # only the trusted caller's own appointments
        if appointment_id not in old:  # a booking, or the new row of a move
            assert pending.get("kind") in ("book", "reschedule")
            assert row.start == datetime.fromisoformat(pending["slot"]) and row.status == "booked"
        else:
            assert old[appointment_id].status == "booked" and row.start == old[appointment_id].start
            assert pending.get("appointment_id") == appointment_id
            expected = "cancelled" if pending.get("kind") == "cancel" else "rescheduled"
            assert row.status == expected


def _state_before(agent: Receptionist, call: Conversation, turn: int) -> CallState:
    """The state in which the caller heard the question that their line `turn` answered."""
    for snapshot in agent.graph.get_state_history(call.config):
        values = snapshot.values
        if snapshot.next == ("listen",) and values["turn"] == turn - 1:
            return values if isinstance(values, CallState) else CallState(**values)
    raise AssertionError(f"no checkpoint before turn {turn}")


def _caller_id(rng: random.Random) -> str | None:
    return rng.choice([*ACCOUNTS, None, None, "anonymous", f"+1917555{rng.randint(0, 9999):04d}"])


def run_calls(seed: int, utterances: int) -> tuple[int, int, int]:
    """Say `utterances` generated lines over as many calls as it takes; return (lines, calls,
    writes). Raises AssertionError naming the call and line when anything does not hold."""
    with fuzz_agent() as (agent, reader):
        return _run(agent, reader, seed, utterances)


def _run(
    agent: Receptionist, reader: sqlite3.Connection, seed: int, utterances: int
) -> tuple[int, int, int]:
    rng = random.Random(seed)
    lines = LineMaker(rng)
    said = calls = writes = 0
    while said < utterances:
        calls += 1
        call = agent.conversation(f"fuzz-{calls}")
        greeting = call.start(caller_id=_caller_id(rng))
        assert greeting.strip() and len(greeting) <= MAX_REPLY_CHARS
        for _ in range(rng.randint(5, 40)):
            if not call.waiting():
                break
            line = lines.line()
            old = _rows(reader)
            try:
                reply = call.say(line).reply
            except Exception as error:  # the failing line, reproducible from the seed
                raise AssertionError(
                    f"seed {seed} call {calls} raised {error!r} on {line[:200]!r}"
                ) from error
            said += 1
            assert reply.strip(), line[:200]
            assert len(reply) <= MAX_REPLY_CHARS, (line[:200], reply)
            new = _rows(reader)
            if new != old:  # read the checkpoints only when something was written
                after = call.state()
                _audit(_state_before(agent, call, after.turn), after, old, new)
                writes += 1
        final = call.state()
        assert final.user_id is None or final.identity in TRUSTED
        if call.waiting():
            call.hang_up()
        assert not call.waiting()
    return said, calls, writes
