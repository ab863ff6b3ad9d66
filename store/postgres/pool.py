"""A Postgres connection pool that answers fast when the server is gone and heals when it is back.

The store and the checkpoints both lend their connections from a `CheckedPool`:

- a connection idle for a second or more is checked on checkout (one empty query), so a
  connection the server dropped (a restart, a failover) is not handed out: the first
  "yes" after a restart does not fail on a stale pooled connection (one given back a
  moment ago, within the same turn, is lent as it is: `CHECK_AFTER_IDLE_SECONDS`);
- a connection that fails its check, or one the pool cannot lend within `wait` seconds
  while it is short of connections (reconnecting, or the server refuses), is replaced by
  a fresh direct connection for that one use. psycopg_pool's own check retries after a
  1 s back-off and its reconnection backs off for minutes, either of which would keep a
  caller waiting; a refused connection fails in milliseconds instead, and once the
  server answers again the first call gets through at once while the pool refills behind;
- for a few seconds after such a fallback the pool is not waited on at all, so one caller
  turn (a transcript line, the write, the reply line) pays the wait at most once;
- whatever the number of threads, a pool has at most `budget` connections open: its
  `max_size` and one fresh one at a time (`SPARE_CONNECTIONS`). With every pooled
  connection lent out (the server answers, it is only busy) a caller queues for one
  rather than open another; while the fresh one is in use a caller queues too, or, when
  the last fresh one was refused moments ago, fails at once with that refusal rather than
  wait on a server that is down.

`PoolTimeouts` holds the knobs (`DATABASE_*_SECONDS`, see .env.example): the wait above,
libpq's connect timeout, and a server-side statement timeout sent as a startup option
(0 sends none, for a pooler that refuses startup options).
"""

from __future__ import annotations

import math
import select
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import Connection
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

BYPASS_SECONDS = 5.0
"""After a fallback, how long connections are taken without waiting on the pool."""
QUEUE_SECONDS = 1.0
"""How long a caller waits in line at a time while every pooled connection is lent out.

The pool hands a connection to the first in line as soon as one comes back, so this only
bounds how often a waiter looks again whether the pool has become short (an outage) rather
than busy; a short wait here would have every waiter spin on the pool's lock."""
CHECK_AFTER_IDLE_SECONDS = 1.0
"""A connection given back longer ago than this is checked before it is lent again.

One used a moment ago is checked without a round trip: within a caller turn the store
and the checkpoints borrow a connection eight or nine times, and a query each time would
double the turn's round trips. An idle connection has nothing to read; a server that
ended it since (a restart, a terminated backend) has sent its goodbye or closed the
socket, which makes it readable (`_heard_from_server`), and then it is checked."""
SPARE_CONNECTIONS = 1
"""Fresh connections a pool may have open at once beside its own `max_size`."""


@dataclass(frozen=True)
class PoolTimeouts:
    """How long a database call may wait, so a caller hears about an outage in time."""

    wait: float = 0.5
    """Seconds to wait for a pooled connection before a fresh one is tried instead."""
    connect: float = 2.0
    """libpq's connect timeout (whole seconds, at least 2) for every new connection."""
    statement: float = 5.0
    """Server-side statement timeout; 0 leaves the server's own setting."""


def connection_kwargs(conninfo: str, timeouts: PoolTimeouts) -> dict[str, Any]:
    """Return the connection options both pools use: autocommit, dict rows, the timeouts.

    No server-side prepared statements, so they also work behind transaction-mode poolers
    (Supabase's included). Options already in the connection string are kept.
    """
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.Error:
        raise ValueError("the database URL is not a valid Postgres connection string") from None
    kwargs: dict[str, Any] = {"autocommit": True, "prepare_threshold": None}
    kwargs["row_factory"] = dict_row
    if "connect_timeout" not in params:
        kwargs["connect_timeout"] = max(2, math.ceil(timeouts.connect))
    # A network that silently drops packets (no refusal, no reset) would hang a call until
    # the kernel gives up, minutes later: bound unacknowledged data and probe idle links.
    unacked = int(max(timeouts.statement, timeouts.connect) * 1000)
    for key, value in (
        ("tcp_user_timeout", unacked),
        ("keepalives", 1),
        ("keepalives_idle", 10),
        ("keepalives_interval", 3),
        ("keepalives_count", 3),
    ):
        if key not in params:
            kwargs[key] = value
    if timeouts.statement > 0:
        limit = f"-c statement_timeout={int(timeouts.statement * 1000)}"
        given = str(params.get("options") or "")
        kwargs["options"] = f"{given} {limit}".strip()
    return kwargs


