"""Second, independent check: LiveKit's official Node SDK verifies our tokens."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.token_api.conftest import API_KEY, API_SECRET, ClientFactory

HERE = Path(__file__).parent
NODE = shutil.which("node")
NPM = shutil.which("npm")
pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(NODE is None or NPM is None, reason="node/npm not installed"),
]


@pytest.fixture(scope="module")
def node_sdk() -> Path:
    """Install livekit-server-sdk next to verify_token.mjs once, and return the script path."""
    assert NPM is not None
    if not (HERE / "node_modules" / "livekit-server-sdk").is_dir():
        command = "ci" if (HERE / "package-lock.json").exists() else "install"
        subprocess.run([NPM, command, "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300)
    return HERE / "verify_token.mjs"


def node_verify(script: Path, token: str, *, secret: str = API_SECRET) -> dict[str, Any]:
    """Run the Node verifier on a token and return its claims (raises if it rejects it)."""
    assert NODE is not None
    env = {**os.environ, "LK_API_KEY": API_KEY, "LK_API_SECRET": secret}
    done = subprocess.run(
        [NODE, str(script), token], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    claims: dict[str, Any] = json.loads(done.stdout)
    return claims


def test_node_sdk_accepts_our_token(make_client: ClientFactory, node_sdk: Path) -> None:
    """The Node SDK verifies the signature and reads room, identity, grants and dispatch."""
    client = make_client(token_allow_client_room=True, token_allow_client_identity=True)
    body = {"room_name": "node-check", "participant_identity": "caller-node"}
    token = client.post("/token", json=body).json()["participant_token"]
    claims = node_verify(node_sdk, token)
    assert claims["sub"] == "caller-node"
    video = claims["video"]
    assert video["room"] == "node-check" and video["roomJoin"] is True
    assert video["canPublishSources"] == ["microphone"]
    assert not any(video.get(k) for k in ("roomAdmin", "roomCreate", "roomList", "roomRecord"))
    assert [a["agentName"] for a in claims["roomConfig"]["agents"]] == ["booking-agent"]
    assert claims["exp"] - claims["nbf"] == 600


def test_node_sdk_rejects_wrong_secret(client: TestClient, node_sdk: Path) -> None:
    """The Node SDK refuses our token under a different secret, so the check is real."""
    token = client.post("/token").json()["participant_token"]
    with pytest.raises(subprocess.CalledProcessError):
        node_verify(node_sdk, token, secret="another-secret-of-sufficient-length-123")
