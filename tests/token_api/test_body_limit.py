"""The 64 KiB body limit holds for chunked bodies too: reading stops at the first chunk over."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
from starlette.types import Message, Scope

from tests.token_api.conftest import LiveServer, make_settings
from token_api import create_app
from tokens.body_limit import MAX_BODY_BYTES, TOO_LARGE
from tokens.settings import get_settings

CHUNK = b"m" * 65_536
CHUNKS = 3_200
"""200 MiB in all, as in the attack this guards against."""
OPENING = b'{"participant_metadata": "'


def test_streamed_body_is_refused_without_reading_the_rest() -> None:
    """A body with no Content-Length gets 413 at the first chunk over 64 KiB, unread beyond it."""
    app = create_app()
    settings = make_settings()
    app.dependency_overrides[get_settings] = lambda: settings
    consumed = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal consumed
        consumed += 1
        body = OPENING if consumed == 1 else CHUNK
        return {"type": "http.request", "body": body, "more_body": consumed < CHUNKS}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/token",
        "raw_path": b"/token",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("198.51.100.7", 50000),
        "server": ("testserver", 80),
        "app": app,
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m["body"] for m in sent if m["type"] == "http.response.body")
    assert start["status"] == 413
    assert json.loads(body) == {"detail": TOO_LARGE}
    assert (b"connection", b"close") in start["headers"]
    # the opening and the one chunk that passed the limit: 128 KiB read of 200 MiB
    assert consumed == 2 and len(OPENING) + len(CHUNK) > MAX_BODY_BYTES


def test_chunked_upload_to_a_real_server_is_cut_short(live_server: LiveServer) -> None:
    """Over real HTTP, a chunked 200 MiB upload gets 413 long before the client has sent it."""
    yielded = 0

    def body() -> Iterator[bytes]:
        nonlocal yielded
        yield OPENING
        for _ in range(CHUNKS):
            yielded += 1
            yield CHUNK

    response = httpx.post(
        f"{live_server()}/token",
        content=body(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json() == {"detail": TOO_LARGE}
    assert yielded < CHUNKS // 2


def test_small_chunked_body_is_accepted(live_server: LiveServer) -> None:
    """A chunked body under the limit is read and answered as usual."""
    payload = json.dumps({"participant_name": "Sam", "participant_metadata": "m" * 4000})

    def body() -> Iterator[bytes]:
        encoded = payload.encode()
        for start in range(0, len(encoded), 1000):
            yield encoded[start : start + 1000]

    response = httpx.post(
        f"{live_server()}/token", content=body(), headers={"Content-Type": "application/json"}
    )
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 201
