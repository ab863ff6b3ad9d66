"""HTTP bodies of LiveKit's token-endpoint contract, with length and charset limits."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, StringConstraints

MAX_METADATA_BYTES = 4096
MAX_ATTRIBUTES = 16
MAX_ATTRIBUTE_VALUE_CHARS = 512
MAX_EXTRA_AGENTS = 4
_CONTROL = re.compile("[\x00-\x1f\x7f]")
"""C0 control characters and DEL: one regex scan, not a Python loop over each character."""


def _printable(value: str) -> str:
    """Reject control characters and text that cannot be encoded as UTF-8."""
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return _utf8(value)


def _utf8(value: str) -> str:
    """Reject lone surrogates, which no JSON client can read back."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid UTF-8 text") from None
    return value


def _small_metadata(value: str) -> str:
    """Cap metadata at MAX_METADATA_BYTES of UTF-8."""
    if len(_utf8(value).encode("utf-8")) > MAX_METADATA_BYTES:
        raise ValueError(f"must be at most {MAX_METADATA_BYTES} bytes")
    return value


def _attributes(value: dict[str, str]) -> dict[str, str]:
    """Keep `lk.`-prefixed keys, reserved for LiveKit and its agents, out of callers' hands."""
    if any(key.startswith("lk.") for key in value):
        raise ValueError("keys starting with 'lk.' are reserved")
    return value


Slug = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
"""Room names, identities and agent names: ASCII letters, digits, '_', '.', '-'."""
DisplayName = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=128), AfterValidator(_printable)
]
Metadata = Annotated[str, StringConstraints(strict=True), AfterValidator(_small_metadata)]
AttributeKey = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
AttributeValue = Annotated[
    str,
    StringConstraints(strict=True, max_length=MAX_ATTRIBUTE_VALUE_CHARS),
    AfterValidator(_printable),
]


class AgentDispatchIn(BaseModel):
    """One agent a caller asks to have dispatched into the room."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    agent_name: Slug = Field(validation_alias=AliasChoices("agent_name", "agentName"))
    metadata: Metadata = ""


class RoomConfigIn(BaseModel):
    """The part of LiveKit's RoomConfiguration a caller may set: agent dispatches."""

    model_config = ConfigDict(extra="ignore")

    agents: list[AgentDispatchIn] = Field(default_factory=list, max_length=MAX_EXTRA_AGENTS)


class TokenRequest(BaseModel):
    """Body of POST /token; every field optional, as in LiveKit's endpoint contract."""

    model_config = ConfigDict(extra="ignore")

    room_name: Slug | None = None
    participant_identity: Slug | None = None
    participant_name: DisplayName | None = None
    participant_metadata: Metadata | None = None
    participant_attributes: Annotated[
        dict[AttributeKey, AttributeValue] | None,
        Field(max_length=MAX_ATTRIBUTES),
        AfterValidator(lambda v: None if v is None else _attributes(v)),
    ] = None
    room_config: RoomConfigIn | None = None


class TokenResponse(BaseModel):
    """What LiveKit's client SDKs expect back from a token endpoint."""

    server_url: str
    participant_token: str
