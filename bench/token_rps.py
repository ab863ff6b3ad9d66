"""Measure token issuance throughput (requests/second, median of several runs) in process.

Run: `python -m bench.token_rps [--requests 500] [--runs 5]`. Uses FastAPI's TestClient
against the real app (settings overridden, no rate limit), so the figure covers routing,
validation, signing and JSON, but not the network or uvicorn. The baseline, measured in
the same run, signs the same kind of token with livekit-api directly and no HTTP at all:
the floor any token server pays, so the ratio is what the service layer costs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from fastapi.testclient import TestClient
from livekit import api
from pydantic import SecretStr

from token_api import create_app
from tokens.settings import TokenSettings, get_settings

BODY = {"participant_name": "Bench Caller", "participant_attributes": {"channel": "web"}}


def _client() -> TestClient:
    """Return a client on benchmark settings (placeholder-free, rate limit off)."""
    settings = TokenSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        livekit_url="wss://bench.livekit.cloud",
        livekit_api_key=SecretStr("APIbenchKey12345"),
        livekit_api_secret=SecretStr("Zq8vR2mX7pL4nK1wT6yB3cH9dF5gJ0sA"),
        token_rate_limit_per_minute=0,
    )
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    return TestClient(app)


def run_once(client: TestClient, requests: int) -> float:
    """Issue `requests` tokens and return requests per second."""
    start = time.perf_counter()
    for _ in range(requests):
        response = client.post("/token", json=BODY)
        assert response.status_code == 201
    return requests / (time.perf_counter() - start)


def baseline_once(requests: int) -> float:
    """Sign `requests` equivalent tokens with livekit-api alone; return tokens per second."""
    start = time.perf_counter()
    for i in range(requests):
        api.AccessToken("APIbenchKey12345", "Zq8vR2mX7pL4nK1wT6yB3cH9dF5gJ0sA").with_identity(
            f"caller-{i}"
        ).with_grants(api.VideoGrants(room_join=True, room=f"room-{i}")).with_room_config(
            api.RoomConfiguration(agents=[api.RoomAgentDispatch(agent_name="booking-agent")])
        ).to_jwt()
    return requests / (time.perf_counter() - start)


def main() -> None:
    """Print the median requests/second over several runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with _client() as client:
        run_once(client, 50)  # warm-up
        rates, floors = [], []
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            rates.append(run_once(client, args.requests))
            floors.append(baseline_once(args.requests))
    rate, floor = statistics.median(rates), statistics.median(floors)
    print(f"token issuance: median {rate:.0f} req/s (runs: {', '.join(f'{r:.0f}' for r in rates)})")
    print(f"baseline (livekit-api signing only, no HTTP): median {floor:.0f} tokens/s")
    print(f"service / baseline: {rate / floor:.2f}")


if __name__ == "__main__":
    main()
