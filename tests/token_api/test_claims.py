"""Our tokens carry exactly the claims livekit-api's AccessToken writes, signed as PyJWT signs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest
from livekit import api

from tests.token_api.conftest import API_KEY, API_SECRET, CLIENT_CHOICES, make_settings
from tokens.issuing import issue_token
from tokens.models import TokenRequest
from tokens.settings import TokenSettings
from tokens.signing import sign_hs256

REQUESTS = [
    {},
    {"participant_name": "Sam Lee"},
    {"participant_name": "Zoë Ngô 山田", "participant_metadata": '{"source": "wéb"}'},
    {"participant_attributes": {"channel": "web", "lang": "fr"}},
    {"room_name": "front-desk_1", "participant_identity": "web-caller.7"},
    {"room_config": {"agents": [{"agent_name": "booking-agent"}]}},
    {
        "participant_name": "Sam",
        "participant_metadata": "m",
        "participant_attributes": {"k": "v"},
        "room_config": {
            "agents": [
                {"agentName": "note-taker", "metadata": "m"},
                {"agent_name": "booking-agent", "metadata": "ours"},
            ]
        },
    },
]


def livekit_token(
    request: TokenRequest, settings: TokenSettings, *, room: str, identity: str
) -> str:
    """Build the token with livekit-api's AccessToken, as issue_token did before it wrote claims."""
    ours = settings.livekit_agent_name
    requested = request.room_config.agents if request.room_config else []
    by_name = {a.agent_name: a.metadata for a in requested}
    names = [ours, *(n for n in by_name if n != ours)]
    agents = [api.RoomAgentDispatch(agent_name=n, metadata=by_name.get(n, "")) for n in names]
    token = (
        api.AccessToken(API_KEY, API_SECRET)
        .with_identity(identity)
        .with_ttl(timedelta(seconds=settings.token_ttl_seconds))
        .with_grants(
            api.VideoGrants(
                room_join=True,
                room=room,
                can_publish=True,
                can_publish_sources=["microphone"],
                can_subscribe=True,
                can_publish_data=True,
            )
        )
        .with_room_config(api.RoomConfiguration(agents=agents))
    )
    if request.participant_name:
        token = token.with_name(request.participant_name)
    if request.participant_metadata:
        token = token.with_metadata(request.participant_metadata)
    if request.participant_attributes:
        token = token.with_attributes(request.participant_attributes)
    return token.to_jwt()


def payload(token: str) -> dict[str, Any]:
    """Verify an HS256 token with PyJWT and return its claims without the times."""
    claims: dict[str, Any] = jwt.decode(
        token, API_SECRET, algorithms=["HS256"], options={"verify_nbf": False}
    )
    assert claims.pop("exp") - claims.pop("nbf") == 600
    return claims


@pytest.mark.parametrize("body", REQUESTS)
def test_claims_match_livekit_access_token(body: dict[str, Any]) -> None:
    """For each kind of request, our claims equal, key for key and in order, livekit-api's."""
    settings = make_settings(**CLIENT_CHOICES)
    request = TokenRequest.model_validate(body)
    issued = issue_token(request, settings)
    reference = livekit_token(request, settings, room=issued.room, identity=issued.identity)
    ours, theirs = payload(issued.jwt), payload(reference)
    assert ours == theirs
    assert list(ours) == list(theirs)


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "caller", "nbf": 1, "exp": 2},
        {"name": "Zoë 山田 🙂", "video": {"room": "r", "canPublishSources": ["microphone"]}},
        {"metadata": '{"quote": "\\"", "slash": "/"}', "attributes": {}},
    ],
)
def test_signature_is_pyjwts_byte_for_byte(claims: dict[str, Any]) -> None:
    """sign_hs256 returns the very string PyJWT's jwt.encode returns for the same claims."""
    assert sign_hs256(claims, API_SECRET.encode()) == jwt.encode(
        claims, API_SECRET, algorithm="HS256"
    )


def test_a_token_signed_with_another_secret_is_refused() -> None:
    """A verifier holding a different secret rejects our token, so the signature is real."""
    token = issue_token(TokenRequest(), make_settings()).jwt
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-of-sufficient-length-123", algorithms=["HS256"])
