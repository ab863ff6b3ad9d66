"""Postgres backend of the `Store` port: psycopg 3 on a checked connection pool.

Integrity lives in the database (`store/migrations`, applied by `migrate.py`): an exclusion
constraint keeps each person to one booking at a time, and booking, cancelling, moving and
closing are each one call of a SQL function, as in the Supabase store. `connection` owns
the pool (`pool`, which the Postgres checkpoints share), the schema check and the business
timezone; `callers`, `appointments`, `admin`, `calls`, `outbox` and `callbacks` hold one
role of the port each, and `rows` maps columns to domain values and driver errors to
`store.errors`.
"""

from store.postgres.admin import PostgresAppointmentAdmin
from store.postgres.appointments import PostgresAppointmentBook
from store.postgres.callbacks import PostgresCallbacks
from store.postgres.callers import PostgresCallers
from store.postgres.calls import PostgresCallLog, PostgresCallQueries
from store.postgres.outbox import PostgresOutbox

__all__ = ["PostgresStore"]


class PostgresStore(
    PostgresCallers,
    PostgresAppointmentBook,
    PostgresAppointmentAdmin,
    PostgresCallLog,
    PostgresCallQueries,
    PostgresOutbox,
    PostgresCallbacks,
):
    """A `Store` on a Postgres database, safe to share between threads (one pool)."""
