"""`booking scenarios run`: scripted conversations checked against replies, database and state.

A scenario is a YAML file (see scenarios/README.md): a fixed clock, seeded users and
appointments, caller turns with expectations on each reply, events between turns (another
caller books a slot, the database drops), and expectations on the final database, the stored
conversation and the checkpointed state. Each runs on its own fresh SQLite file.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import tempfile
import traceback
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from booking.app import embedded_agent, fixed_clock
from booking.settings import parse_hours
from business.calendar import BusinessCalendar
from graph.conversation import Conversation
from store.errors import StoreUnavailable
from store.port import Store
from store.sqlite import SqliteStore


class _Loader(yaml.SafeLoader):
    """YAML where a caller's "yes", "no", "on" and "off" stay words; only true/false are bool."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class ScenarioFailed(AssertionError):
    """An expectation of a scenario did not hold."""


@dataclass
class Result:
    """The outcome of one scenario."""

    name: str
    path: Path
    failure: str | None = None
    transcript: list[str] = field(default_factory=list)


class DroppingStore:
    """Wraps a store so that, while `down`, every call fails as a dropped database would."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.down = False

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise StoreUnavailable("connection lost (simulated by the scenario)")
            return attr(*args, **kwargs)

        return call


def load(path: Path) -> dict[str, Any]:
    """Read one scenario file."""
    data = yaml.load(path.read_text(), Loader=_Loader)
    if not isinstance(data, dict) or "turns" not in data:
        raise ScenarioFailed(f"{path}: a scenario needs a mapping with 'turns'")
    return data


def scenario_files(paths: Iterable[str]) -> Iterator[Path]:
    """Expand folders into their *.yaml files, in name order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(path.glob("**/*.yaml"))
        else:
            yield path


def calendar_of(spec: dict[str, Any]) -> BusinessCalendar:
    """Build the scenario's calendar; unspecified fields keep the defaults."""
    cal = BusinessCalendar()
    changes: dict[str, Any] = {}
    for key in ("timezone", "slot_minutes", "min_lead_minutes", "horizon_days"):
        if key in spec:
            changes[key] = spec[key]
    if "hours" in spec:
        changes["hours"] = parse_hours(spec["hours"])
    if "closures" in spec:
        changes["closures"] = frozenset(_day(d) for d in spec["closures"])
    return replace(cal, **changes)


def run_scenario(path: Path, *, workdir: Path) -> Result:
    """Run one scenario on a fresh database and check every expectation."""
    result = Result(name=path.stem, path=path)
    try:
        spec = load(path)
        result.name = str(spec.get("name", path.stem))
        calendar = calendar_of(spec.get("calendar", {}))
        now = _instant(spec["now"], calendar)
        db = workdir / f"{path.stem}.db"
        with embedded_agent(db, calendar=calendar, clock=fixed_clock(now)) as agent:
            seed(agent.store, spec, calendar)
            dropping = DroppingStore(agent.store)
            agent.context = replace(agent.context, store=dropping)
            call = agent.conversation(f"scenario-{path.stem}")
            play(call, spec, dropping, calendar, result)
            check_final(call, agent.store, spec, calendar, db=db)
    except (ScenarioFailed, yaml.YAMLError) as failure:
        result.failure = str(failure)
    except Exception:  # a crash is a failed scenario, with the traceback to fix it
        result.failure = traceback.format_exc(limit=6)
    return result


def seed(store: SqliteStore, spec: dict[str, Any], calendar: BusinessCalendar) -> None:
    """Create the scenario's users and appointments."""
    for user in spec.get("users", []):
        created = store.create_user(phone=str(user["phone"]))
        if user.get("name"):
            store.set_user_name(created.id, str(user["name"]))
    for i, appt in enumerate(spec.get("appointments", [])):
        _book(store, appt, calendar, key=f"seed-{i}")


def _book(
    store: SqliteStore, appt: dict[str, Any], calendar: BusinessCalendar, *, key: str
) -> None:
    user = store.find_user_by_phone(str(appt["phone"])) or store.create_user(
        phone=str(appt["phone"])
    )
    booked = store.book(
        user_id=user.id,
        start=_instant(appt["start"], calendar),
        duration_min=calendar.slot_minutes,
        idempotency_key=key,
    )
    if appt.get("status") == "cancelled":
        store.cancel(user_id=user.id, appointment_id=booked.id, idempotency_key=f"{key}-cancel")


