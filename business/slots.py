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
`exclude` counts as taken, so "anything else?" on a day with nothing left says "full".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Literal

from business.calendar import BusinessCalendar

PartOfDay = Literal["morning", "afternoon", "evening"]
Reason = Literal[
    "past", "too_soon", "closed", "outside_hours", "beyond_horizon", "taken", "full", "no_match"
]
BusyLookup = Callable[[datetime, datetime], Collection[datetime]]
"""Aware [start, end) window → start instants already booked in it (any timezone)."""

_PARTS: dict[str, tuple[int, int]] = {
    "morning": (0, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 24 * 60),
}
# Across several wished days, what happened on open days explains a miss better than days
# the business was shut or that lie outside the bookable window.
_REASON_RANK: tuple[Reason, ...] = (
    "taken", "full", "no_match", "outside_hours", "too_soon", "past", "closed", "beyond_horizon"
)  # fmt: skip


@dataclass(frozen=True)
class SlotQuery:
    """The caller's wish, in business-local dates and wall-clock times."""

    day: date | None = None
    """A single day; wins over a range."""
    day_from: date | None = None
    """First day of an inclusive range (None with day_to: from today)."""
    day_to: date | None = None
    """Last day of the range (None with day_from: up to the horizon)."""
    at: time | None = None
    """An exact wished start time."""
    earliest: time | None = None
    """A slot must start at or after this time."""
    latest: time | None = None
    """A slot must start strictly before this time ("before noon" → 11:30 is the last)."""
    part_of_day: PartOfDay | None = None
    """morning < 12:00 <= afternoon < 17:00 <= evening, applied to the slot's start."""


@dataclass(frozen=True)
class SlotSearch:
    """What to offer: matches for the wish, or the nearest alternatives and why."""

    slots: tuple[datetime, ...]
    """Aware starts in the business timezone, ascending, at most `limit`."""
    matched: bool
    """True when the slots satisfy the wish; False when they are alternatives."""
    reason: Reason | None
    """Why the wish itself could not be met; None when matched."""


def slot_starts(cal: BusinessCalendar, day: date) -> list[datetime]:
    """Return every slot start of a day in the business timezone; [] when closed."""
    hours = cal.opening(day)
    if hours is None:
        return []
    opens, closes = (t.hour * 60 + t.minute for t in hours)
    starts = []
    for minute in range(opens, closes - cal.slot_minutes + 1, cal.slot_minutes):
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=cal.tz)
        # A wall time skipped by spring-forward does not survive a round trip through UTC.
        if local.astimezone(UTC).astimezone(cal.tz).replace(tzinfo=None) == local.replace(
            tzinfo=None
        ):
            starts.append(local)
    return starts


def check_slot(cal: BusinessCalendar, start: datetime, *, now: datetime) -> Reason | None:
    """Return why `start` cannot be booked, ignoring bookings; None when it can."""
    # "too soon" is only said of a slot that would otherwise exist, so it is checked last.
    timing = _timing(cal, start, now=now)
    if timing in ("past", "beyond_horizon"):
        return timing
    day = start.astimezone(cal.tz).date()
    if cal.opening(day) is None:
        return "closed"
    if _utc(start) not in {_utc(s) for s in slot_starts(cal, day)}:
        return "outside_hours"
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
    scan = _Scan(cal, now, busy, frozenset(_utc(s) for s in exclude))
    first, last = _span(query, scan.today, scan.last_day)
    wished = list(_days(max(first, scan.today), min(last, scan.last_day)))

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
        return SlotSearch(_ascending(topped_up)[:limit], True, None)

    if first < scan.today:
        reasons.add("past")
    if last > scan.last_day:
        reasons.add("beyond_horizon")
    reason = next((r for r in _REASON_RANK if r in reasons), "no_match")
    nearest = _alternatives(scan, query, wished=wished, span=(first, last), limit=limit)
    return SlotSearch(nearest, False, reason)


def _alternatives(
    scan: _Scan, query: SlotQuery, *, wished: list[date], span: tuple[date, date], limit: int
) -> tuple[datetime, ...]:
    """Return the nearest free slots: other times on the wished days, then later, then earlier."""
    first, last = span
    soft = replace(query, at=None)
    has_soft = (query.earliest, query.latest, query.part_of_day) != (None, None, None)
    following = list(_days(max(last + timedelta(days=1), scan.today), scan.last_day))
    preceding = list(_days(scan.today, min(first - timedelta(days=1), scan.last_day)))[::-1]
    stages: list[tuple[list[date], bool]] = []
    for days in (wished, following, preceding):
        # Honour earliest/latest/part-of-day where possible; drop them only when that fails.
        if has_soft and (days is not wished or query.at is not None):
            stages.append((days, True))
        stages.append((days, False))

    chosen: list[datetime] = []
    for days, filtered in stages:
        for day in days:
            free = [s for s in scan.free(day) if s not in chosen]
            if filtered:
                free = [s for s in free if _fits(s, soft)]
            free.sort(key=lambda s: (_distance(s, query), _utc(s)))
            chosen += free[: limit - len(chosen)]
            if len(chosen) >= limit:
                return _ascending(chosen)
    return _ascending(chosen)


