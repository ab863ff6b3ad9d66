"""Redis for the tests: find (or start) a server, and key prefixes of our own on it.

`server_url()` answers, in this order:
1. `TEST_REDIS_URL`, when set (it must answer: a configured server is never replaced);
2. `redis://127.0.0.1:6379/0`;
3. a private `redis-server` (from PATH) on a free port, keeping nothing on disk, stopped
   when the interpreter exits.
When none of these works it raises `RedisNotAvailable` saying what is missing: the Redis
tests never skip, so CI cannot go green without running them (`tests/servers.py`).
"""

from __future__ import annotations

import atexit
import functools
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from tests.servers import ServerNotAvailable, find_server, free_port

DEFAULT_URL = "redis://127.0.0.1:6379/0"
START_SECONDS = 10.0


class RedisNotAvailable(ServerNotAvailable):
    """No Redis server could be found or started for the tests."""


@functools.cache
def server_url() -> str:
    """Return the URL of a Redis server the tests may write keys to."""
    return find_server(
        kind="Redis",
        env="TEST_REDIS_URL",
        default=DEFAULT_URL,
        failure=_failure,
        starters=[_start_private_server],
        install="Install Redis (e.g. apt-get install redis-server) or set TEST_REDIS_URL.",
        error=RedisNotAvailable,
    )


@contextmanager
def key_prefix() -> Iterator[str]:
    """Yield a key prefix no other test uses, and delete its keys afterwards."""
    prefix = f"booking-test:{secrets.token_hex(6)}:"
    try:
        yield prefix
    finally:
        with redis.Redis.from_url(server_url()) as client:
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)


def closed_url() -> str:
    """Return a Redis URL on a local port nothing listens on."""
    return f"redis://127.0.0.1:{free_port()}/0"


def _failure(url: str) -> str | None:
    """Return why `url` does not answer PING, or None when it does."""
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2) as client:
            client.ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _start_private_server() -> tuple[str | None, str]:
    """Start `redis-server` on a free port with no persistence; return (url, note)."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None, "no redis-server on PATH"
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    server = subprocess.Popen(
        [*command, "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    atexit.register(_stop, server)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + START_SECONDS
    while (failure := _failure(url)) is not None:
        if server.poll() is not None or time.monotonic() > deadline:
            _stop(server)
            return None, f"{binary} on port {port} did not answer: {failure}"
        time.sleep(0.05)
    return url, f"started {binary} on port {port}"


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the private server."""
    if server.poll() is None:
        server.terminate()
        server.wait(timeout=10)
