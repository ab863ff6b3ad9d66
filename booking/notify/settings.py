"""Settings of the notices: channels, reminders, delivery, SMTP, Twilio and wording.

Read from the environment (and `.env`) by `booking notify` only; see .env.example for
each one explained. A channel named in NOTIFY_CHANNELS without what it needs (SMTP_HOST
and SMTP_FROM; the three TWILIO_ settings) stops the worker at start-up with a sentence
naming what is missing (`NotifySettings.problems`), never a value.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from business.calendar import BusinessCalendar
from business.notices import DEFAULT_TEMPLATES, NoticeKind, Template, check_template
from store.models import email_address

Channel = Literal["sms", "email"]
_OFFSET = re.compile(r"(\d+)\s*([dhm])")
_MINUTES = {"d": 1440, "h": 60, "m": 1}
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def parse_offsets(text: str) -> tuple[int, ...]:
    """Read "24h,2h" (also "1d", "90m") as minutes before the start, largest first."""
    minutes = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        found = _OFFSET.fullmatch(part)
        if found is None or int(found[1]) == 0:
            raise ValueError(f"reminder {part!r} is not like 24h, 2h, 1d or 90m")
        minutes.add(int(found[1]) * _MINUTES[found[2]])
    return tuple(sorted(minutes, reverse=True))


class NotifySettings(BaseSettings):
    """Everything `booking notify` reads from the environment (or a .env file)."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", env_ignore_empty=True, hide_input_in_errors=True
    )

    notify_channels: Annotated[tuple[Channel, ...], NoDecode] = ("sms", "email")
    """Channels to send on; each reaches a caller it has an address for."""
    notify_reminders: Annotated[tuple[int, ...], NoDecode] = (1440, 120)
    """Minutes before the start reminders go out ("24h,2h" in the environment)."""
    notify_max_attempts: int = Field(default=5, ge=1, le=50)
    """A notice not delivered after this many attempts is given up, with one ERROR line."""
    notify_backoff_seconds: float = Field(default=60.0, gt=0)
    """Wait before the second attempt; doubled before each next one."""
    notify_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    """The longest wait between two attempts."""
    notify_batch: int = Field(default=20, ge=1, le=1000)
    """Notices one worker claims at a time."""
    notify_lease_seconds: int = Field(default=120, ge=5)
    """How long a claimed notice is the worker's before another may take it over."""
    notify_poll_seconds: float = Field(default=15.0, gt=0)
    """How often `booking notify run` looks for notices due."""
    notify_templates: dict[NoticeKind, dict[Literal["subject", "body", "sms"], str]] = {}
    """JSON, e.g. {"reminder": {"sms": "..."}}: wording replacing the defaults, per kind."""
    notify_staff_email: str | None = None
    """Staff's address, e-mailed each callback owed (through SMTP_HOST, number in full)."""
    notify_staff_webhook: str | None = None
    """An https:// URL POSTed each callback owed as JSON (http:// only to this machine)."""
    notify_staff_webhook_secret: SecretStr | None = None
    """Signs each POST: X-Booking-Signature is sha256=HMAC-SHA256(secret, body) in hex."""
    notify_staff_timeout_seconds: float = Field(default=10.0, gt=0)
    business_name: str = ""
    """The name notices sign with; empty: the business file's `name`."""

    smtp_host: str | None = None
    smtp_port: int | None = Field(default=None, ge=1, le=65_535)
    """Empty: 587 for starttls, 465 for ssl, 25 for plain."""
    smtp_security: Literal["starttls", "ssl", "plain"] = "starttls"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    """The sender, "Name <address>" or an address."""
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    """Signs the REST calls and checks the inbound webhook's signature; never logged."""
    twilio_from_number: str | None = None
    """The E.164 number (or messaging service SID, MG...) messages come from."""
    twilio_api_base_url: str | None = None
    """Empty: Twilio's own (https://api.twilio.com); tests point it at a local server."""
    twilio_region: str | None = None
    twilio_edge: str | None = None
    twilio_webhook_url: str | None = None
    """The inbound webhook's public URL as Twilio calls it (behind a proxy the request's
    own URL differs, and the signature is over this one)."""
    twilio_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("notify_channels", mode="before")
    @classmethod
    def _channels(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(dict.fromkeys(p.strip().lower() for p in value.split(",") if p.strip()))
        return value

    @field_validator("notify_reminders", mode="before")
    @classmethod
    def _reminders(cls, value: object) -> object:
        return parse_offsets(value) if isinstance(value, str) else value

    @field_validator("notify_staff_webhook")
    @classmethod
    def _webhook_https(cls, value: str | None) -> str | None:
        if value is None:
            return value
        url = urlsplit(value)
        local = url.scheme == "http" and url.hostname in LOOPBACK
        if not url.hostname or not (url.scheme == "https" or local):
            # the message names the rule, not the URL (it may carry a token)
            raise ValueError("must be an https:// URL (http:// only to 127.0.0.1 or localhost)")
        return value

    @field_validator("notify_staff_email")
    @classmethod
    def _staff_address(cls, value: str | None) -> str | None:
        return None if value is None else email_address(value)

    @field_validator("notify_templates")
    @classmethod
    def _templates_known(
        cls, value: dict[NoticeKind, dict[str, str]]
    ) -> dict[NoticeKind, dict[str, str]]:
        for parts in value.values():
            for text in parts.values():
                check_template(text)
        return value

    def templates(self) -> dict[NoticeKind, Template]:
        """Return every kind's wording: the defaults with NOTIFY_TEMPLATES' parts over them."""
        merged = {}
        for kind, default in DEFAULT_TEMPLATES.items():
            parts = self.notify_templates.get(kind, {})
            merged[kind] = Template(
                subject=parts.get("subject", default.subject),
                body=parts.get("body", default.body),
                sms=parts.get("sms", default.sms),
            )
        return merged

    def business(self, calendar: BusinessCalendar) -> str:
        """Return the name notices sign with: BUSINESS_NAME, the calendar's, or "Appointments"."""
        return self.business_name or calendar.name or "Appointments"

    def port(self) -> int:
        """Return the SMTP port: SMTP_PORT, else the usual one for SMTP_SECURITY."""
        if self.smtp_port is not None:
            return self.smtp_port
        return {"starttls": 587, "ssl": 465, "plain": 25}[self.smtp_security]

    def problems(self) -> list[str]:
        """Return what a channel in NOTIFY_CHANNELS lacks, one sentence each (no values)."""
        needs: dict[Channel, dict[str, object]] = {
            "email": {"SMTP_HOST": self.smtp_host, "SMTP_FROM": self.smtp_from},
            "sms": {
                "TWILIO_ACCOUNT_SID": self.twilio_account_sid,
                "TWILIO_AUTH_TOKEN": self.twilio_auth_token,
                "TWILIO_FROM_NUMBER": self.twilio_from_number,
            },
        }
        found = []
        for channel in self.notify_channels:
            missing = [name for name, value in needs[channel].items() if not value]
            if missing:
                verb = "is" if len(missing) == 1 else "are"
                found.append(
                    f"NOTIFY_CHANNELS has {channel} but {', '.join(missing)} {verb} not set"
                )
        if self.notify_staff_email and not (self.smtp_host and self.smtp_from):
            found.append("NOTIFY_STAFF_EMAIL is set but SMTP_HOST and SMTP_FROM are not both set")
        return found


@lru_cache
def get_notify_settings() -> NotifySettings:
    """Return the process-wide notice settings, read once."""
    return NotifySettings()