class CheckedPool(ConnectionPool[Connection[DictRow]]):
    """A pool whose `connection()` lends only working connections, or a fresh one, or fails fast."""

    def __init__(
        self,
        conninfo: str,
        *,
        timeouts: PoolTimeouts,
        name: str,
        min_size: int = 1,
        max_size: int = 10,
    ) -> None:
        """Prepare (not open) a pool of `min_size`..`max_size` connections to `conninfo`."""
        self._url = conninfo
        self._options = connection_kwargs(conninfo, timeouts)
        super().__init__(
            conninfo,
            connection_class=Connection[DictRow],
            kwargs=self._options,
            min_size=min_size,
            max_size=max_size,
            timeout=timeouts.wait,
            # Its own reconnection gives up soon: the next checkout starts a fresh attempt
            # rather than waiting out a back-off grown during a long outage.
            reconnect_timeout=BYPASS_SECONDS,
            open=False,
            name=name,
        )
        self._bypass_until = 0.0
        self._spare = threading.BoundedSemaphore(SPARE_CONNECTIONS)
        self._lent = 0
        """Pooled connections lent out now; at `max_size` a timed-out wait is only load."""
        self._lending = threading.Lock()
        self._returned: weakref.WeakKeyDictionary[Connection[DictRow], float] = (
            weakref.WeakKeyDictionary()
        )
        """When each pooled connection was last given back (gone with the connection)."""
        self._refused_until = 0.0
        self._refusal = ""
        """Why the last fresh connection failed; repeated until `_refused_until`."""

    @property
    def budget(self) -> int:
        """Return the most connections this pool has open at once: its own and the spare."""
        return self.max_size + SPARE_CONNECTIONS

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[Connection[DictRow]]:
        """Lend a checked pooled connection, else the spare fresh one, else queue or fail fast."""
        bypass = time.monotonic() < self._bypass_until
        # While recovering, take a connection only if one is ready (a tiny wait still
        # hands out a ready one, and asks the pool to grow when it has none).
        wait = 0.01 if bypass else (self.timeout if timeout is None else timeout)
        while (conn := self._checked(wait)) is None:
            if self._spare.acquire(blocking=False):
                try:
                    with self._fresh() as fresh:
                        yield fresh
                finally:
                    self._spare.release()
                return
            if time.monotonic() < self._refused_until:
                refused = psycopg.OperationalError(self._refusal)
                refused.never_sent = True  # type: ignore[attr-defined]  # read by rows.translated
                raise refused
            wait = self.timeout  # the spare is in use: queue for a pooled connection
        try:
            with conn:
                yield conn
        finally:
            self._give_back(conn)

    @contextmanager
    def _fresh(self) -> Iterator[Connection[DictRow]]:
        """Open a direct connection for one use; raise at once when the server refuses."""
        self._bypass_until = time.monotonic() + BYPASS_SECONDS
        try:
            fresh = self.connection_class.connect(self._url, **self._options)
        except psycopg.OperationalError as exc:
            self._refusal = str(exc)
            self._refused_until = time.monotonic() + BYPASS_SECONDS
            exc.never_sent = True  # type: ignore[attr-defined]  # read by rows.translated
            raise
        self._refused_until = 0.0
        with fresh:
            yield fresh

    def _checked(self, wait: float) -> Connection[DictRow] | None:
        """Return a pooled connection that answers, or None: try a fresh one instead.

        A wait that times out with every pooled connection lent out is load, not an
        outage: the caller keeps queueing rather than open one more connection.
        """
        while True:
            try:
                conn = self.getconn(wait)
            except PoolTimeout:
                if self._lent < self.max_size:
                    return None  # the pool is short: reconnecting, or refused
                wait = QUEUE_SECONDS  # every connection is lent: load, so wait in line
                continue
            with self._lending:
                self._lent += 1
                idle = time.monotonic() - self._returned.pop(conn, -math.inf)
            if idle < CHECK_AFTER_IDLE_SECONDS and not _heard_from_server(conn):
                return conn
            try:
                self.check_connection(conn)
            except psycopg.Error:
                self._give_back(conn)  # broken: the pool discards it and connects anew
                return None
            return conn

    def _give_back(self, conn: Connection[DictRow]) -> None:
        """Return a lent connection to the pool, noting when (a stale one is checked)."""
        with self._lending:
            self._lent -= 1
            self._returned[conn] = time.monotonic()
        self.putconn(conn)


def _heard_from_server(conn: Connection[DictRow]) -> bool:
    """Return True when an idle connection's socket has something to read: the server's
    notice that it ended the session, or the connection's end. No round trip."""
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True  # no usable socket: let the check decide
    return bool(readable)
