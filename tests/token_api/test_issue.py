"""Issued tokens: verified signature, one room, least privilege, TTL and agent dispatch."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from livekit import api

from tests.token_api.conftest import (
    API_KEY,
    API_SECRET,
    CLIENT_CHOICES,
    SERVER_URL,
    ClientFactory,
)


def verify(response_json: dict[str, Any]) -> api.access_token.Claims:
    """Verify a response's token with LiveKit's own verifier and return its claims."""
    return api.TokenVerifier(API_KEY, API_SECRET).verify(response_json["participant_token"])


def agent_names(claims: api.access_token.Claims) -> list[str]:
    """Return the agent names a token dispatches into its room."""
    assert claims.room_config is not None
    return [a.agent_name for a in claims.room_config.agents]


@pytest.mark.parametrize("path", ["/token", "/api/token"])
def test_issues_verified_token_for_requested_room(make_client: ClientFactory, path: str) -> None:
    """Where clients may choose, a full request gets a token for exactly that room and caller."""
    client = make_client(**CLIENT_CHOICES)
    body = {
        "room_name": "front-desk_1",
        "participant_identity": "web-caller.7",
        "participant_name": "Sam Lee",
        "participant_metadata": '{"source": "web"}',
        "participant_attributes": {"channel": "web"},
    }
    response = client.post(path, json=body)
    assert response.status_code == 201
    assert set(response.json()) == {"server_url", "participant_token"}
    assert response.json()["server_url"] == SERVER_URL
    claims = verify(response.json())
    assert claims.identity == "web-caller.7"
    assert claims.name == "Sam Lee"
    assert claims.metadata == '{"source": "web"}'
    assert claims.attributes == {"channel": "web"}
    assert claims.video is not None
    assert claims.video.room == "front-desk_1"


def test_grants_only_what_a_caller_needs(client: TestClient) -> None:
    """The token joins, publishes audio and data, subscribes, and holds no admin grant."""
    claims = verify(client.post("/token", json={}).json())
    video = claims.video
    assert video is not None
    assert video.room_join and video.can_subscribe and video.can_publish_data
    assert video.can_publish and video.can_publish_sources == ["microphone"]
    for admin in ("room_admin", "room_create", "room_list", "room_record", "recorder", "agent"):
        assert not getattr(video, admin), admin
    assert not video.ingress_admin and not video.hidden
    assert claims.sip is None or not (claims.sip.admin or claims.sip.call)
    assert claims.agent is None and claims.kind == ""


def test_ttl_matches_settings(make_client: ClientFactory) -> None:
    """The token expires TOKEN_TTL_SECONDS after it becomes valid."""
    client = make_client(token_ttl_seconds=300)
    token = client.post("/token", json={}).json()["participant_token"]
    import jwt  # noqa: PLC0415 - only this test reads raw registered claims

    raw = jwt.decode(token, API_SECRET, algorithms=["HS256"], options={"verify_nbf": False})
    start = raw.get("iat", raw["nbf"])
    assert abs(raw["exp"] - start - 300) <= 2
    assert raw["iss"] == API_KEY


def test_dispatches_our_agent(make_client: ClientFactory) -> None:
    """Every token's room configuration dispatches LIVEKIT_AGENT_NAME."""
    client = make_client(livekit_agent_name="front-desk-agent")
    assert agent_names(verify(client.post("/token").json())) == ["front-desk-agent"]


def test_merges_requested_agents_with_ours(make_client: ClientFactory) -> None:
    """Where clients may add agents, theirs are kept (either spelling) and ours is once, first."""
    client = make_client(**CLIENT_CHOICES)
    body = {
        "room_config": {
            "agents": [
                {"agentName": "note-taker", "metadata": "m"},
                {"agent_name": "booking-agent", "metadata": "ours"},
            ]
        }
    }
    claims = verify(client.post("/token", json=body).json())
    assert agent_names(claims) == ["booking-agent", "note-taker"]
    assert claims.room_config is not None
    assert [a.metadata for a in claims.room_config.agents] == ["ours", "m"]


def test_missing_names_are_generated_and_unguessable(client: TestClient) -> None:
    """Without names, each token gets a fresh long random room and identity."""
    claims = [verify(client.post("/token", json={}).json()) for _ in range(20)]
    rooms = {c.video.room for c in claims if c.video}
    identities = {c.identity for c in claims}
    assert len(rooms) == 20 and len(identities) == 20
    assert all(len(room) >= len("call-") + 20 for room in rooms)
    assert all(len(identity) >= len("caller-") + 16 for identity in identities)


def test_no_body_at_all_is_accepted(client: TestClient) -> None:
    """A POST with no body issues a token, as LiveKit's sandbox-style clients expect."""
    response = client.post("/token")
    assert response.status_code == 201
    assert verify(response.json()).video is not None


def test_health_and_openapi(client: TestClient) -> None:
    """/healthz answers ok; the OpenAPI document lists both token paths and the secret headers."""
    assert client.get("/healthz").json() == {"status": "ok"}
    paths = client.get("/openapi.json").json()["paths"]
    assert "/token" in paths and "/api/token" in paths
    for path in ("/token", "/api/token"):
        headers = {p["name"] for p in paths[path]["post"]["parameters"] if p["in"] == "header"}
        assert headers == {"authorization", "x-api-key"}
