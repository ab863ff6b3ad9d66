"""`booking scenarios run`: scripted conversations checked against replies, database and state.

A scenario is a YAML file (see scenarios/README.md): a fixed clock, seeded users and
appointments, caller turns with expectations on each reply, events between turns (another
caller books a slot, the database drops), and expectations on the final database, the stored
conversation and the checkpointed state. Each runs on its own fresh SQLite file.
"""

from __future__ import annotations

import re
import sys
import tempfile
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml

from booking.compose import fixed_clock, open_receptionist
from booking.devtools.scenario_checks import (
    ScenarioFailed,
    check_fields,
    check_final,
    check_reply,
    listed,
    local_instant,
)
from booking.devtools.scripted_llm import ScriptedEngine
from booking.settings import parse_hours
from business.calendar import BusinessCalendar
from business.config import BusinessFileError, parse_business
from graph.conversation import Conversation
from graph.understanding import Understander
from nodes.understanding.offerings import Vocabulary
from nodes.understanding.rules import RuleUnderstander
from store.errors import StoreUnavailable
from store.port import Store


class _Loader(yaml.SafeLoader):
    """YAML where a caller's "yes", "no", "on" and "off" stay words; only true/false are bool."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class Result:
    """The outcome of one scenario."""

    name: str
    path: Path
    failure: str | None = None
    transcript: list[str] = field(default_factory=list)
    llm_calls: list[int] = field(default_factory=list)
    """LLM calls made to understand each caller line, in order."""


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


def calendar_of(
    spec: dict[str, Any], business: Any = None, *, source: str = ""
) -> BusinessCalendar:
    """Build the scenario's calendar; unspecified fields keep the defaults.

    `business` is a business file's content inline (services, staff, hours ...), checked
    as the file would be; `spec` (the `calendar:` overrides) then applies on top of it.
    """
    cal = BusinessCalendar()
    if business is not None:
        cal = parse_business(yaml.safe_dump(business), source=f"{source} business")
    changes: dict[str, Any] = {}
    for key in ("timezone", "slot_minutes", "min_lead_minutes", "horizon_days", "max_upcoming"):
        if key in spec:
            changes[key] = spec[key]
    if "hours" in spec:
        changes["hours"] = parse_hours(spec["hours"])
    if "closures" in spec:
        changes["closures"] = frozenset(_day(d) for d in spec["closures"])
    return replace(cal, **changes)


Engine = Literal["rules", "scripted-llm"]


def engine_for(engine: Engine, calendar: BusinessCalendar) -> tuple[Understander, str]:
    """Return the understanding engine a scenario runs with, and its name."""
    vocabulary = Vocabulary.of(calendar)
    if engine == "scripted-llm":
        return ScriptedEngine(vocabulary), "scripted-llm"
    return RuleUnderstander(vocabulary), "rules"


def run_scenario(path: Path, *, workdir: Path, engine: Engine = "rules") -> Result:
    """Run one scenario on a fresh database and check every expectation."""
    result = Result(name=path.stem, path=path)
    try:
        spec = load(path)
        result.name = str(spec.get("name", path.stem))
        calendar = calendar_of(spec.get("calendar", {}), spec.get("business"), source=path.name)
        now = local_instant(spec["now"], calendar)
        db = workdir / f"{path.stem}.db"
        understander, name = engine_for(engine, calendar)
        # `email_only: true`: e-mail is the business's only confirmation channel
        ask_email = bool(spec.get("email_only"))
        with open_receptionist(
            db,
            calendar=calendar,
            clock=fixed_clock(now),
            understander=understander,
            engine=name,
            ask_email=ask_email,
        ) as receptionist:
            seed(receptionist.store, spec, calendar)
            dropping = DroppingStore(receptionist.store)
            receptionist.context = replace(receptionist.context, store=dropping)
            call = receptionist.conversation(f"scenario-{path.stem}")
            play(call, spec, dropping, calendar, result)
            check_final(call, receptionist.store, spec, calendar, db=db)
    except (ScenarioFailed, BusinessFileError, yaml.YAMLError) as failure:
        result.failure = str(failure)
    except Exception:  # a crash is a failed scenario, with the traceback to fix it
        result.failure = traceback.format_exc(limit=6)
    return result


def seed(store: Store, spec: dict[str, Any], calendar: BusinessCalendar) -> None:
    """Create the scenario's users and appointments."""
    for user in spec.get("users", []):
        created = store.create_user(phone=str(user["phone"]))
        if user.get("name"):
            store.set_user_name(created.id, str(user["name"]))
    for i, appt in enumerate(spec.get("appointments", [])):
        _book(store, appt, calendar, key=f"seed-{i}")


