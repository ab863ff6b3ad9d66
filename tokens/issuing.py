"""Build the least-privileged LiveKit token a caller needs to join one room with our agent."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from livekit import api

from tokens.errors import ChoiceNotAllowed
from tokens.models import TokenRequest
from tokens.settings import TokenSettings
from tokens.signing import sign_hs256


@dataclass(frozen=True)
class IssuedToken:
    """A signed token and the names it was issued for."""

    jwt: str
    room: str
    identity: str


CALLER_GRANTS = MappingProxyType(
    api.access_token.Claims(
        video=api.VideoGrants(
            room_join=True,
            room="set per token",
            can_publish=True,
            can_publish_sources=["microphone"],
            can_subscribe=True,
            can_publish_data=True,
        )
    ).asdict()["video"]
)
"""What a caller may do in its room, spelled by livekit-api once; each token sets the room.

AccessToken.to_jwt() converts its dataclasses to a dict on every call (dataclasses.asdict,
deep-copying each field), which costs more than all the rest of issuing a token; so
issue_token writes the same claims itself (tests/token_api/test_claims.py compares them).
"""


def new_room_name() -> str:
    """Return an unguessable room name (128 random bits)."""
    return f"call-{secrets.token_urlsafe(16)}"


def new_identity() -> str:
    """Return an unguessable participant identity (96 random bits)."""
    return f"caller-{secrets.token_urlsafe(12)}"


def refused_choices(request: TokenRequest, settings: TokenSettings) -> list[str]:
    """Return a sentence for each choice the request makes that the settings keep for us."""
    refused = []
    if request.room_name is not None and not settings.token_allow_client_room:
        refused.append(
            "This server picks the room itself, so room_name is not accepted"
            " (TOKEN_ALLOW_CLIENT_ROOM=true allows it)."
        )
    if request.participant_identity is not None and not settings.token_allow_client_identity:
        refused.append(
            "This server picks the participant identity itself, so participant_identity is"
            " not accepted (TOKEN_ALLOW_CLIENT_IDENTITY=true allows it)."
        )
    ours = settings.livekit_agent_name
    agents = request.room_config.agents if request.room_config else []
    # Naming our own agent with no metadata, as LiveKit's client SDKs may, chooses nothing.
    if not settings.token_allow_client_agents and any(
        a.agent_name != ours or a.metadata for a in agents
    ):
        refused.append(
            f"This server dispatches only its own agent ({ours}), so other agents or agent"
            " metadata in room_config are not accepted (TOKEN_ALLOW_CLIENT_AGENTS=true"
            " allows them)."
        )
    return refused


def issue_token(request: TokenRequest, settings: TokenSettings) -> IssuedToken:
    """Sign a token for one room: join, publish audio and data, subscribe; nothing more."""
    refused = refused_choices(request, settings)
    if refused:
        raise ChoiceNotAllowed(" ".join(refused))
    room = request.room_name or new_room_name()
    identity = request.participant_identity or new_identity()
    # The claims AccessToken.to_jwt() writes for the same calls, in its order.
    claims: dict[str, Any] = {}
    if request.participant_name:
        claims["name"] = request.participant_name
    if request.participant_metadata:
        claims["metadata"] = request.participant_metadata
    claims["video"] = {**CALLER_GRANTS, "room": room}
    if request.participant_attributes:
        claims["attributes"] = request.participant_attributes
    claims["roomConfig"] = _room_config(_dispatches(request, settings))
    now = int(time.time())
    claims["sub"] = identity
    claims["iss"] = settings.livekit_api_key.get_secret_value()
    claims["nbf"] = now
    claims["exp"] = now + settings.token_ttl_seconds
    secret = settings.livekit_api_secret.get_secret_value().encode()
    return IssuedToken(jwt=sign_hs256(claims, secret), room=room, identity=identity)


def _dispatches(request: TokenRequest, settings: TokenSettings) -> tuple[tuple[str, str], ...]:
    """Merge the caller's agent dispatches (name, metadata) with ours, always present and first."""
    ours = settings.livekit_agent_name
    requested = request.room_config.agents if request.room_config else []
    by_name = {a.agent_name: a.metadata for a in requested}
    names = [ours, *(name for name in by_name if name != ours)]
    return tuple((name, by_name.get(name, "")) for name in names)


@lru_cache(maxsize=64)
def _room_config(dispatches: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """Return the roomConfig claim as livekit-api writes it; the same few dispatches repeat."""
    agents = [api.RoomAgentDispatch(agent_name=name, metadata=meta) for name, meta in dispatches]
    claims = api.access_token.Claims(room_config=api.RoomConfiguration(agents=agents))
    room_config: dict[str, Any] = claims.asdict()["roomConfig"]
    return room_config
