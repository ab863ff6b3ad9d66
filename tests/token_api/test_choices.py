"""The server picks room, identity and agent; a client chooses one only where a setting allows."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from livekit import api

from tests.token_api.conftest import API_KEY, API_SECRET, ClientFactory


def claims_of(response_json: dict[str, Any]) -> api.access_token.Claims:
    """Verify a response's token and return its claims."""
    return api.TokenVerifier(API_KEY, API_SECRET).verify(response_json["participant_token"])


@pytest.mark.parametrize(
    ("body", "setting"),
    [
        ({"room_name": "someone-elses-call"}, "TOKEN_ALLOW_CLIENT_ROOM"),
        ({"participant_identity": "receptionist"}, "TOKEN_ALLOW_CLIENT_IDENTITY"),
        (
            {"room_config": {"agents": [{"agent_name": "spy"}]}},
            "TOKEN_ALLOW_CLIENT_AGENTS",
        ),
        (
            {"room_config": {"agents": [{"agent_name": "booking-agent", "metadata": "vip"}]}},
            "TOKEN_ALLOW_CLIENT_AGENTS",
        ),
    ],
)
def test_default_refuses_client_choices(client: TestClient, body: Any, setting: str) -> None:
    """By default a request naming a room, identity or other agent is 403 with the setting named."""
    response = client.post("/token", json=body)
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "not accepted" in detail and setting in detail and len(detail) < 300


def test_default_picks_unguessable_room_and_identity_with_only_our_agent(
    client: TestClient,
) -> None:
    """Without choices, the token is for a fresh random room and identity, dispatching ours only."""
    claims = claims_of(client.post("/token", json={"participant_name": "Sam"}).json())
    assert claims.video is not None and claims.video.room.startswith("call-")
    assert len(claims.video.room) >= len("call-") + 20
    assert claims.identity.startswith("caller-") and claims.name == "Sam"
    assert claims.room_config is not None
    assert [a.agent_name for a in claims.room_config.agents] == ["booking-agent"]


def test_naming_only_our_agent_is_accepted(client: TestClient) -> None:
    """A client SDK that names our own agent, without metadata, still gets a token."""
    body = {"room_config": {"agents": [{"agentName": "booking-agent"}]}}
    response = client.post("/token", json=body)
    assert response.status_code == 201
    claims = claims_of(response.json())
    assert claims.room_config is not None
    assert [a.agent_name for a in claims.room_config.agents] == ["booking-agent"]


def test_each_setting_opens_only_its_own_choice(make_client: ClientFactory) -> None:
    """TOKEN_ALLOW_CLIENT_ROOM lets the room be named, but the identity is still refused."""
    client = make_client(token_allow_client_room=True)
    response = client.post("/token", json={"room_name": "front-desk"})
    assert response.status_code == 201
    claims = claims_of(response.json())
    assert claims.video is not None and claims.video.room == "front-desk"
    assert claims.identity.startswith("caller-")
    refused = client.post("/token", json={"room_name": "front-desk", "participant_identity": "x"})
    assert refused.status_code == 403
    assert "TOKEN_ALLOW_CLIENT_IDENTITY" in refused.json()["detail"]
    assert "TOKEN_ALLOW_CLIENT_ROOM" not in refused.json()["detail"]
