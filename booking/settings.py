"""Settings from the environment (and `.env`), read only by the composition roots."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from business.calendar import BusinessCalendar
from business.config import load_business
from business.config_hours import parse_hours
from graph.context import Prices
from tokens.strength import WeakSecret, weak_secret_sentence

__all__ = ["Settings", "get_settings", "parse_hours"]


class Settings(BaseSettings):
    """Every knob of the embedded agent; see .env.example for each one explained.

    With `BUSINESS_FILE` set, the business file describes the calendar and these are
    ignored: BUSINESS_TIMEZONE, BUSINESS_HOURS, SLOT_MINUTES, CLOSURES, MIN_LEAD_MINUTES,
    HORIZON_DAYS, MAX_UPCOMING_PER_CALLER. The file is read once, when the settings are
    made, so a broken one stops the process at start-up with `BusinessFileError`: one
    sentence naming the line.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    booking_db: str = "booking.db"
    database_url: SecretStr | None = None
    """Postgres for the store and the checkpoints; it may hold a password, so secret."""
    database_wait_seconds: float = 0.5
    """How long a call waits for a pooled Postgres connection before trying a fresh one."""
    database_connect_timeout_seconds: float = 2.0
    """libpq's connect timeout for each new Postgres connection (at least 2)."""
    database_statement_timeout_seconds: float = 5.0
    """Server-side statement timeout of every Postgres query; 0 leaves the server's own."""
    database_pool_min: int = Field(default=1, ge=0)
    """Connections each of the two Postgres pools (store, checkpoints) keeps open when idle."""
    database_pool_max: int = Field(default=10, ge=1)
    """Connections each pool may hold: a process holds at most 2 * (this + 1), its budget."""
    supabase_url: str | None = None
    supabase_key: SecretStr | None = None
    checkpoint_retention_days: int = 30
    """`booking checkpoints prune` keeps only the final checkpoint of calls older than this."""
    business_file: str | None = None
    """The business file (YAML, see `business.example.yaml`); when set, the seven calendar
    settings below are ignored (the class docstring names them)."""
    business_timezone: str = "America/Los_Angeles"
    business_hours: str = "mon-fri 09:00-16:00"
    slot_minutes: int = 30
    closures: str = ""
    min_lead_minutes: int = 60
    horizon_days: int = 60
    max_upcoming_per_caller: int = Field(default=5, ge=1, le=1000)
    """A caller holding this many upcoming appointments is not booked another."""
    phone_region: str = "US"
    log_level: str = "WARNING"
    analysts_secret: SecretStr | None = None
    """Password of the analysts' page (`booking threads serve`); needed off 127.0.0.1."""

    openai_api_key: SecretStr | None = None
    """Turns on LLM understanding; never logged, never stored."""
    openai_base_url: str | None = None
    """Any OpenAI-compatible server; empty for OpenAI itself."""
    openai_model: str = "gpt-4o-mini"
    openai_timeout: float = 4.0
    """Seconds before a turn gives up on the model and the rules answer it."""
    openai_max_retries: int = 0
    """Retries cost the caller waiting time; a failed turn falls back to rules instead."""
    llm_price_input_per_mtok: float = 0.15
    llm_price_output_per_mtok: float = 0.60

    _calendar: BusinessCalendar | None = PrivateAttr(default=None)
    """BUSINESS_FILE's calendar, read once when the settings are made."""

    @field_validator("analysts_secret")
    @classmethod
    def _analysts_secret_strong(cls, value: SecretStr | None) -> SecretStr | None:
        # Empty means no password (loopback only); WeakSecret, unlike a ValueError, is not
        # wrapped by pydantic into an error that would print the rejected secret.
        if value is not None and value.get_secret_value():
            refusal = weak_secret_sentence("ANALYSTS_SECRET", value.get_secret_value())
            if refusal is not None:
                raise WeakSecret(refusal)
        return value

    @model_validator(mode="after")
    def _pool_sizes_ordered(self) -> Settings:
        if self.database_pool_min > self.database_pool_max:
            raise ValueError("DATABASE_POOL_MIN must not be more than DATABASE_POOL_MAX")
        return self

    @field_validator("business_hours")
    @classmethod
    def _hours_readable(cls, value: str) -> str:
        parse_hours(value)
        return value

    @field_validator("business_file", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        # `BUSINESS_FILE=` as .env.example leaves it means no file, not the current folder.
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _business_file_read(self) -> Settings:
        # Read now, not at the first call: a broken file stops start-up, and is read once.
        if self.business_file is not None:
            self._calendar = load_business(self.business_file)
        return self

    def prices(self) -> Prices:
        """Return the configured token prices."""
        return Prices(
            input_per_mtok=self.llm_price_input_per_mtok,
            output_per_mtok=self.llm_price_output_per_mtok,
        )

    def calendar(self) -> BusinessCalendar:
        """Return the business calendar: BUSINESS_FILE's, else the environment's."""
        if self._calendar is not None:
            return self._calendar
        closures = frozenset(
            date.fromisoformat(d.strip()) for d in self.closures.split(",") if d.strip()
        )
        return BusinessCalendar(
            timezone=self.business_timezone,
            hours=parse_hours(self.business_hours),
            slot_minutes=self.slot_minutes,
            closures=closures,
            min_lead_minutes=self.min_lead_minutes,
            horizon_days=self.horizon_days,
            max_upcoming=self.max_upcoming_per_caller,
        )


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
