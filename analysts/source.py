"""What the analysts' views are given by the door that opens them (the `booking` CLI).

The views never pick a database or read the settings themselves: they get a `Source`
(booking's `Database` is one) and a `Locale`, so this package depends on nothing above it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from langgraph.checkpoint.base import BaseCheckpointSaver

from store.port import Store


class Source(Protocol):
    """Where the calls were recorded: the store and the checkpoints, and what kind they are."""

    @property
    def name(self) -> Literal["postgres", "supabase", "sqlite"]:
        """Return which kind of store holds the calls."""
        ...

    @property
    def sqlite_path(self) -> str | Path:
        """Return the SQLite file (the store's when `name` is "sqlite")."""
        ...

    @property
    def database_url(self) -> str | None:
        """Return the Postgres connection string when `name` is "postgres"."""
        ...

    def open_store(self) -> AbstractContextManager[Store]:
        """Open the store; close it on exit."""
        ...

    def open_checkpointer(self) -> AbstractContextManager[BaseCheckpointSaver[str]]:
        """Open the checkpoints; close them on exit."""
        ...


@dataclass(frozen=True)
class Locale:
    """How the business reads numbers and days (the defaults are the settings' defaults)."""

    region: str = "US"
    """Phone numbers typed without a country code are read in this region."""
    timezone: str = "America/Los_Angeles"
    """Days ("since", "until") are the business's days, in this zone."""

    @property
    def zone(self) -> ZoneInfo:
        """Return the business's zone."""
        return ZoneInfo(self.timezone)
