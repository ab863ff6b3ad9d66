"""One slot search's pass over the calendar: free slots per day, and the nearest alternatives.

Split from `slots` because it holds the search's state: the service searched for, the
people who may take it (in preference order), and their bookings, which come from a `busy`
lookup asked once per business day. A start is free when one of the people works then, the
service ends by their closing time, and it overlaps none of their bookings (each counted
with its buffer, and the new one with its own). A slot in `exclude` counts as taken, so
"anything else?" never repeats an offer; a booking in `ignore` (the appointment being
moved) does not count, so a move may overlap its own old time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property

from business import slot_rules as rules
from business.calendar import BusinessCalendar, Service, Staff
from business.slot_query import BusyLookup, Reason, SlotQuery

Spans = dict[str, list[tuple[datetime, datetime]]]
"""Staff id → their booked [start, until) spans of one day, in UTC."""


def alternatives(
    scan: Scan, query: SlotQuery, *, wished: list[date], span: tuple[date, date], limit: int
) -> tuple[datetime, ...]:
    """Return the nearest free slots: other times on the wished days, then later, then earlier."""
    first, last = span
    soft = replace(query, at=None)
    has_soft = (query.earliest, query.latest, query.part_of_day) != (None, None, None)
    following = list(rules.days(max(last + timedelta(days=1), scan.today), scan.last_day))
    preceding = list(rules.days(scan.today, min(first - timedelta(days=1), scan.last_day)))[::-1]
    stages: list[tuple[list[date], Callable[[datetime], bool] | None]] = []
    if query.at is not None and len(wished) > 1:
        # "a quarter past nine" on no day in particular: 9 and 9:30 on the first day that has
        # them beat 11 today; only a slot length either side counts as near
        stages.append((wished, lambda s: rules.distance(s, query) <= scan.cal.slot_minutes))
    for days in (wished, following, preceding):
        # Honour earliest/latest/part-of-day where possible; drop them only when that fails.
        if has_soft and (days is not wished or query.at is not None):
            stages.append((days, lambda s: rules.fits(s, soft)))
        stages.append((days, None))

    chosen: list[datetime] = []
    for days, keep in stages:
        for day in days:
            free = [s for s in scan.free(day) if s not in chosen and (keep is None or keep(s))]
            free.sort(key=lambda s: (rules.distance(s, query), rules.utc(s)))
            chosen += free[: limit - len(chosen)]
            if len(chosen) >= limit:
                return rules.ascending(chosen)
    return rules.ascending(chosen)


@dataclass
class Scan:
    """One search's clock, service, people and bookings; each day is looked up at most once."""

    cal: BusinessCalendar
    now: datetime
    busy: BusyLookup
    exclude: frozenset[datetime]
    service: Service
    people: tuple[Staff, ...]
    """Who may take the slot, the preferred first."""
    ignore: frozenset[tuple[str, datetime]] = frozenset()
    """(staff id, UTC start) of bookings that do not count: the appointment being moved."""
    _booked: dict[date, Spans] = field(default_factory=dict)
    _starts: dict[tuple[date, str], frozenset[datetime]] = field(default_factory=dict)

    @cached_property
    def today(self) -> date:
        return self.now.astimezone(self.cal.tz).date()

    @cached_property
    def last_day(self) -> date:
        return rules.last_day(self.cal, self.now)

    @cached_property
    def _length(self) -> timedelta:
        """How long a new booking blocks its person: the service and its buffer."""
        return timedelta(minutes=self.service.duration_min + self.service.buffer_min)

    def _spans(self, day: date) -> Spans:
        """Return the day's bookings per person, looked up once."""
        if day not in self._booked:
            begin = datetime.combine(day, time(), tzinfo=self.cal.tz)
            end = datetime.combine(day + timedelta(days=1), time(), tzinfo=self.cal.tz)
            spans: Spans = {}
            for taken in self.busy(begin, end + self._length):
                start = rules.utc(taken.start)
                if (taken.staff, start) not in self.ignore:
                    spans.setdefault(taken.staff, []).append((start, rules.utc(taken.until)))
            self._booked[day] = spans
        return self._booked[day]

    def _grid(self, day: date, person: Staff) -> frozenset[datetime]:
        """Return the UTC starts a person can take the service at on a day."""
        key = (day, person.id)
        if key not in self._starts:
            starts = rules.slot_starts(self.cal, day, person, self.service)
            self._starts[key] = frozenset(rules.utc(s) for s in starts)
        return self._starts[key]

    def grid(self, day: date) -> list[datetime]:
        """Return every start anyone of the people works on a day, in order (local time)."""
        union = set().union(*(self._grid(day, p) for p in self.people))
        return [s.astimezone(self.cal.tz) for s in sorted(union)]

    def who(self, start: datetime) -> str | None:
        """Return the first of the people free to take the service at `start`, or None."""
        day = start.astimezone(self.cal.tz).date()
        begin = rules.utc(start)
        end = begin + self._length
        for person in self.people:
            if begin not in self._grid(day, person):
                continue
            spans = self._spans(day).get(person.id, [])
            if all(end <= s or until <= begin for s, until in spans):
                return person.id
        return None

    def taken(self, start: datetime) -> bool:
        """Return True when nobody can take `start` or it was already offered."""
        return rules.utc(start) in self.exclude or self.who(start) is None

    def free(self, day: date) -> list[datetime]:
        """Return the day's slots that can be offered right now, in order."""
        return [
            s
            for s in self.grid(day)
            if rules.timing(self.cal, s, now=self.now) is None and not self.taken(s)
        ]

    def classify(self, day: date, query: SlotQuery) -> tuple[list[datetime], Reason | None]:
        """Return the day's free slots fitting the wish, or why there are none."""
        grid = self.grid(day)
        if not grid:
            return [], "closed" if self.cal.opening(day) is None else "staff_off"
        wanted = [s for s in grid if rules.fits(s, query)]
        if not wanted:
            if query.at is None or any(rules.wall(s) == rules.minutes(query.at) for s in grid):
                return [], "no_match"
            return [], rules.off_grid_or_outside(self.cal, day, query.at, self.people, self.service)
        timing = [rules.timing(self.cal, s, now=self.now) for s in wanted]
        bookable = [s for s, t in zip(wanted, timing, strict=True) if t is None]
        free = [s for s in bookable if not self.taken(s)]
        if free:
            return free, None
        if any(rules.utc(s) in self.exclude for s in bookable):
            return [], "offered"  # the caller has heard every slot left, so none is "full"
        if bookable:  # bookable as far as the clock goes, so bookings filled them
            return [], "taken" if query.at is not None else "full"
        return [], next(r for r in ("past", "too_soon", "beyond_horizon") if r in timing)
