"""Fixtures: a token app whose settings dependency is overridden (no .env needed)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from token_api import create_app, server_config
from tokens.settings import TokenSettings, get_settings

API_KEY = "APIt0kenTestKey9"
API_SECRET = "Zq8vR2mX7pL4nK1wT6yB3cH9dF5gJ0sA"
CLIENT_SECRET = "client-shared-secret-5f1e2d3c4b9a8e7f"
SERVER_URL = "wss://booking-test.livekit.cloud"
CLIENT_CHOICES = {
    "token_allow_client_room": True,
    "token_allow_client_identity": True,
    "token_allow_client_agents": True,
}
"""Settings that let a request choose its room, identity and extra agents (off by default)."""


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

    def build(*, peer: tuple[str, int] = ("testclient", 50000), **overrides: Any) -> TestClient:
        """Build a started client, connecting from `peer`, whose app reads the given settings."""
        settings = make_settings(**overrides)
        app = create_app()
        app.dependency_overrides[get_settings] = lambda: settings
        client = TestClient(app, raise_server_exceptions=False, client=peer)
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


LiveServer = Callable[..., str]


@pytest.fixture
def live_server() -> Iterator[LiveServer]:
    """Yield a factory serving the app as `python token_api.py` does, on a free local port.

    Each server runs uvicorn in a thread with the entry point's options and the given
    settings, and is stopped after the test; the factory returns its base URL.
    """
    running: list[tuple[uvicorn.Server, threading.Thread, socket.socket]] = []

    def serve(**overrides: Any) -> str:
        """Start a server on settings with `overrides`; return its URL."""
        settings = make_settings(**overrides)
        app = create_app()
        app.dependency_overrides[get_settings] = lambda: settings
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(server_config(app, settings, log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        running.append((server, thread, sock))
        deadline = time.monotonic() + 10
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield serve
    for server, thread, sock in running:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
