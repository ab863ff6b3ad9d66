"""Measure token issuance throughput (requests/second, median of several runs) in process.

Run: `python -m bench.token_rps [--requests 500] [--runs 5]`. Uses FastAPI's TestClient
against the real app (settings overridden, no rate limit), so the figure covers routing,
validation, signing and JSON, but not the network or uvicorn.
"""

from __future__ import annotations

import argparse
import statistics
import time

from fastapi.testclient import TestClient
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


def main() -> None:
    """Print the median requests/second over several runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with _client() as client:
        run_once(client, 50)  # warm-up
        rates = [run_once(client, args.requests) for _ in range(args.runs)]
    print(
        f"token issuance: median {statistics.median(rates):.0f} req/s "
        f"(runs: {', '.join(f'{r:.0f}' for r in rates)})"
    )


if __name__ == "__main__":
    main()
