"""Postgres-specific guarantees: migrations, schema integrity, concurrency, RLS, failures."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import psycopg
import pytest
from psycopg import errors as pgerr

from store.errors import IdempotencyConflict, SlotUnavailable, StoreUnavailable
from store.models import Appointment, User
from store.port import Store
from store.postgres import PostgresStore
from store.postgres import pool as pool_module
from store.postgres.migrate import Migrated, migrate, pending, versions
from tests.pg import throwaway_database
from tests.store.stored import appointment, appointments

pytestmark = pytest.mark.postgres

SLOT = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)
T = TypeVar("T")


@pytest.fixture
def pg(clean_postgres_url: str) -> Iterator[PostgresStore]:
    """Yield a PostgresStore on the emptied session database."""
    with PostgresStore(clean_postgres_url, max_size=2) as store:
        yield store


@pytest.fixture
def wide(clean_postgres_url: str) -> Iterator[PostgresStore]:
    """Yield a PostgresStore with 50 open connections, one per concurrent caller."""
    with PostgresStore(clean_postgres_url, min_size=50, max_size=50) as store:
        yield store


def raw(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    """Open a plain autocommit connection, bypassing the store."""
    return psycopg.connect(url, autocommit=True)


def at_once(calls: list[Callable[[], T]]) -> list[T | Exception]:
    """Run every call in its own thread, released together; return results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[T | Exception] = [RuntimeError("did not run")] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def users(store: Store, n: int) -> list[User]:
    """Create `n` callers."""
    return [store.create_user(phone=f"+1555100{i:04d}") for i in range(n)]


def starts(store: Store, day: datetime, *, staff: str | None = None) -> list[datetime]:
    """Return the starts of the booked appointments of the day from `day` on."""
    people = None if staff is None else [staff]
    return [b.start for b in store.busy(day, day + timedelta(days=1), staff=people)]


def overlap(a: Appointment, b: Appointment) -> bool:
    """Return True when two appointments of one person take some of the same time."""
    return a.start < b.end + timedelta(minutes=b.buffer_min) and b.start < a.end + timedelta(
        minutes=a.buffer_min
    )


# migrations ---------------------------------------------------------------------------


def test_store_satisfies_the_port(pg: PostgresStore) -> None:
    """PostgresStore is structurally a Store (checked by mypy) and books on the session DB."""
    store: Store = pg
    user = store.create_user(phone="+15550000001")
    store.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
    assert starts(store, SLOT) == [SLOT]


def test_connections_give_up_on_a_silent_network(pg: PostgresStore) -> None:
    """Every store connection bounds unacknowledged data and probes idle links, so a network
    that drops packets silently fails a call in seconds instead of hanging it."""
    with pg._conn() as c:  # the connection a store call gets, after it answered a query
        c.execute("SELECT 1")
        dsn = c.info.dsn
    assert "tcp_user_timeout=5000" in dsn and "keepalives=1" in dsn


def test_migrations_apply_once_and_create_the_schema() -> None:
    """A first migrate applies every file, a second applies none; tables, constraint and
    functions exist, one of each write function."""
    with throwaway_database(migrated=False) as url:
        assert pending(url) == versions()
        assert migrate(url).applied == tuple(versions())
        assert migrate(url) == Migrated()
        assert pending(url) == []
        with raw(url) as c:
            for table in ("users", "appointments", "conversations", "conversation_turns"):
                assert c.execute("SELECT to_regclass(%s)", (table,)).fetchone() == (table,)
            ddl = c.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s",
                ("appointments_one_person_at_a_time",),
            ).fetchone()
            assert ddl is not None
            assert ddl[0].startswith("EXCLUDE USING gist (staff WITH =, tstzrange(start_at,")
            assert "WHERE (((status = 'booked'::text) AND (NOT legacy_overlap)))" in ddl[0]
            names = [r[0] for r in c.execute("SELECT proname FROM pg_proc")]
            for name in ("book_appointment", "cancel_appointment", "reschedule_appointment"):
                assert names.count(name) == 1, name
            recorded = [r[0] for r in c.execute("SELECT version FROM schema_migrations")]
            assert sorted(recorded) == versions()


