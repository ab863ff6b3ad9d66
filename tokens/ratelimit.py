"""Sliding-window rate limits keyed by client: in one process, or shared through Redis.

With REDIS_URL every process counts in the same Redis sorted set, updated by one Lua
script so that two processes can never both take the last free slot. If Redis stops
answering, the limiter fails open to its own process's window (warning once) rather than
locking every caller out, and tries Redis again a few seconds later.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

WINDOW_SECONDS = 60.0
MAX_TRACKED_CLIENTS = 50_000
KEY_PREFIX = "token-api:rate:"
REDIS_TIMEOUT_SECONDS = 0.5
"""A token request waits at most this long for Redis before counting locally."""
RETRY_REDIS_SECONDS = 5.0

log = logging.getLogger(__name__)


class Limiter(Protocol):
    """Counts hits per client key."""

    async def hit(self, key: str, *, limit: int) -> float | None:
        """Record a hit; return None if allowed, else seconds until the next one is."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class SlidingWindowLimiter:
    """Allow at most `limit` hits per client in any WINDOW_SECONDS, in this process only."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with no clients tracked."""
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    async def hit(self, key: str, *, limit: int) -> float | None:
        """Record a hit; return None if allowed, else seconds until the next one is."""
        if limit <= 0:
            return None
        now = self._clock()
        cutoff = now - WINDOW_SECONDS
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= MAX_TRACKED_CLIENTS:
                    self._sweep(cutoff)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= cutoff:
                hits.popleft()
            if len(hits) >= limit:
                return max(hits[0] - cutoff, 0.0)
            hits.append(now)
            return None

    async def aclose(self) -> None:
        """Nothing to release."""

    def _sweep(self, cutoff: float) -> None:
        """Forget clients idle for a whole window, or everyone if memory is still full."""
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= cutoff]:
            del self._hits[key]
        if len(self._hits) >= MAX_TRACKED_CLIENTS:
            self._hits.clear()


# KEYS[1] the client's sorted set; ARGV now (ms), window (ms), limit, a unique member.
# Returns -1 when the hit is recorded, else the milliseconds until a slot frees up.
SLIDING_WINDOW = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(tonumber(oldest[2]) + window - now, 0)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return -1
"""


class RedisLimiter:
    """The same sliding window, shared by every process that uses the same Redis."""

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = KEY_PREFIX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Count in `client` under `prefix`; `clock` is wall time, shared across machines."""
        self._client = client
        self._script = client.register_script(SLIDING_WINDOW)
        self._prefix = prefix
        self._clock = clock
        self._local = SlidingWindowLimiter(clock=clock)
        self._retry_at: float | None = None  # set while Redis is down: when to try it again

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str = KEY_PREFIX, clock: Callable[[], float] = time.time
    ) -> RedisLimiter:
        """Connect lazily to the Redis at `url`, with short timeouts."""
        client = Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        return cls(client, prefix=prefix, clock=clock)

    async def hit(self, key: str, *, limit: int) -> float | None:
        """Record a hit in Redis, or in this process while Redis cannot be reached."""
        if limit <= 0:
            return None
        now = self._clock()
        if self._retry_at is not None and now < self._retry_at:
            return await self._local.hit(key, limit=limit)
        member = f"{now:.6f}:{secrets.token_hex(6)}"
        try:
            wait_ms = await self._script(
                keys=[self._prefix + key],
                args=[int(now * 1000), int(WINDOW_SECONDS * 1000), limit, member],
            )
        except (RedisError, OSError) as error:
            if self._retry_at is None:
                log.warning(
                    "rate limit: Redis is unreachable (%s); each process counts alone until it "
                    "answers (failing open, so callers are not locked out)",
                    error,
                )
            self._retry_at = now + RETRY_REDIS_SECONDS
            return await self._local.hit(key, limit=limit)
        if self._retry_at is not None:
            log.warning("rate limit: Redis answers again; the limit is shared again")
            self._retry_at = None
        return None if int(wait_ms) < 0 else int(wait_ms) / 1000

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
