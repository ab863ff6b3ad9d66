"""One slot search's pass over the calendar: free slots per day, and the nearest alternatives.

Split from `slots` because it holds the search's state: bookings come from a `busy` lookup
asked one business day at a time, each day at most once, and a slot in `exclude` counts as
taken so "anything else?" never repeats an offer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property

from business import slot_rules as rules
from business.calendar import BusinessCalendar
from business.slot_query import BusyLookup, Reason, SlotQuery


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
        return rules.last_day(self.cal, self.now)

    def taken(self, start: datetime) -> bool:
        """Return True when `start` is booked or was already offered."""
        if rules.utc(start) in self.exclude:
            return True
        day = start.date()
        if day not in self._booked:
            begin = datetime.combine(day, time(), tzinfo=self.cal.tz)
            end = datetime.combine(day + timedelta(days=1), time(), tzinfo=self.cal.tz)
            self._booked[day] = frozenset(rules.utc(s) for s in self.busy(begin, end))
        return rules.utc(start) in self._booked[day]

    def free(self, day: date) -> list[datetime]:
        """Return the day's slots that can be offered right now, in order."""
        return [
            s
            for s in rules.slot_starts(self.cal, day)
            if rules.timing(self.cal, s, now=self.now) is None and not self.taken(s)
        ]

    def classify(self, day: date, query: SlotQuery) -> tuple[list[datetime], Reason | None]:
        """Return the day's free slots fitting the wish, or why there are none."""
        grid = rules.slot_starts(self.cal, day)
        if not grid:
            return [], "closed"
        wanted = [s for s in grid if rules.fits(s, query)]
        if not wanted:
            if query.at is None or any(rules.wall(s) == rules.minutes(query.at) for s in grid):
                return [], "no_match"
            return [], rules.off_grid_or_outside(self.cal, day, query.at)
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
