"""What every node may use besides state: injected once per run, never read from globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from business.calendar import BusinessCalendar
from graph.understanding import Understander
from store.port import Store


@dataclass(frozen=True)
class Prices:
    """What the understanding engine's tokens cost, per million, in US dollars."""

    input_per_mtok: float = 0.15
    output_per_mtok: float = 0.60
    """Defaults: gpt-4o-mini's list prices; configure them for another model."""

    def llm_usd(self, *, input_tokens: int, output_tokens: int) -> float:
        """Return the price of a number of tokens."""
        cost = input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok
        return cost / 1_000_000


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
    max_verify_tries: int = 2
    """Failed identity checks of a spoken number allowed per call before no account is read."""
    max_account_failures: int = 5
    """Failed identity checks of one account, across calls within a day, that lock it by phone."""
    ask_email: bool = False
    """E-mail is the only confirmation channel: a caller with no address on file is asked
    for one after a write, so the confirmation can reach them."""
    engine: str = "rules"
    """Name of the understanding engine (the model's name when an LLM is on), for costs."""
    prices: Prices = field(default_factory=Prices)

    def now(self) -> datetime:
        """Return the current time in the business timezone."""
        return self.clock().astimezone(self.calendar.tz)