def test_concurrent_migrations_apply_each_file_once() -> None:
    """Two processes migrating at once apply every file exactly once between them."""
    with throwaway_database(migrated=False) as url:
        first, second = at_once([lambda: migrate(url), lambda: migrate(url)])
        assert isinstance(first, Migrated) and isinstance(second, Migrated)
        assert sorted(first.applied + second.applied) == versions()
        assert pending(url) == []


def test_a_failing_migration_leaves_the_database_as_it_was() -> None:
    """Every pending file runs in one transaction: one that fails undoes those before it."""
    with throwaway_database(migrated=False) as url:
        with raw(url) as c:  # a table in the way of 0005's index, as a hand-made one would be
            c.execute("CREATE TABLE identity_checks (id integer)")
        with pytest.raises(pgerr.UndefinedColumn):
            migrate(url)
        assert pending(url) == versions()
        with raw(url) as c:
            assert c.execute("SELECT to_regclass('users')").fetchone() == (None,)


def test_missing_schema_names_the_migrate_command() -> None:
    """Opening a store on an unmigrated database raises StoreUnavailable naming the fix."""
    with (
        throwaway_database(migrated=False) as url,
        pytest.raises(StoreUnavailable, match="booking db migrate"),
    ):
        PostgresStore(url)


# schema integrity ---------------------------------------------------------------------


def test_exclusion_constraint_refuses_raw_overlap(pg: PostgresStore, postgres_url: str) -> None:
    """The database itself refuses a booked row over a person's booked time and buffer, even
    via plain SQL; another person, or a cancelled row, is fine."""
    user = pg.create_user(phone="+15550000001")
    pg.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k", buffer_min=10)
    insert = (
        "INSERT INTO appointments (user_id, date, time, slot, start_at, duration_min, status,"
        " staff) VALUES (%s, '2030-05-06', '08:35', '08:35-09:05', %s, 30, %s, %s)"
    )
    in_buffer = SLOT + timedelta(minutes=35)
    with raw(postgres_url) as c:
        with pytest.raises(pgerr.ExclusionViolation):
            c.execute(insert, (user.id, in_buffer, "booked", "main"))
        # A cancelled row is history, not a booking; another person's time is their own.
        c.execute(insert, (user.id, in_buffer, "cancelled", "main"))
        c.execute(insert, (user.id, in_buffer, "booked", "raj"))
        # The trigger keeps the span: the buffer counts from the end the row says.
        row = c.execute(
            "SELECT end_at, blocked_until FROM appointments WHERE staff = 'raj'"
        ).fetchone()
        assert row == (in_buffer + timedelta(minutes=30), in_buffer + timedelta(minutes=30))


def test_updated_at_moves_on_update(pg: PostgresStore, postgres_url: str) -> None:
    """The trigger sets updated_at on every update, leaving created_at alone."""
    user = pg.create_user(phone="+15550000001")
    appt = pg.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
    query = "SELECT created_at, updated_at FROM appointments WHERE id = %s"
    with raw(postgres_url) as c:
        before = c.execute(query, (appt.id,)).fetchone()
        pg.cancel(user_id=user.id, appointment_id=appt.id, idempotency_key="c")
        after = c.execute(query, (appt.id,)).fetchone()
    assert before is not None and after is not None
    assert after[0] == before[0]
    assert after[1] > before[1]


def test_sub_second_starts_are_one_slot(pg: PostgresStore) -> None:
    """Starts are compared to the second, as in the SQLite store."""
    alice, bob = users(pg, 2)
    made = pg.book(
        user_id=alice.id, start=SLOT.replace(microsecond=400), duration_min=30, idempotency_key="a"
    )
    assert made.start == SLOT
    with pytest.raises(SlotUnavailable):
        pg.book(
            user_id=bob.id, start=SLOT.replace(microsecond=9), duration_min=30, idempotency_key="b"
        )


# concurrency --------------------------------------------------------------------------


