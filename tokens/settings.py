"""Token server settings, read from the environment once and validated before serving."""

from __future__ import annotations

from functools import lru_cache
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_LIVEKIT_SECRET_CHARS = 32
MIN_CLIENT_SECRET_CHARS = 16
_PLACEHOLDERS = frozenset(
    {
        "secret",
        "changeme",
        "change-me",
        "change_me",
        "password",
        "devkey",
        "devsecret",
        "apikey",
        "api_key",
        "apisecret",
        "api_secret",
        "test",
        "example",
        "placeholder",
        "todo",
        "xxx",
        "none",
        "null",
    }
)


def is_placeholder(value: str) -> bool:
    """Tell whether a configured secret is empty or an obvious stand-in."""
    lowered = value.strip().lower()
    return (
        not lowered
        or lowered in _PLACEHOLDERS
        or lowered.startswith(("your", "<", "{{", "${"))
        or "changeme" in lowered.replace("-", "").replace("_", "")
        or "placeholder" in lowered
        or len(set(lowered)) == 1
    )


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
    token_rate_limit_per_minute: int = Field(default=30, ge=0, le=100_000)
    """Token requests per client address per minute; 0 turns the limit off."""

    @property
    def cors_origins(self) -> list[str]:
        """Return the allowed origins as a list."""
        return [o.strip().rstrip("/") for o in self.token_cors_origins.split(",") if o.strip()]

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Self:
        """Refuse to start on missing or placeholder credentials, naming only the variable."""
        problems: list[str] = []
        url = self.livekit_url.strip()
        if not url.startswith(("wss://", "ws://", "https://", "http://")) or "your-" in url:
            problems.append("LIVEKIT_URL must be your LiveKit server's ws(s):// URL")
        if is_placeholder(self.livekit_api_key.get_secret_value()):
            problems.append("LIVEKIT_API_KEY is missing or a placeholder")
        secret = self.livekit_api_secret.get_secret_value()
        if is_placeholder(secret) or len(secret) < MIN_LIVEKIT_SECRET_CHARS:
            problems.append(
                "LIVEKIT_API_SECRET is missing, a placeholder or shorter than "
                f"{MIN_LIVEKIT_SECRET_CHARS} characters"
            )
        if self.token_api_secret is not None:
            client = self.token_api_secret.get_secret_value()
            if is_placeholder(client) or len(client) < MIN_CLIENT_SECRET_CHARS:
                problems.append(
                    "TOKEN_API_SECRET, when set, must be a real secret of at least "
                    f"{MIN_CLIENT_SECRET_CHARS} characters"
                )
        if problems:
            raise ValueError("token server refuses to start: " + "; ".join(problems))
        return self


@lru_cache
def get_settings() -> TokenSettings:
    """Read the settings once; FastAPI dependency, overridden in tests."""
    return TokenSettings()
