"""Slot search: which appointment starts can be offered for what the caller wished.

Pure functions: `now` is injected and bookings come from a `busy` lookup asked one business
day at a time (each day at most once, never past the horizon). Slots are wall-clock times in
the business timezone compared as UTC instants, so daylight-saving days stay right: on a
fall-back day a repeated wall time is one slot (its first occurrence), and on a
spring-forward day wall times that do not exist are skipped.

`find_slots` first looks for slots that meet the whole wish. A range takes at most two slots
a day while later days of the range have room. Failing that it returns the nearest free
slots, in this order of preference: other times on the wished days, then the following days
(keeping earliest/latest/part of day, then without them), then the days before (for a wish
beyond the horizon). Nearness is minutes from `at`, or from the wished window. A slot in
`exclude` counts as taken, so "anything else?" never repeats an offer; when only offered
slots are left the reason is "offered", not "full". A time between slot starts within
opening hours is "off_grid" (with the nearest starts offered), not "outside_hours".

Every search is for one service (its length and buffer) and the people who can do it: the
person asked for, or all of them ("anyone"), each on their own hours and bookings. A slot
is offered with the first of them free then. When the person asked for is not free at the
wished time, one slot with someone else at that time comes first among the alternatives
("Maria is booked at 2; Alex is free at 2, or Maria at 3:30"). A start whose service would
end after closing is "too_long"; a day or time the person does not work, "staff_off".

The search policy lives here; the query and result types in `slot_query`, the wall-clock
rules (and `slot_starts`) in `slot_rules`, the per-search day scan and alternative search
in `slot_scan`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from business import slot_rules as rules
from business.calendar import BusinessCalendar, Service, Staff
from business.slot_query import ANYONE, BusyLookup, Reason, SlotQuery, SlotSearch
from business.slot_rules import last_day, slot_starts
from business.slot_scan import Scan, alternatives

# slot_starts and last_day live in slot_rules but are part of this module's API.
__all__ = ["check_slot", "find_slots", "last_day", "people_for", "slot_starts"]

# Across several wished days, what happened on open days explains a miss better than days
# the business was shut or that lie outside the bookable window.
_REASON_RANK: tuple[Reason, ...] = (
    "staff_cannot", "offered", "taken", "full", "no_match", "too_long", "off_grid",
    "staff_off", "outside_hours", "too_soon", "past", "closed", "beyond_horizon",
)  # fmt: skip


def people_for(cal: BusinessCalendar, service: Service, staff: str | None) -> tuple[Staff, ...]:
    """Return who may take a booking of the service: the person asked for, or all who can.

    A person who does not do the service (or is unknown) is not asked for: everyone who
    does it is searched, and the search says so (`staff_cannot`).
    """
    capable = cal.who_can(service)
    if staff in (None, ANYONE):
        return capable
    named = tuple(p for p in capable if p.id == staff)
    return named or capable


def check_slot(
    cal: BusinessCalendar,
    start: datetime,
    *,
    now: datetime,
    service: str | None = None,
    staff: str | None = None,
) -> Reason | None:
    """Return why `start` cannot be booked for the service and person, ignoring bookings."""
    # "too soon" is only said of a slot that would otherwise exist, so it is checked last.
    timing = rules.timing(cal, start, now=now)
    if timing in ("past", "beyond_horizon"):
        return timing
    day = start.astimezone(cal.tz).date()
    if cal.opening(day) is None:
        return "closed"
    wanted = cal.service(service)
    people = people_for(cal, wanted, staff)
    grid = {rules.utc(s) for p in people for s in slot_starts(cal, day, p, wanted)}
    if rules.utc(start) not in grid:
        at = start.astimezone(cal.tz).time()
        return rules.off_grid_or_outside(cal, day, at, people, wanted)
    return timing


def find_slots(
    cal: BusinessCalendar,
    query: SlotQuery,
    *,
    now: datetime,
    busy: BusyLookup,
    limit: int = 3,
    exclude: Collection[datetime] = (),
    ignore: Collection[tuple[str, datetime]] = (),
) -> SlotSearch:
    """Find up to `limit` bookable slots for the wish, or the nearest alternatives.

    `ignore` lists (staff id, start) of bookings that do not count: the one being moved.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    service = cal.service(query.service)
    people = people_for(cal, service, query.staff)
    skip = frozenset((staff, rules.utc(start)) for staff, start in ignore)
    scan = Scan(cal, now, busy, frozenset(rules.utc(s) for s in exclude), service, people, skip)
    first, last = rules.span(query, scan.today, scan.last_day)
    wished = list(rules.days(max(first, scan.today), min(last, scan.last_day)))
    cannot = query.staff not in (None, ANYONE) and query.staff not in {p.id for p in people}

    # A range offers at most two slots a day first, so "next week" is heard as several days.
    cap = 2 if query.day is None and query.day_from is not None else limit
    picks: list[datetime] = []
    spare: list[datetime] = []
    reasons: set[Reason] = set()
    for day in wished:
        free, reason = scan.classify(day, query)
        picks += free[:cap]
        spare += free[cap:]
        if reason is not None:
            reasons.add(reason)
        if len(picks) >= limit:
            break
    if picks:
        topped_up = rules.ascending(picks + spare[: max(0, limit - len(picks))])[:limit]
        # a person asked for who does not do the service: others who do, not a match
        why: Reason | None = "staff_cannot" if cannot else None
        return _found(scan, topped_up, matched=not cannot, reason=why)

    if first < scan.today:
        reasons.add("past")
    if last > scan.last_day:
        reasons.add("beyond_horizon")
    reason = next((r for r in _REASON_RANK if r in reasons), "no_match")
    others = _others_then(cal, scan, query, wished) if len(people) == 1 else []
    nearest = alternatives(
        scan, query, wished=wished, span=(first, last), limit=limit - len(others)
    )
    mine = [(s, scan.who(s) or people[0].id) for s in nearest]
    offers = sorted(others + mine, key=lambda o: rules.utc(o[0]))
    return SlotSearch(tuple(s for s, _ in offers), False, reason, tuple(who for _, who in offers))


def _others_then(
    cal: BusinessCalendar, scan: Scan, query: SlotQuery, wished: list[date]
) -> list[tuple[datetime, str]]:
    """Return one slot at the wished time with someone else, when the person asked for is
    not free then ("Maria is booked at 2; Alex is free at 2, or Maria at 3:30")."""
    if query.staff in (None, ANYONE):
        return []
    others = tuple(p for p in cal.who_can(scan.service) if p.id != query.staff)
    if not others:
        return []
    other = Scan(cal, scan.now, scan.busy, scan.exclude, scan.service, others, scan.ignore)
    for day in wished:
        free, _ = other.classify(day, query)
        for start in free:
            who = other.who(start)
            if who is not None:
                return [(start, who)]
    return []


def _found(
    scan: Scan, slots: tuple[datetime, ...], *, matched: bool, reason: Reason | None
) -> SlotSearch:
    """Return the search's answer, with who each slot is with."""
    staff = tuple(scan.who(s) or scan.people[0].id for s in slots)
    return SlotSearch(slots, matched, reason, staff)
