"""SQLite backend of the `Store` port: stdlib sqlite3, one connection behind a lock.

The embedded default: store (and checkpoints) in one local file. `connection` owns the
connection, the schema (`schema.sql`, applied on open up to `SCHEMA_VERSION`) and the
transactions (`upgrade` holds what an upgrade does in Python); `callers`, `appointments`,
`admin`, `calls`, `outbox` and `callbacks` hold the roles of the port, and `rows` maps
stored text to domain values.
"""

from store.sqlite.admin import SqliteAppointmentAdmin
from store.sqlite.appointments import SqliteAppointmentBook
from store.sqlite.callbacks import SqliteCallbacks
from store.sqlite.callers import SqliteCallers
from store.sqlite.calls import SqliteCallLog, SqliteCallQueries
from store.sqlite.connection import SCHEMA_VERSION
from store.sqlite.outbox import SqliteOutbox

__all__ = ["SCHEMA_VERSION", "SqliteStore"]


class SqliteStore(
    SqliteCallers,
    SqliteAppointmentBook,
    SqliteAppointmentAdmin,
    SqliteCallLog,
    SqliteCallQueries,
    SqliteOutbox,
    SqliteCallbacks,
):
    """A `Store` on one SQLite file (or ":memory:"), safe to share between threads."""
