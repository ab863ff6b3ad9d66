"""Postgres backend of the `Store` port: psycopg 3 on a checked connection pool.

Integrity lives in the database (`store/migrations`, applied by `migrate.py`): the partial
unique index refuses a double booking, and booking, cancelling and moving are each one
call of a SQL function, as in the Supabase store. `connection` owns the pool (`pool`, which
the Postgres checkpoints share) and the schema check; `callers`, `appointments` and `calls`
hold one role of the port each, and `rows` maps columns to domain values and driver
errors to `store.errors`.
"""

from store.postgres.appointments import PostgresAppointmentBook
from store.postgres.callers import PostgresCallers
from store.postgres.calls import PostgresCallLog, PostgresCallQueries

__all__ = ["PostgresStore"]


class PostgresStore(PostgresCallers, PostgresAppointmentBook, PostgresCallLog, PostgresCallQueries):
    """A `Store` on a Postgres database, safe to share between threads (one pool)."""
