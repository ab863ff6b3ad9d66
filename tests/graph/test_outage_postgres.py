"""Postgres stopped in the middle of a call: the call goes on, and the next yes books once.

A private server (`tests.pg.private_server`, started once for the module) holds the store,
the checkpoints, or both; the other one stays on the shared test server. A call reaches
the read-back, the private server is stopped (`pg_ctl stop -m immediate`), and the caller
says yes: they hear that the appointment book can't be reached and nothing was changed,
with the read-back asked again, and nothing raises. The server is started again and the
next yes books exactly once, through pools whose connections all died with the server.
"""

from __future__ import annotations

import os
import queue
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import psycopg
import pytest
from psycopg import sql

from booking.compose import fixed_clock
from business.calendar import BusinessCalendar
from graph.builder import build_graph
from graph.context import CallContext
from graph.conversation import Conversation
from graph.postgres_checkpointer import postgres_checkpointer
from nodes.understanding.rules import RuleUnderstander
from store.postgres import PostgresStore
from store.postgres.pool import PoolTimeouts
from tests.conftest import NOW, SAM
from tests.pg import PrivateServer, create_database, private_server, server_url

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
READ_BACK = "book you for Monday, November 30th at 10 AM?"
CONFIRMED = "booked for Monday, November 30th at 10 AM"
TIMEOUTS = PoolTimeouts(wait=0.5, connect=2, statement=5)
"""The defaults of DATABASE_WAIT_SECONDS, ..._CONNECT_TIMEOUT_... and ..._STATEMENT_TIMEOUT_..."""
Down = Literal["both", "store", "checkpoints"]


@pytest.fixture(scope="module")
def server() -> Iterator[PrivateServer]:
    """Yield a private Postgres server this module may stop and start."""
    with private_server() as private:
        yield private


@contextmanager
def databases(private: PrivateServer, down: Down) -> Iterator[tuple[str, str]]:
    """Yield (store URL, checkpoints URL): on the private server what goes `down`."""
    name = f"outage_{secrets.token_hex(4)}"
    shared = server_url()
    store_on = private.url if down in ("both", "store") else shared
    saver_on = private.url if down in ("both", "checkpoints") else shared
    store_url = create_database(store_on, f"{name}_store")
    saver_url = create_database(saver_on, f"{name}_checkpoints", migrated=False)
    try:
        yield store_url, saver_url
    finally:
        for on, db in ((store_on, f"{name}_store"), (saver_on, f"{name}_checkpoints")):
            if on == shared:
                with psycopg.connect(shared, autocommit=True) as admin:
                    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                    admin.execute(drop.format(sql.Identifier(db)))


@contextmanager
def call_on(store_url: str, saver_url: str) -> Iterator[tuple[Conversation, PostgresStore]]:
    """Yield Sam's call composed as `open_receptionist` does, store and checkpoints apart."""
    with (
        PostgresStore(store_url, timeouts=TIMEOUTS) as store,
        postgres_checkpointer(saver_url, timeouts=TIMEOUTS) as saver,
    ):
        store.set_user_name(store.create_user(phone=SAM).id, "Sam Lee")
        context = CallContext(
            store=store,
            understander=RuleUnderstander(),
            calendar=BusinessCalendar(),
            clock=fixed_clock(NOW),
        )
        graph = build_graph().compile(checkpointer=saver)
        yield Conversation(graph, context, f"outage-{secrets.token_hex(4)}"), store


def booked_rows(store_url: str) -> int:
    """Return the number of appointment rows, read straight from the database."""
    with psycopg.connect(store_url) as conn:
        row = conn.execute("SELECT count(*) FROM appointments").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("down", ["both", "store", "checkpoints"])
def test_a_yes_during_an_outage_changes_nothing_and_the_next_books_once(
    server: PrivateServer, down: Down, record_property: Callable[[str, object], None]
) -> None:
    """The caller hears the book can't be reached, the read-back stays, and a later yes books."""
    with (
        databases(server, down) as (store_url, saver_url),
        call_on(store_url, saver_url) as (call, store),
    ):
        call.start(caller_id=SAM)
        assert READ_BACK in call.say("book Monday at 10am").reply
        key = call.state().task["pending"]
        server.stop()
        try:
            began = time.monotonic()
            reply = call.say("yes").reply
            took = time.monotonic() - began
        finally:
            server.start()
        record_property("seconds_to_apology", round(took, 3))
        assert "can't reach" in reply and "nothing" in reply and READ_BACK in reply
        assert took < 10  # generous; the measured figure is in the README
        assert call.waiting() and call.state().task["pending"] == key  # the read-back kept
        assert booked_rows(store_url) == 0
        assert CONFIRMED in call.say("yes").reply
        assert booked_rows(store_url) == 1
        call.hang_up()
        stored = store.get_conversation(call.thread_id)
        assert stored is not None and stored.outcome == "booked"


def test_booking_chat_on_postgres_survives_a_stopped_server(
    server: PrivateServer, tmp_path: Path
) -> None:
    """`booking chat` keeps the call through a server stop (no traceback, exit 0), then books."""
    url = create_database(server.url, f"outage_{secrets.token_hex(4)}_chat")
    secret = f"pw{secrets.token_hex(6)}"  # the private server trusts any password
    url = url.replace("postgres@", f"postgres:{secret}@")
    chat = subprocess.Popen(
        [sys.executable, "-m", "booking.cli", "chat", "--phone", SAM, "--now", NOW.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,  # no developer .env
        env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)},
    )
    assert chat.stdin is not None and chat.stdout is not None
    replies: queue.Queue[str] = queue.Queue()
    output = chat.stdout

    def read() -> None:
        for line in output:
            replies.put(line)

    threading.Thread(target=read, daemon=True).start()

    def say(line: str) -> str:
        assert chat.stdin is not None
        chat.stdin.write(f"{line}\n")
        chat.stdin.flush()
        return replies.get(timeout=60)

    try:
        replies.get(timeout=60)  # the greeting
        say("Sam Lee")
        assert READ_BACK in say("book Monday at 10am")
        server.stop()
        try:
            apology = say("yes")
        finally:
            server.start()
        assert "can't reach" in apology and READ_BACK in apology
        assert CONFIRMED in say("yes")
        chat.stdin.write("/hangup\n")
        chat.stdin.close()
        assert chat.wait(timeout=60) == 0
    finally:
        if chat.poll() is None:
            chat.kill()
    assert chat.stderr is not None
    logged = chat.stderr.read()
    assert "Traceback" not in logged and secret not in logged
    assert logged.count("checkpoints unavailable") == 1  # the outage is logged once
    assert booked_rows(url) == 1