def _book(store: Store, appt: dict[str, Any], calendar: BusinessCalendar, *, key: str) -> None:
    user = store.find_user_by_phone(str(appt["phone"])) or store.create_user(
        phone=str(appt["phone"])
    )
    service = calendar.service(appt.get("service"))
    booked = store.book(
        user_id=user.id,
        start=local_instant(appt["start"], calendar),
        duration_min=service.duration_min,
        buffer_min=service.buffer_min,
        service=service.id if calendar.services else None,
        staff=str(appt.get("staff") or calendar.people[0].id),
        notes=appt.get("notes"),
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
    # `transfer: true`: a phone call whose door can put the caller through to a person
    reply = call.start(caller_id=spec.get("phone"), can_transfer=bool(spec.get("transfer")))
    result.transcript.append(f"agent: {reply}")
    for number, turn in enumerate(spec["turns"], start=1):
        where = f"turn {number}"
        if "book_elsewhere" in turn:
            _book(dropping.inner, turn["book_elsewhere"], calendar, key=f"elsewhere-{number}")
            continue
        if "store_down" in turn:
            dropping.down = bool(turn["store_down"])
            continue
        if turn.get("hangup"):
            call.hang_up()
            result.transcript.append("caller hung up")
            continue
        if "reminders" in turn:  # the notice worker's reminder pass, at the scenario's clock
            minutes = [int(m) for m in listed(turn["reminders"])]
            dropping.inner.schedule_reminders(now=call.context.now(), minutes_before=minutes)
            continue
        if turn.get("transfer_fails"):
            reply = call.transfer_failed().reply
            result.transcript.append("(the transfer failed)")
            result.transcript.append(f"agent: {reply}")
        if "caller" in turn:
            before = call.state().usage.get("llm_calls", 0)
            reply = call.say(str(turn["caller"])).reply
            result.llm_calls.append(call.state().usage.get("llm_calls", 0) - before)
            result.transcript.append(f"caller: {turn['caller']}")
            result.transcript.append(f"agent: {reply}")
        check_reply(reply, turn, where)
        if "state" in turn:
            check_fields(vars(call.state()), turn["state"], f"{where} state")


def run_paths(
    paths: list[str], *, verbose: bool = False, engine: Engine = "rules", keep: Path | None = None
) -> int:
    """Run scenarios, print a line each and a closing tally; return non-zero on any failure.

    Each scenario runs on its own SQLite file (store and checkpoints); with `keep` the files
    stay in that folder, one `<scenario>.db` per scenario, for `booking threads` to read.
    """
    files = list(scenario_files(paths))
    if not files:
        print("no scenario files found", file=sys.stderr)
        return 2
    passed = failed = 0
    calls: list[int] = []
    with tempfile.TemporaryDirectory(prefix="scenarios-") as tmp:
        workdir = Path(tmp) if keep is None else keep
        workdir.mkdir(parents=True, exist_ok=True)
        for path in files:
            (workdir / f"{path.stem}.db").unlink(missing_ok=True)
            result = run_scenario(path, workdir=workdir, engine=engine)
            calls += result.llm_calls
            if result.failure is None:
                passed += 1
                print(f"PASS {path.stem}: {result.name}")
            else:
                failed += 1
                print(f"FAIL {path.stem}: {result.name}\n  {result.failure}")
            if verbose or result.failure:
                for line in result.transcript:
                    print(f"    {line}")
    if engine != "rules" and calls:
        print(
            f"LLM calls per caller turn: average {sum(calls) / len(calls):.2f} "
            f"({sum(calls)} calls / {len(calls)} turns), max {max(calls)}"
        )
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
