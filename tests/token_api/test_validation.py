"""Bad input is refused with 422 and a short reason; no body shape ever causes a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.token_api.conftest import CLIENT_CHOICES, make_settings
from token_api import create_app
from tokens.settings import get_settings

FIELDS = [
    "room_name",
    "participant_identity",
    "participant_name",
    "participant_metadata",
    "participant_attributes",
    "room_config",
]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"room_name": "a" * 129}, "room_name"),
        ({"room_name": "room with spaces"}, "room_name"),
        ({"room_name": "../etc"}, "room_name"),
        ({"room_name": 42}, "room_name"),
        ({"participant_identity": "caller\n1"}, "participant_identity"),
        ({"participant_identity": ""}, "participant_identity"),
        ({"participant_name": "x" * 129}, "participant_name"),
        ({"participant_name": "Sam\x00Lee"}, "participant_name"),
        ({"participant_name": "Sam\x7fLee"}, "participant_name"),
        ({"participant_attributes": {"k": "line\x1fbreak"}}, "participant_attributes"),
        ({"participant_metadata": "m" * 4097}, "participant_metadata"),
        ({"participant_metadata": "é" * 2049}, "participant_metadata"),
        ({"participant_attributes": {f"k{i}": "v" for i in range(17)}}, "participant_attributes"),
        ({"participant_attributes": {"k": "v" * 513}}, "participant_attributes"),
        ({"participant_attributes": {"bad key": "v"}}, "participant_attributes"),
        ({"participant_attributes": {"lk.agent.state": "x"}}, "participant_attributes"),
        ({"participant_attributes": {"k": 1}}, "participant_attributes"),
        ({"room_config": {"agents": [{"agent_name": "a b"}]}}, "room_config"),
        ({"room_config": {"agents": [{"agent_name": f"a{i}"} for i in range(5)]}}, "room_config"),
        ({"room_config": "booking-agent"}, "room_config"),
        ([1, 2], "body"),
        ("just a string", "body"),
    ],
)
def test_invalid_fields_are_422_with_reason(client: TestClient, body: Any, where: str) -> None:
    """Each malformed field is refused with 422 naming the field in one short line."""
    response = client.post("/token", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and where in detail and len(detail) < 400


def test_malformed_json_is_422(client: TestClient) -> None:
    """A body that is not JSON is refused with 422."""
    headers = {"Content-Type": "application/json"}
    response = client.post("/token", content=b'{"room_name": ', headers=headers)
    assert response.status_code == 422


def test_oversized_body_is_413(client: TestClient) -> None:
    """A body over 64 KiB is refused before it is parsed."""
    response = client.post("/token", json={"participant_metadata": "m" * 70_000})
    assert response.status_code == 413


def test_metadata_at_limit_is_accepted(client: TestClient) -> None:
    """Metadata of exactly 4 KiB is accepted."""
    assert client.post("/token", json={"participant_metadata": "m" * 4096}).status_code == 201


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
BODIES = st.one_of(
    JSON,
    st.dictionaries(st.sampled_from(FIELDS), JSON | TEXT, max_size=6),
    st.fixed_dictionaries(
        {},
        optional={
            "room_name": TEXT,
            "participant_identity": TEXT,
            "participant_name": TEXT,
            "participant_metadata": TEXT,
            "participant_attributes": st.dictionaries(TEXT, TEXT | JSON, max_size=20),
            "room_config": st.fixed_dictionaries(
                {}, optional={"agents": st.lists(st.dictionaries(st.text(), JSON | TEXT))}
            )
            | JSON,
        },
    ),
)


def _fuzz_client() -> TestClient:
    """Return one client shared by all fuzz examples (no rate limit, no auth, every choice open).

    Client choices are allowed so that every field reaches its validation and the signer.
    """
    app = create_app()
    fixed = make_settings(**CLIENT_CHOICES)
    app.dependency_overrides[get_settings] = lambda: fixed
    return TestClient(app, raise_server_exceptions=False)


FUZZ_CLIENT = _fuzz_client()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES)
def test_fuzzed_json_bodies_never_500(body: Any) -> None:
    """Arbitrary JSON bodies get 201 or 422, never a server error."""
    response = FUZZ_CLIENT.post(
        "/token",
        content=json.dumps(body, allow_nan=True).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code in {201, 422}, response.text
    assert isinstance(
        response.json()["detail" if response.status_code == 422 else "server_url"], str
    )


@settings(max_examples=150, deadline=None)
@given(
    raw=st.binary(max_size=300),
    content_type=st.sampled_from(["application/json", "text/plain", ""]),
)
def test_fuzzed_raw_bytes_never_500(raw: bytes, content_type: str) -> None:
    """Arbitrary bytes under any content type never cause a server error."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = FUZZ_CLIENT.post("/api/token", content=raw, headers=headers)
    assert response.status_code < 500, response.text


@pytest.mark.parametrize(
    "raw",
    [
        rb'{"participant_name": "\ud800"}',
        rb'{"participant_metadata": "\udfff"}',
        rb'{"participant_attributes": {"\ud800": "v"}}',
        rb'{"participant_attributes": {"k": "\ud800"}}',
        b'{"room_name": NaN}',
        b"null",
    ],
)
def test_lone_surrogates_and_odd_json_never_500(client: TestClient, raw: bytes) -> None:
    """Escaped lone surrogates, NaN and null bodies are answered without a server error."""
    response = client.post("/token", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code in {201, 422}, response.text