def play(
    call: Conversation,
    spec: dict[str, Any],
    dropping: DroppingStore,
    calendar: BusinessCalendar,
    result: Result,
) -> None:
    """Play the turns in order, checking each reply as it comes."""
    reply = call.start(caller_id=spec.get("phone"))
    result.transcript.append(f"agent: {reply}")
    for number, turn in enumerate(spec["turns"], start=1):
        where = f"turn {number}"
        if "book_elsewhere" in turn:
            _book(dropping.inner, turn["book_elsewhere"], calendar, key=f"elsewhere-{number}")  # type: ignore[arg-type]  # the real store
            continue
        if "store_down" in turn:
            dropping.down = bool(turn["store_down"])
            continue
        if turn.get("hangup"):
            call.hang_up()
            result.transcript.append("caller hung up")
            continue
        if "caller" in turn:
            reply = call.say(str(turn["caller"]))
            result.transcript.append(f"caller: {turn['caller']}")
            result.transcript.append(f"agent: {reply}")
        check_reply(reply, turn, where)
        if "state" in turn:
            check_fields(vars(call.state()), turn["state"], f"{where} state")


def check_reply(reply: str, turn: dict[str, Any], where: str) -> None:
    """Check the reply against `agent` (must match) and `not` (must not match) patterns."""
    for pattern in _listed(turn.get("agent")):
        if not matches(pattern, reply):
            raise ScenarioFailed(f"{where}: reply {reply!r} does not contain {pattern!r}")
    for pattern in _listed(turn.get("not")):
        if matches(pattern, reply):
            raise ScenarioFailed(f"{where}: reply {reply!r} should not contain {pattern!r}")


def matches(pattern: Any, text: str) -> bool:
    """A /regex/ searches; any other string is a case-insensitive substring."""
    pattern = str(pattern)
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        return re.search(pattern[1:-1], text, re.IGNORECASE) is not None
    return pattern.lower() in text.lower()


def check_fields(actual: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    """Compare selected fields; strings may be /regex/, `null` means absent or None."""
    for key, want in expected.items():
        got = actual.get(key)
        if isinstance(want, str) and isinstance(got, str):
            ok = matches(want, got) if want.startswith("/") else got == want
        elif isinstance(want, dict) and isinstance(got, dict):
            check_fields(got, want, f"{where}.{key}")
            ok = True
        else:
            ok = got == want
        if not ok:
            raise ScenarioFailed(f"{where}: {key} is {got!r}, expected {want!r}")


def check_final(
    call: Conversation, store: SqliteStore, spec: dict[str, Any], cal: BusinessCalendar, *, db: Path
) -> None:
    """Check the database, the stored conversation and the final checkpointed state."""
    expect = spec.get("expect", {})
    rows = all_appointments(db, cal)
    for want in expect.get("appointments", []):
        start = _instant(want["start"], cal).isoformat()
        status = want.get("status", "booked")
        found = [r for r in rows if r["phone"] == str(want["phone"]) and r["start"] == start]
        if not any(r["status"] == status for r in found):
            raise ScenarioFailed(
                f"database: no {status} appointment for {want['phone']} at {start}; have {rows}"
            )
    if "booked" in expect:
        booked = [r for r in rows if r["status"] == "booked"]
        if len(booked) != expect["booked"]:
            raise ScenarioFailed(
                f"database: {len(booked)} booked, expected {expect['booked']}: {booked}"
            )
    if "conversation" in expect:
        conversation = store.get_conversation(call.thread_id)
        if conversation is None:
            raise ScenarioFailed("database: the conversation was not stored")
        check_fields(vars(conversation), expect["conversation"], "conversation")
    if "users" in expect:
        for want in expect["users"]:
            user = store.find_user_by_phone(str(want["phone"]))
            if user is None:
                raise ScenarioFailed(f"database: no user {want['phone']}")
            check_fields(vars(user), want, "user")
    if "state" in expect:
        check_fields(vars(call.state()), expect["state"], "final state")


def all_appointments(db: Path, cal: BusinessCalendar) -> list[dict[str, str]]:
    """Every appointment in the file, read as an analyst would, start in business time."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT u.phone_number, a.start_at, a.status"
            " FROM appointments a JOIN users u ON u.id = a.user_id"
        ).fetchall()
    return [
        {
            "phone": phone,
            "start": datetime.fromisoformat(start).astimezone(cal.tz).isoformat(),
            "status": status,
        }
        for phone, start, status in rows
    ]


def run_paths(paths: list[str], *, verbose: bool = False) -> int:
    """Run scenarios, print a line each and a closing tally; return non-zero on any failure."""
    files = list(scenario_files(paths))
    if not files:
        print("no scenario files found", file=sys.stderr)
        return 2
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="scenarios-") as tmp:
        for path in files:
            result = run_scenario(path, workdir=Path(tmp))
            if result.failure is None:
                passed += 1
                print(f"PASS {path.stem}: {result.name}")
            else:
                failed += 1
                print(f"FAIL {path.stem}: {result.name}\n  {result.failure}")
            if verbose or result.failure:
                for line in result.transcript:
                    print(f"    {line}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _instant(value: Any, cal: BusinessCalendar) -> datetime:
    """Read a date-time; without an offset it is business-local time."""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return instant if instant.tzinfo else instant.replace(tzinfo=cal.tz)
