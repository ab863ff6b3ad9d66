"""What every node may use besides state: injected once per run, never read from globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from business.calendar import BusinessCalendar
from nodes.understanding.types import Understander
from store.port import Store


@dataclass(frozen=True)
class CallContext:
    """Dependencies of a call: the store, the understanding engine, the calendar and the clock."""

    store: Store
    understander: Understander
    calendar: BusinessCalendar
    clock: Callable[[], datetime]
    """Returns the current instant, timezone-aware; tests and replays pin it."""
    region: str = "US"
    """Default region for phone numbers said without a country code."""
    max_misunderstandings: int = 3
    """After this many unclear utterances in a row the agent offers a callback."""

    def now(self) -> datetime:
        """Return the current time in the business timezone."""
        return self.clock().astimezone(self.calendar.tz)
