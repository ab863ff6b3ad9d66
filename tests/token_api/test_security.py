"""Guards: client auth, CORS, rate limit, refusing placeholder secrets, no secret leaks."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from tests.token_api.conftest import API_SECRET, CLIENT_SECRET, ClientFactory, make_settings
from token_api import create_app
from tokens.settings import get_settings

ORIGIN = "https://book.example.com"


def test_auth_required_when_secret_set(make_client: ClientFactory) -> None:
    """With TOKEN_API_SECRET set, a missing or wrong secret is 401 and the right one is 201."""
    client = make_client(token_api_secret=CLIENT_SECRET)
    assert client.post("/token", json={}).status_code == 401
    wrong = {"Authorization": "Bearer not-the-secret"}
    assert client.post("/token", json={}, headers=wrong).status_code == 401
    assert client.post("/token", json={}, headers={"X-API-Key": "nope"}).status_code == 401
    bearer = {"Authorization": f"Bearer {CLIENT_SECRET}"}
    assert client.post("/token", json={}, headers=bearer).status_code == 201
    assert client.post("/token", json={}, headers={"X-API-Key": CLIENT_SECRET}).status_code == 201


def test_no_auth_without_secret(client: TestClient) -> None:
    """Without TOKEN_API_SECRET any client gets a token."""
    assert client.post("/token", json={}).status_code == 201


def test_cors_allows_configured_origin_only(make_client: ClientFactory) -> None:
    """An allowed origin gets the CORS headers (also on preflight); others get none."""
    client = make_client(token_cors_origins=f"{ORIGIN}/, https://other.example.org")
    allowed = client.post("/token", json={}, headers={"Origin": ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    denied = client.post("/token", json={}, headers={"Origin": "https://evil.example.net"})
    assert "access-control-allow-origin" not in denied.headers
    preflight = client.options(
        "/token",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN


def test_rate_limit_answers_429(make_client: ClientFactory) -> None:
    """A client over TOKEN_RATE_LIMIT_PER_MINUTE gets 429 with Retry-After."""
    client = make_client(token_rate_limit_per_minute=3)
    assert [client.post("/token").status_code for _ in range(3)] == [201] * 3
    limited = client.post("/token")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("livekit_api_secret", ""),
        ("livekit_api_secret", "secret"),
        ("livekit_api_secret", "changeme"),
        ("livekit_api_secret", "your-livekit-api-secret-goes-here-ok"),
        ("livekit_api_secret", "short-but-real-Zq8vR2"),
        ("livekit_api_key", ""),
        ("livekit_api_key", "devkey"),
        ("livekit_api_key", "your-api-key"),
        ("livekit_url", ""),
        ("livekit_url", "wss://your-project.livekit.cloud"),
        ("token_api_secret", "changeme"),
        ("token_api_secret", "Zq8vR2mX7pL4"),
        ("token_api_secret", " "),
        ("token_api_secret", "a"),
        ("token_api_secret", "x" * 40),
        ("token_api_secret", "ab" * 20),
        ("token_api_secret", "0123456789abcdef" * 2),
        ("token_api_secret", f" {CLIENT_SECRET} "),
        ("token_api_secret", "Zq8vR2mX7pL4nK1wT6yB3cH9dF5gJ0s"),
    ],
)
def test_placeholder_settings_refuse_to_start(field: str, value: str) -> None:
    """Missing, placeholder or weak credentials raise a clear error that never echoes the value."""
    with pytest.raises(ValidationError, match="refuses to start") as caught:
        make_settings(**{field: value})
    assert field.upper() in str(caught.value)
    if len(value.strip()) >= 6:  # shorter ones occur in any sentence
        assert value.strip() not in str(caught.value)
    if field == "token_api_secret":
        assert "secrets.token_urlsafe(32)" in str(caught.value)


def test_strong_client_secret_is_accepted() -> None:
    """A secret made the way the refusal suggests (token_urlsafe(32)) is accepted."""
    strong = "b6Xr0d8qkP0Qx3y1N7bZr9vJd2mL5tHc4sE8wYq1aUo"
    assert make_settings(token_api_secret=strong).token_api_secret is not None


def test_app_refuses_to_start_with_bad_settings() -> None:
    """The app's start-up (lifespan) fails on placeholder settings, before serving anything."""
    app = create_app()

    def bad() -> None:
        """Build settings with the LiveKit dev-mode secret."""
        make_settings(livekit_api_secret="secret")

    app.dependency_overrides[get_settings] = bad
    with pytest.raises(ValidationError, match="LIVEKIT_API_SECRET"), TestClient(app):
        pass


def test_secrets_never_in_responses_or_logs(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Neither the LiveKit secret nor the client secret appears in any response or log line."""
    caplog.set_level(logging.DEBUG)
    client = make_client(token_api_secret=CLIENT_SECRET, token_rate_limit_per_minute=2)
    headers = {"X-API-Key": CLIENT_SECRET}
    bodies = [
        client.post("/token", json={}, headers=headers),
        client.post("/token", json={"room_name": "!"}, headers=headers),
        client.post("/token", json={}, headers={"X-API-Key": "wrong"}),
        client.post("/token", json={}, headers=headers),
        client.get("/openapi.json"),
        client.get("/healthz"),
    ]
    assert [r.status_code for r in bodies[:4]] == [201, 422, 429, 429]
    text = "\n".join(r.text + str(r.headers) for r in bodies) + caplog.text
    assert "issued token" in caplog.text
    assert API_SECRET not in text and CLIENT_SECRET not in text
    assert API_SECRET not in repr(make_settings()) and API_SECRET not in str(make_settings())