@dataclass
class _Scan:
    """One search's clock and bookings; each day's bookings are looked up at most once."""

    cal: BusinessCalendar
    now: datetime
    busy: BusyLookup
    exclude: frozenset[datetime]
    _booked: dict[date, frozenset[datetime]] = field(default_factory=dict)

    @cached_property
    def today(self) -> date:
        return self.now.astimezone(self.cal.tz).date()

    @cached_property
    def last_day(self) -> date:
        return self.today + timedelta(days=self.cal.horizon_days)

    def taken(self, start: datetime) -> bool:
        """Return True when `start` is booked or was already offered."""
        if _utc(start) in self.exclude:
            return True
        day = start.date()
        if day not in self._booked:
            begin = datetime.combine(day, time(), tzinfo=self.cal.tz)
            end = datetime.combine(day + timedelta(days=1), time(), tzinfo=self.cal.tz)
            self._booked[day] = frozenset(_utc(s) for s in self.busy(begin, end))
        return _utc(start) in self._booked[day]

    def free(self, day: date) -> list[datetime]:
        """Return the day's slots that can be offered right now, in order."""
        return [
            s
            for s in slot_starts(self.cal, day)
            if _timing(self.cal, s, now=self.now) is None and not self.taken(s)
        ]

    def classify(self, day: date, query: SlotQuery) -> tuple[list[datetime], Reason | None]:
        """Return the day's free slots fitting the wish, or why there are none."""
        grid = slot_starts(self.cal, day)
        if not grid:
            return [], "closed"
        wanted = [s for s in grid if _fits(s, query)]
        if not wanted:
            on_grid = query.at is None or any(_wall(s) == _minutes(query.at) for s in grid)
            return [], "no_match" if on_grid else "outside_hours"
        timing = [_timing(self.cal, s, now=self.now) for s in wanted]
        free = [s for s, t in zip(wanted, timing, strict=True) if t is None and not self.taken(s)]
        if free:
            return free, None
        if None in timing:  # bookable as far as the clock goes, so bookings filled them
            return [], "taken" if query.at is not None else "full"
        return [], next(r for r in ("past", "too_soon", "beyond_horizon") if r in timing)


def _timing(cal: BusinessCalendar, start: datetime, *, now: datetime) -> Reason | None:
    """Return past / too_soon / beyond_horizon for an instant, or None when in the window."""
    if start.tzinfo is None or now.tzinfo is None:
        raise ValueError("start and now must be timezone-aware")
    if _utc(start) < _utc(now):
        return "past"
    # The horizon is counted in calendar days at the same wall time, not in 24-hour blocks.
    local_now = now.astimezone(cal.tz)
    if _utc(start) > _utc(local_now + timedelta(days=cal.horizon_days)):
        return "beyond_horizon"
    if _utc(start) < _utc(now) + timedelta(minutes=cal.min_lead_minutes):
        return "too_soon"
    return None


def _span(query: SlotQuery, today: date, last_day: date) -> tuple[date, date]:
    """Return the first and last wished day (inclusive)."""
    if query.day is not None:
        return query.day, query.day
    if query.day_from is None and query.day_to is None:
        return today, last_day
    first = query.day_from if query.day_from is not None else today
    last = query.day_to if query.day_to is not None else max(first, last_day)
    return min(first, last), max(first, last)


def _fits(start: datetime, query: SlotQuery) -> bool:
    """Return True when the slot's wall time satisfies every time constraint of the wish."""
    minute = _wall(start)
    low, high = _window(query)
    return low <= minute < high and (query.at is None or minute == _minutes(query.at))


def _window(query: SlotQuery) -> tuple[int, int]:
    """Return the [low, high) minutes of the day a slot may start in."""
    low, high = _PARTS[query.part_of_day] if query.part_of_day else (0, 24 * 60)
    if query.earliest is not None:
        low = max(low, _minutes(query.earliest))
    if query.latest is not None:
        high = min(high, _minutes(query.latest))
    return low, high


def _distance(start: datetime, query: SlotQuery) -> int:
    """Return how many minutes the slot's wall time is from the wished time or window."""
    minute = _wall(start)
    if query.at is not None:
        return abs(minute - _minutes(query.at))
    low, high = _window(query)
    return max(low - minute, minute - high + 1, 0)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _ascending(slots: list[datetime]) -> tuple[datetime, ...]:
    return tuple(sorted(slots, key=_utc))


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _wall(start: datetime) -> int:
    return _minutes(start.timetz())


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
