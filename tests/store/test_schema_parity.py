"""The SQLite schema and the Postgres migrations describe the same tables and columns.

They are two files because the databases differ (text instants against timestamptz, uuid
keys, triggers, the write functions), but a column added to one and not the other is a
store that behaves differently by backend. The known differences are listed here, each
with its reason; any other one fails.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from store.sqlite import SqliteStore

Shape = dict[tuple[str, str], tuple[str, str | None, bool]]
"""(table, column) -> (table or view, loose type, nullable); views carry no type."""

RENAMED = {
    ("conversations", "id"): "thread_id",
    ("conversation_turns", "conversation_id"): "thread_id",
    ("conversation_overview", "id"): "thread_id",
    ("conversation_overview", "phone"): "contact_number",
}
"""SQLite column -> the Postgres column holding the same value. Postgres keeps the original
schema's names (`conversations.id` is its uuid, the graph's thread id is `thread_id`)."""

POSTGRES_ONLY = {
    ("conversations", "id"),  # the original schema's uuid key; calls are found by thread_id
    ("users", "updated_at"),  # bookkeeping of the set_updated_at trigger; nothing reads it
    ("conversations", "updated_at"),  # the same
    ("identity_checks", "id"),  # an identity key; SQLite's rowid plays that part
}

LOOSE = {
    "uuid": "TEXT",
    "text": "TEXT",
    "date": "TEXT",
    "time without time zone": "TEXT",
    "timestamp with time zone": "TEXT",
    "jsonb": "TEXT",
    "integer": "INTEGER",
    "bigint": "INTEGER",
    "boolean": "INTEGER",
}
"""Postgres type -> the SQLite type that stores the same values (instants and JSON as text)."""


def sqlite_shape(path: Path) -> Shape:
    """Return a fresh SQLite store's tables and views, under the Postgres names."""
    SqliteStore(path).close()
    shape: Shape = {}
    with sqlite3.connect(path) as db:
        found = db.execute(
            "SELECT name, type FROM sqlite_master"
            " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for table, kind in found:
            for _, column, declared, notnull, _, pk in db.execute(f"PRAGMA table_info({table})"):
                name = RENAMED.get((table, column), column)
                loose = declared if kind == "table" else None
                shape[table, name] = (kind, loose, not (notnull or pk))
    return shape


def postgres_shape(url: str) -> Shape:
    """Return the migrated database's tables and views, types mapped to SQLite's."""
    with psycopg.connect(url) as db:
        found = db.execute(
            "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'YES',"
            " t.table_type = 'VIEW'"
            " FROM information_schema.columns c"
            " JOIN information_schema.tables t USING (table_schema, table_name)"
            " WHERE c.table_schema = 'public' AND c.table_name <> 'schema_migrations'"
        ).fetchall()
    return {
        (table, column): ("view", None, nullable) if view else ("table", LOOSE[kind], nullable)
        for table, column, kind, nullable, view in found
        if (table, column) not in POSTGRES_ONLY
    }


def test_sqlite_schema_matches_the_postgres_migrations(tmp_path: Path, postgres_url: str) -> None:
    """A fresh SQLite store has the migrated Postgres tables and columns, but for those listed."""
    assert sqlite_shape(tmp_path / "s.db") == postgres_shape(postgres_url)


def test_every_listed_difference_still_exists(postgres_url: str) -> None:
    """The lists of differences name only columns the Postgres schema really has."""
    with psycopg.connect(postgres_url) as db:
        columns = set(
            db.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = 'public'"
            ).fetchall()
        )
    assert POSTGRES_ONLY.issubset(columns)
    assert {(table, column) for (table, _), column in RENAMED.items()}.issubset(columns)
