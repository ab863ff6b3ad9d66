"""In-memory sliding-window rate limit keyed by client address (one process only)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
MAX_TRACKED_CLIENTS = 50_000


class SlidingWindowLimiter:
    """Allow at most `limit` hits per client in any WINDOW_SECONDS; thread-safe."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with no clients tracked."""
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int) -> float | None:
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

    def _sweep(self, cutoff: float) -> None:
        """Forget clients idle for a whole window, or everyone if memory is still full."""
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= cutoff]:
            del self._hits[key]
        if len(self._hits) >= MAX_TRACKED_CLIENTS:
            self._hits.clear()
