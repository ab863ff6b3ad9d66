"""Fixtures: a token app whose settings dependency is overridden (no .env needed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from token_api import create_app
from tokens.settings import TokenSettings, get_settings

API_KEY = "APIt0kenTestKey9"
API_SECRET = "Zq8vR2mX7pL4nK1wT6yB3cH9dF5gJ0sA"
CLIENT_SECRET = "client-shared-secret-5f1e2d3c4b"
SERVER_URL = "wss://booking-test.livekit.cloud"


def make_settings(**overrides: Any) -> TokenSettings:
    """Return valid settings for tests, with keyword overrides, ignoring any .env file."""
    values: dict[str, Any] = {
        "livekit_url": SERVER_URL,
        "livekit_api_key": API_KEY,
        "livekit_api_secret": API_SECRET,
        "token_rate_limit_per_minute": 0,
        **overrides,
    }
    return TokenSettings(_env_file=None, **values)  # type: ignore[call-arg]  # pydantic-settings init kwarg


ClientFactory = Callable[..., TestClient]


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    """Yield a factory of TestClients, each on a fresh app with overridden settings."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        """Build a started client whose app reads the given settings."""
        settings = make_settings(**overrides)
        app = create_app()
        app.dependency_overrides[get_settings] = lambda: settings
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    """Return a client on default test settings (no auth, no rate limit)."""
    return make_client()