def test_fifty_concurrent_bookings_of_one_slot(wide: PostgresStore) -> None:
    """Fifty callers booking one slot at once: one booking, every loser gets SlotUnavailable."""
    callers = users(wide, 50)
    outcomes = at_once(
        [
            partial(wide.book, user_id=u.id, start=SLOT, duration_min=30, idempotency_key=u.id)
            for u in callers
        ]
    )
    won = [o for o in outcomes if isinstance(o, Appointment)]
    assert len(won) == 1
    assert all(isinstance(o, SlotUnavailable) for o in outcomes if o is not won[0])
    assert starts(wide, SLOT) == [SLOT]
    assert sum(len(appointments(wide, u.id)) for u in callers) == 1


def test_fifty_concurrent_overlapping_bookings_of_one_person(wide: PostgresStore) -> None:
    """Fifty callers booking one person at once, at starts 7 minutes apart for 30 minutes
    and a 5-minute buffer: the bookings made never overlap, and every refused one overlaps
    one made (none is refused for nothing)."""
    callers = users(wide, 50)
    outcomes = at_once(
        [
            partial(
                wide.book,
                user_id=u.id,
                start=SLOT + timedelta(minutes=7 * i),
                duration_min=30,
                buffer_min=5,
                staff="maria",
                idempotency_key=u.id,
            )
            for i, u in enumerate(callers)
        ]
    )
    won = [o for o in outcomes if isinstance(o, Appointment)]
    lost = [i for i, o in enumerate(outcomes) if not isinstance(o, Appointment)]
    assert all(isinstance(outcomes[i], SlotUnavailable) for i in lost), outcomes
    assert won
    assert not any(overlap(a, b) for a in won for b in won if a is not b)
    for i in lost:
        wished = Appointment("", "", SLOT + timedelta(minutes=7 * i), 30, "booked", buffer_min=5)
        assert any(overlap(wished, w) for w in won), i
    assert starts(wide, SLOT, staff="maria") == sorted(w.start for w in won)


def test_fifty_concurrent_bookings_of_two_people_at_one_time(wide: PostgresStore) -> None:
    """Fifty callers booking one time at once, half with each of two people: each person is
    booked exactly once."""
    callers = users(wide, 50)
    people = ("maria", "raj")
    outcomes = at_once(
        [
            partial(
                wide.book,
                user_id=u.id,
                start=SLOT,
                duration_min=30,
                staff=people[i % 2],
                idempotency_key=u.id,
            )
            for i, u in enumerate(callers)
        ]
    )
    won = [o for o in outcomes if isinstance(o, Appointment)]
    assert sorted(w.staff for w in won) == ["maria", "raj"]
    assert all(isinstance(o, SlotUnavailable) for o in outcomes if o not in won)
    assert [b.staff for b in wide.busy(SLOT, SLOT + timedelta(minutes=1))] == ["maria", "raj"]


def test_fifty_concurrent_retries_of_one_booking(wide: PostgresStore) -> None:
    """Fifty retries of one booking with the same key at once make one row and share its id."""
    (user,) = users(wide, 1)
    outcomes = at_once(
        [
            lambda: wide.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
            for _ in range(50)
        ]
    )
    assert all(isinstance(o, Appointment) for o in outcomes), outcomes
    assert len({o.id for o in outcomes if isinstance(o, Appointment)}) == 1
    assert len(appointments(wide, user.id)) == 1


def test_concurrent_different_bookings_with_one_key(wide: PostgresStore) -> None:
    """Two different bookings racing under one key: one wins, the other is IdempotencyConflict."""
    (user,) = users(wide, 1)
    for round_ in range(10):
        starts = [SLOT + timedelta(days=round_, hours=h) for h in (1, 2)]
        outcomes = at_once(
            [
                partial(
                    wide.book,
                    user_id=user.id,
                    start=start,
                    duration_min=30,
                    idempotency_key=f"k{round_}",
                )
                for start in starts
            ]
        )
        assert sum(isinstance(o, Appointment) for o in outcomes) == 1, outcomes
        assert any(isinstance(o, IdempotencyConflict) for o in outcomes), outcomes


