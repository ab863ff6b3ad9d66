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

The search policy lives here; the query and result types in `slot_query`, the wall-clock
rules (and `slot_starts`) in `slot_rules`, the per-search day scan and alternative search
in `slot_scan`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from business import slot_rules as rules
from business.calendar import BusinessCalendar
from business.slot_query import BusyLookup, Reason, SlotQuery, SlotSearch
from business.slot_rules import last_day, slot_starts
from business.slot_scan import Scan, alternatives

# slot_starts and last_day live in slot_rules but are part of this module's API.
__all__ = ["check_slot", "find_slots", "last_day", "slot_starts"]

# Across several wished days, what happened on open days explains a miss better than days
# the business was shut or that lie outside the bookable window.
_REASON_RANK: tuple[Reason, ...] = (
    "offered", "taken", "full", "no_match", "off_grid", "outside_hours", "too_soon", "past",
    "closed", "beyond_horizon",
)  # fmt: skip


def check_slot(cal: BusinessCalendar, start: datetime, *, now: datetime) -> Reason | None:
    """Return why `start` cannot be booked, ignoring bookings; None when it can."""
    # "too soon" is only said of a slot that would otherwise exist, so it is checked last.
    timing = rules.timing(cal, start, now=now)
    if timing in ("past", "beyond_horizon"):
        return timing
    day = start.astimezone(cal.tz).date()
    if cal.opening(day) is None:
        return "closed"
    if rules.utc(start) not in {rules.utc(s) for s in slot_starts(cal, day)}:
        return rules.off_grid_or_outside(cal, day, start.astimezone(cal.tz).time())
    return timing


def find_slots(
    cal: BusinessCalendar,
    query: SlotQuery,
    *,
    now: datetime,
    busy: BusyLookup,
    limit: int = 3,
    exclude: Collection[datetime] = (),
) -> SlotSearch:
    """Find up to `limit` bookable slots for the wish, or the nearest alternatives."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    scan = Scan(cal, now, busy, frozenset(rules.utc(s) for s in exclude))
    first, last = rules.span(query, scan.today, scan.last_day)
    wished = list(rules.days(max(first, scan.today), min(last, scan.last_day)))

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
        topped_up = picks + spare[: max(0, limit - len(picks))]
        return SlotSearch(rules.ascending(topped_up)[:limit], True, None)

    if first < scan.today:
        reasons.add("past")
    if last > scan.last_day:
        reasons.add("beyond_horizon")
    reason = next((r for r in _REASON_RANK if r in reasons), "no_match")
    nearest = alternatives(scan, query, wished=wished, span=(first, last), limit=limit)
    return SlotSearch(nearest, False, reason)
