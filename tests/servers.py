"""What tests/pg.py and tests/redis_server.py share: find the server a test needs, or start one.

A server the tests need is found, never skipped: the one its `TEST_*_URL` names (which must
answer: a configured server is never replaced), else the usual local one, else one the
tests start themselves. When none works, `ServerNotAvailable` says what was tried and how
to get one, so CI cannot go green without running those tests.

A run whose selection has no test marked for a server refuses to find one (`refuse()`,
called from tests/conftest.py): a test that needs Postgres or Redis but is not marked so
fails in the fast default run instead of quietly starting a server there.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence

Failure = Callable[[str], str | None]
"""Return why a server URL does not answer, or None when it does."""
Starter = Callable[[], tuple[str | None, str]]
"""Start a server; return (its URL or None, a note of what happened)."""

_refused: dict[str, str] = {}
"""Servers this run may not use, by kind, with the reason."""


class ServerNotAvailable(RuntimeError):
    """No server of the kind a test needs could be found or started."""


def refuse(kind: str, reason: str) -> None:
    """Make every later `find_server(kind=kind, ...)` raise its error with `reason`."""
    _refused[kind] = reason


def find_server(
    *,
    kind: str,
    env: str,
    default: str,
    failure: Failure,
    starters: Sequence[Starter],
    install: str,
    error: type[ServerNotAvailable] = ServerNotAvailable,
) -> str:
    """Return the URL of a `kind` server: $`env`, else `default`, else the first one started.

    When none works, raise `error` saying what was tried, ending with `install`: how to get
    such a server.
    """
    if kind in _refused:
        raise error(_refused[kind])
    explicit = os.environ.get(env)
    if explicit:
        why = failure(explicit)
        if why is None:
            return explicit
        raise error(f"{env} is set but does not answer: {why}")
    why = failure(default)
    if why is None:
        return default
    tried = [f"{default}: {why}"]
    for start in starters:
        url, note = start()
        tried.append(note)
        if url is not None:
            return url
    raise error(
        f"no {kind} server for the tests. Tried:\n  - " + "\n  - ".join(tried) + f"\n{install}"
    )


def free_port() -> int:
    """Return a TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
