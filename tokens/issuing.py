"""Build the least-privileged LiveKit token a caller needs to join one room with our agent."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from livekit import api

from tokens.errors import ChoiceNotAllowed
from tokens.models import TokenRequest
from tokens.settings import TokenSettings


@dataclass(frozen=True)
class IssuedToken:
    """A signed token and the names it was issued for."""

    jwt: str
    room: str
    identity: str


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
    grants = api.VideoGrants(
        room_join=True,
        room=room,
        can_publish=True,
        can_publish_sources=["microphone"],
        can_subscribe=True,
        can_publish_data=True,
    )
    token = (
        api.AccessToken(
            settings.livekit_api_key.get_secret_value(),
            settings.livekit_api_secret.get_secret_value(),
        )
        .with_identity(identity)
        .with_ttl(timedelta(seconds=settings.token_ttl_seconds))
        .with_grants(grants)
        .with_room_config(api.RoomConfiguration(agents=_dispatches(request, settings)))
    )
    if request.participant_name:
        token = token.with_name(request.participant_name)
    if request.participant_metadata:
        token = token.with_metadata(request.participant_metadata)
    if request.participant_attributes:
        token = token.with_attributes(request.participant_attributes)
    return IssuedToken(jwt=token.to_jwt(), room=room, identity=identity)


def _dispatches(request: TokenRequest, settings: TokenSettings) -> list[api.RoomAgentDispatch]:
    """Merge the caller's agent dispatches with ours, which is always present and first."""
    ours = settings.livekit_agent_name
    requested = request.room_config.agents if request.room_config else []
    by_name = {a.agent_name: a.metadata for a in requested}
    names = [ours, *(name for name in by_name if name != ours)]
    return [api.RoomAgentDispatch(agent_name=n, metadata=by_name.get(n, "")) for n in names]
