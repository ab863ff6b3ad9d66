"""The Python half of the SQLite schema's upgrades: what `schema.sql` cannot say in SQL.

`STEPS[n]` runs right after the SQL of version n, in the same transaction, on a new file
as on an old one (`connection.SqliteConnection._migrate`).
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Callable
from zoneinfo import ZoneInfo

from store.instants import parse
from store.sqlite import rows


def relabel(c: sqlite3.Connection, zone: ZoneInfo) -> None:
    """Write every appointment's date, time and slot in the business's local time."""
    found = c.execute("SELECT id, start_at, duration_min FROM appointments").fetchall()
    c.executemany(
        "UPDATE appointments SET date = :date, time = :time, slot = :slot WHERE id = :id",
        [
            {"id": r["id"], **rows.local(parse(r["start_at"]), r["duration_min"], zone)}
            for r in found
        ],
    )


def flag_overlaps(c: sqlite3.Connection) -> None:
    """Flag legacy_overlap on each booked row that overlaps one of the same person made earlier.

    Rows are taken in the order they were made; one that overlaps a row kept so far is
    flagged, so the rows left unflagged are the most that the guard would have let in.
    """
    booked = c.execute(
        "SELECT id, staff, start_at, blocked_until FROM appointments WHERE status = 'booked'"
        " ORDER BY created_at, id"
    ).fetchall()
    kept: dict[str, tuple[list[str], list[str]]] = {}  # per person: starts, sorted; their ends
    flagged: list[tuple[str]] = []
    for row in booked:
        starts, untils = kept.setdefault(row["staff"], ([], []))
        # Kept spans do not overlap, so only the last one starting before this one's end can.
        i = bisect_left(starts, row["blocked_until"])
        if i and untils[i - 1] > row["start_at"]:
            flagged.append((row["id"],))
        else:
            starts.insert(i, row["start_at"])
            untils.insert(i, row["blocked_until"])
    c.executemany("UPDATE appointments SET legacy_overlap = 1 WHERE id = ?", flagged)


def _v4(c: sqlite3.Connection, zone: ZoneInfo) -> None:
    relabel(c, zone)
    flag_overlaps(c)


STEPS: dict[int, Callable[[sqlite3.Connection, ZoneInfo], None]] = {4: _v4}
"""Version -> what it does in Python after its SQL."""
