"""Token server settings, read from the environment once and validated before serving."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal, Self

from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from tokens.strength import MAKE_ONE, is_placeholder, weakness


class TokenSettings(BaseSettings):
    """Everything token_api.py reads from the environment (or a .env file)."""

    # Hides raw values (secrets) from validation error messages and logs.
    model_config = SettingsConfigDict(
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
        hide_input_in_errors=True,
        frozen=True,
    )

    livekit_url: str = ""
    """WebSocket URL of the LiveKit server, returned to callers as server_url."""
    livekit_api_key: SecretStr = SecretStr("")
    """LiveKit API key: the token's issuer."""
    livekit_api_secret: SecretStr = SecretStr("")
    """LiveKit API secret that signs tokens; never returned or logged."""
    livekit_agent_name: str = Field(default="booking-agent", min_length=1, max_length=128)
    """Agent dispatched into every room a token opens."""
    token_ttl_seconds: int = Field(default=600, ge=60, le=86_400)
    """Lifetime of an issued token."""
    token_api_host: str = "127.0.0.1"
    """Interface `python token_api.py` listens on (0.0.0.0 in a container)."""
    token_api_port: int = Field(default=8081, ge=1, le=65_535)
    """Port `python token_api.py` listens on."""
    token_cors_origins: str = ""
    """Comma-separated browser origins allowed to call the API; empty allows none."""
    token_api_secret: SecretStr | None = None
    """Shared secret clients must send (Bearer or X-API-Key); unset means no auth."""
    token_allow_client_room: bool = False
    """Let a request name its room (room_name); off: the server picks an unguessable one."""
    token_allow_client_identity: bool = False
    """Let a request name its participant_identity; off: the server picks one."""
    token_allow_client_agents: bool = False
    """Let a request dispatch other agents (room_config.agents) beside ours."""
    token_rate_limit_per_minute: int = Field(default=30, ge=0, le=100_000)
    """Token requests per client address per minute; 0 turns the limit off."""
    redis_url: SecretStr | None = None
    """Redis that shares the rate limit between processes; unset: each process counts alone."""
    token_trusted_proxies: Annotated[tuple[IPvAnyNetwork, ...], NoDecode] = ()
    """Proxies (IPs or CIDRs) whose forwarded-for header names the client; empty: none."""
    token_proxy_header: Literal["x-forwarded-for", "forwarded"] = "x-forwarded-for"
    """The header those proxies write: X-Forwarded-For, or RFC 7239 Forwarded."""

    @property
    def cors_origins(self) -> list[str]:
        """Return the allowed origins as a list."""
        return [o.strip().rstrip("/") for o in self.token_cors_origins.split(",") if o.strip()]

    @field_validator("token_trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        """Read "10.0.0.0/8, 192.0.2.7" as a list of networks."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("token_proxy_header", mode="before")
    @classmethod
    def _lower_header(cls, value: object) -> object:
        """Accept the header name in any case."""
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Self:
        """Refuse to start on missing, placeholder or weak credentials, naming only the variable."""
        problems: list[str] = []
        url = self.livekit_url.strip()
        if not url.startswith(("wss://", "ws://", "https://", "http://")) or "your-" in url:
            problems.append("LIVEKIT_URL must be your LiveKit server's ws(s):// URL")
        if is_placeholder(self.livekit_api_key.get_secret_value()):
            problems.append("LIVEKIT_API_KEY is missing or a placeholder")
        why = weakness(self.livekit_api_secret.get_secret_value())
        if why is not None:
            problems.append(f"LIVEKIT_API_SECRET {why} (copy it from your LiveKit project)")
        if self.token_api_secret is not None:
            why = weakness(self.token_api_secret.get_secret_value())
            if why is not None:
                problems.append(f"TOKEN_API_SECRET {why}; make a strong one with: {MAKE_ONE}")
        if problems:
            raise ValueError("token server refuses to start: " + "; ".join(problems))
        return self


@lru_cache
def get_settings() -> TokenSettings:
    """Read the settings once; FastAPI dependency, overridden in tests."""
    return TokenSettings()