def test_concurrent_moves_into_one_slot(wide: PostgresStore) -> None:
    """Two callers moving into one free slot at once: one moves, the other keeps their booking."""
    alice, bob = users(wide, 2)
    for round_ in range(10):
        target = SLOT + timedelta(days=round_)
        olds = [
            wide.book(
                user_id=u.id,
                start=target + timedelta(hours=h),
                duration_min=30,
                idempotency_key=f"{u.id}-{round_}",
            )
            for u, h in ((alice, 1), (bob, 2))
        ]
        outcomes = at_once(
            [
                partial(
                    wide.reschedule,
                    user_id=old.user_id,
                    appointment_id=old.id,
                    new_start=target,
                    idempotency_key=f"m{old.id}",
                )
                for old in olds
            ]
        )
        assert sum(isinstance(o, Appointment) for o in outcomes) == 1, outcomes
        ((loser, error),) = [
            (a, o) for a, o in zip(olds, outcomes, strict=True) if not isinstance(o, Appointment)
        ]
        assert isinstance(error, SlotUnavailable)
        assert appointment(wide, loser.id).status == "booked"
        assert starts(wide, target) == sorted([target, loser.start])


def test_fifty_concurrent_moves_onto_one_person(wide: PostgresStore) -> None:
    """Fifty callers moving their booking with another person onto one person at once, 7
    minutes apart: the moves made never overlap, each refused one overlaps a move made, and
    every refused caller keeps the booking they had."""
    callers = users(wide, 50)
    olds = [
        wide.book(
            user_id=u.id,
            start=SLOT + timedelta(days=1, minutes=30 * i),
            duration_min=30,
            staff="raj",
            idempotency_key=f"b{u.id}",
        )
        for i, u in enumerate(callers)
    ]
    outcomes = at_once(
        [
            partial(
                wide.reschedule,
                user_id=old.user_id,
                appointment_id=old.id,
                new_start=SLOT + timedelta(minutes=7 * i),
                staff="maria",
                idempotency_key=f"m{old.id}",
            )
            for i, old in enumerate(olds)
        ]
    )
    won = [o for o in outcomes if isinstance(o, Appointment)]
    assert won and all(w.staff == "maria" and w.duration_min == 30 for w in won)
    assert not any(overlap(a, b) for a in won for b in won if a is not b)
    for i, (old, outcome) in enumerate(zip(olds, outcomes, strict=True)):
        if isinstance(outcome, Appointment):
            assert appointment(wide, old.id).status == "rescheduled"
            continue
        assert isinstance(outcome, SlotUnavailable), outcome
        assert appointment(wide, old.id).status == "booked"
        wished = replace(old, start=SLOT + timedelta(minutes=7 * i), staff="maria")
        assert any(overlap(wished, w) for w in won), i


def test_concurrent_retries_of_one_move(wide: PostgresStore) -> None:
    """Twenty retries of one move with the same key at once all return the same new booking."""
    (user,) = users(wide, 1)
    old = wide.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
    later = SLOT + timedelta(hours=1)
    outcomes = at_once(
        [
            lambda: wide.reschedule(
                user_id=user.id, appointment_id=old.id, new_start=later, idempotency_key="m"
            )
            for _ in range(20)
        ]
    )
    assert all(isinstance(o, Appointment) for o in outcomes), outcomes
    assert len({o.id for o in outcomes if isinstance(o, Appointment)}) == 1
    assert len(appointments(wide, user.id)) == 2


def test_concurrent_retries_of_one_cancel(wide: PostgresStore) -> None:
    """Twenty retries of one cancel with the same key at once all return the cancelled row."""
    (user,) = users(wide, 1)
    appt = wide.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
    outcomes = at_once(
        [
            lambda: wide.cancel(user_id=user.id, appointment_id=appt.id, idempotency_key="c")
            for _ in range(20)
        ]
    )
    assert all(isinstance(o, Appointment) and o.status == "cancelled" for o in outcomes), outcomes


# row-level security -------------------------------------------------------------------


