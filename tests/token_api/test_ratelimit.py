"""Rate limit: shared between processes through Redis, fails open, believes only trusted proxies."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Iterator
from ipaddress import ip_network

import httpx
import pytest
import redis
from starlette.datastructures import Headers

from tests.redis_server import closed_url, key_prefix, server_url
from tests.token_api.conftest import ClientFactory, LiveServer
from tokens.addresses import client_address, rate_key
from tokens.ratelimit import KEY_PREFIX, WINDOW_SECONDS, RedisLimiter

pytestmark = pytest.mark.redis

PROXY = ("10.0.0.2", 41000)


@pytest.fixture
def peer() -> Iterator[tuple[str, int]]:
    """Yield a client address no other test run uses, and forget its count in Redis after."""
    address = f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(256)}"
    yield address, 50000
    with redis.Redis.from_url(server_url()) as client:
        client.delete(KEY_PREFIX + address)


def test_two_processes_share_one_limit_through_redis(
    make_client: ClientFactory, peer: tuple[str, int]
) -> None:
    """With REDIS_URL, two servers count the same client together: the limit is not doubled."""
    settings = {"redis_url": server_url(), "token_rate_limit_per_minute": 3}
    first, second = make_client(peer=peer, **settings), make_client(peer=peer, **settings)
    assert [first.post("/token").status_code for _ in range(2)] == [201, 201]
    assert second.post("/token").status_code == 201
    assert second.post("/token").status_code == 429
    assert first.post("/token").status_code == 429


def test_redis_window_slides() -> None:
    """In Redis, a hit older than the window stops counting, and the wait says when that is."""
    clock = [1_000.0]

    async def hits(prefix: str) -> list[float | None]:
        limiter = RedisLimiter.from_url(server_url(), prefix=prefix, clock=lambda: clock[0])
        try:
            seen = [await limiter.hit("caller", limit=2) for _ in range(3)]
            clock[0] += WINDOW_SECONDS + 0.001
            return [*seen, await limiter.hit("caller", limit=2)]
        finally:
            await limiter.aclose()

    with key_prefix() as prefix:
        first, second, refused, later = asyncio.run(hits(prefix))
    assert first is None and second is None
    assert refused == pytest.approx(WINDOW_SECONDS)
    assert later is None


def test_two_limiters_on_one_redis_share_the_count() -> None:
    """Two limiter instances (two processes) on one Redis refuse the hit past the limit."""

    async def hits(prefix: str) -> list[float | None]:
        one = RedisLimiter.from_url(server_url(), prefix=prefix)
        two = RedisLimiter.from_url(server_url(), prefix=prefix)
        try:
            return [
                await one.hit("caller", limit=2),
                await two.hit("caller", limit=2),
                await one.hit("caller", limit=2),
                await two.hit("other", limit=2),
            ]
        finally:
            await one.aclose()
            await two.aclose()

    with key_prefix() as prefix:
        first, second, third, other = asyncio.run(hits(prefix))
    assert first is None and second is None and other is None
    assert third is not None and 0 < third <= WINDOW_SECONDS


def test_redis_down_fails_open_with_one_warning(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """With Redis down, tokens are still issued (counted per process) and one warning is logged."""
    caplog.set_level(logging.WARNING, logger="tokens.ratelimit")
    client = make_client(redis_url=closed_url(), token_rate_limit_per_minute=3)
    assert [client.post("/token").status_code for _ in range(4)] == [201, 201, 201, 429]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Redis is unreachable" in warnings[0].getMessage()
    assert "failing open" in warnings[0].getMessage()


def test_forwarded_for_from_an_untrusted_peer_is_ignored(make_client: ClientFactory) -> None:
    """By default a client cannot dodge the limit by sending a new X-Forwarded-For each time."""
    client = make_client(token_rate_limit_per_minute=2, peer=PROXY)
    statuses = [
        client.post("/token", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_served_api_ignores_forwarded_for_from_its_peer(live_server: LiveServer) -> None:
    """Served like `python token_api.py`, new X-Forwarded-For values from 127.0.0.1 get 429 too."""
    url = live_server(token_rate_limit_per_minute=2)
    statuses = [
        httpx.post(f"{url}/token", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_served_api_believes_a_trusted_local_proxy(live_server: LiveServer) -> None:
    """With TOKEN_TRUSTED_PROXIES=127.0.0.1, each forwarded client has its own count."""
    url = live_server(token_rate_limit_per_minute=1, token_trusted_proxies="127.0.0.1")

    def post(forwarded_for: str) -> int:
        return httpx.post(f"{url}/token", headers={"X-Forwarded-For": forwarded_for}).status_code

    assert [post("203.0.113.7"), post("203.0.113.8"), post("203.0.113.7")] == [201, 201, 429]


def test_trusted_proxy_names_the_client(make_client: ClientFactory) -> None:
    """Behind a trusted proxy each forwarded client has its own limit, and cannot forge another."""
    client = make_client(
        token_rate_limit_per_minute=1, token_trusted_proxies="10.0.0.0/8", peer=PROXY
    )

    def post(forwarded_for: str) -> int:
        return client.post("/token", headers={"X-Forwarded-For": forwarded_for}).status_code

    assert post("203.0.113.7") == 201
    assert post("203.0.113.8") == 201
    assert post("203.0.113.7") == 429
    # a client-written left part is not believed: the proxy appended the real address last
    assert post("192.0.2.99, 203.0.113.7") == 429
    # hops through further trusted proxies are skipped
    assert post("203.0.113.8, 10.9.9.9") == 429


def test_forwarded_header_when_configured(make_client: ClientFactory) -> None:
    """With TOKEN_PROXY_HEADER=forwarded, RFC 7239 `for=` names the client instead."""
    client = make_client(
        token_rate_limit_per_minute=1,
        token_trusted_proxies="10.0.0.2",
        token_proxy_header="Forwarded",
        peer=PROXY,
    )

    def post(forwarded: str) -> int:
        headers = {"Forwarded": forwarded, "X-Forwarded-For": "192.0.2.1"}
        return client.post("/token", headers=headers).status_code

    assert post('for="[2001:db8:cafe::17]:4711";proto=https') == 201
    assert post("for=203.0.113.60;proto=https;by=10.0.0.2") == 201
    assert post("for=203.0.113.60") == 429


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "expected"),
    [
        ("198.51.100.4", "203.0.113.7", "198.51.100.4"),
        ("10.0.0.2", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "1.1.1.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        ("10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8"),
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "[2001:db8::5]:443", "2001:db8::5"),
        ("10.0.0.2", "203.0.113.7:5123", "203.0.113.7"),
    ],
)
def test_client_address(peer: str, forwarded_for: str, expected: str) -> None:
    """The client is the right-most hop that is not a trusted proxy, only from a trusted peer."""
    headers = Headers({"x-forwarded-for": forwarded_for} if forwarded_for else {})
    trusted = [ip_network("10.0.0.0/8")]
    assert client_address(peer, headers, trusted=trusted) == expected


def test_ipv6_clients_are_counted_per_64() -> None:
    """Two addresses of one IPv6 /64 share a count; IPv4 and mapped IPv4 keep their address."""
    assert rate_key("2001:db8:1:2::a") == rate_key("2001:db8:1:2:ffff::b") == "2001:db8:1:2::/64"
    assert rate_key("2001:db8:1:3::a") != rate_key("2001:db8:1:2::a")
    assert rate_key("::ffff:203.0.113.7") == rate_key("203.0.113.7") == "203.0.113.7"
    assert rate_key("testclient") == "testclient"