def test_rls_hides_rows_from_other_roles(pg: PostgresStore, postgres_url: str) -> None:
    """A role that neither owns the tables nor bypasses RLS sees no rows and cannot book."""
    user = pg.create_user(phone="+15550000001")
    pg.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
    count = "SELECT count(*) FROM appointments"
    with raw(postgres_url) as c:
        c.execute(
            "DO $$ BEGIN CREATE ROLE booking_rls_probe NOLOGIN NOBYPASSRLS;"
            " EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        try:
            c.execute("GRANT SELECT ON appointments, users TO booking_rls_probe")
            assert c.execute(count).fetchone() == (1,)
            with c.transaction():
                c.execute("SET LOCAL ROLE booking_rls_probe")
                assert c.execute(count).fetchone() == (0,)
                assert c.execute("SELECT count(*) FROM users").fetchone() == (0,)
            with pytest.raises(pgerr.InsufficientPrivilege), c.transaction():
                c.execute("SET LOCAL ROLE booking_rls_probe")
                c.execute(
                    "SELECT book_appointment(%s, %s, 30, 'x', 'UTC')",
                    (user.id, SLOT + timedelta(days=1)),
                )
        finally:
            c.execute("DROP OWNED BY booking_rls_probe")
            # A concurrent test session may still grant it something; that session drops it.
            with suppress(pgerr.DependentObjectsStillExist):
                c.execute("DROP ROLE IF EXISTS booking_rls_probe")


# failures -----------------------------------------------------------------------------


def test_unreachable_server_is_store_unavailable() -> None:
    """A server that does not answer raises StoreUnavailable quickly, without the password."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = "fake-pw-7f3a9c"
    url = f"postgresql://booking:{secret}@127.0.0.1:{port}/booking?connect_timeout=1"
    began = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        PostgresStore(url, timeout=1.0)
    assert time.monotonic() - began < 10
    chain: BaseException | None = caught.value
    while chain is not None:
        assert secret not in str(chain) and url not in str(chain)
        chain = chain.__cause__ or chain.__context__


def gone(conn: psycopg.Connection[tuple[Any, ...]], application: str) -> None:
    """Wait until the server has ended every backend of `application` (terminating one
    only signals it)."""
    for _ in range(500):
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (application,)
        ).fetchone()
        if row is not None and not row[0]:
            return
        time.sleep(0.01)
    raise AssertionError(f"backends of {application} still running")


def test_killed_connection_is_replaced_on_checkout(clean_postgres_url: str) -> None:
    """A pooled connection the server dropped fails its checkout check; the call still works."""
    url = f"{clean_postgres_url}?application_name=booking_kill_probe"
    with PostgresStore(url, min_size=1, max_size=1) as store, raw(clean_postgres_url) as c:
        store.create_user(phone="+15550000001")
        c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'booking_kill_probe'"
        )
        gone(c, "booking_kill_probe")  # the drop is done, as after a restart
        assert store.find_user_by_phone("+15550000001") is not None
        assert store.find_user_by_phone("+15550000001") is not None


def test_closed_store_is_unavailable(clean_postgres_url: str) -> None:
    """Calls on a closed store raise StoreUnavailable."""
    store = PostgresStore(clean_postgres_url)
    store.close()
    with pytest.raises(StoreUnavailable):
        store.find_user_by_phone("+15550000001")


def test_a_connection_given_back_a_moment_ago_is_lent_without_a_round_trip(
    clean_postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within a turn the pool lends its connection again at once; one idle for a while, or
    one the server has ended, is checked with a query first."""
    checks: list[str] = []
    real = pool_module.CheckedPool.check_connection

    def counted(conn: Any) -> None:
        checks.append("check")
        real(conn)

    monkeypatch.setattr(pool_module.CheckedPool, "check_connection", staticmethod(counted))
    url = f"{clean_postgres_url}?application_name=booking_reuse_probe"
    with PostgresStore(url, min_size=1, max_size=1) as store:
        for _ in range(5):
            assert store.find_user_by_phone("+15550000001") is None
        assert checks == ["check"]  # the first lending only: each later one is a moment after
        monkeypatch.setattr(pool_module, "CHECK_AFTER_IDLE_SECONDS", 0.0)
        store.find_user_by_phone("+15550000001")
        assert checks == ["check", "check"]  # idle past the limit: checked again
