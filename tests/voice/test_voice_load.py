"""Many calls at once in one worker process stay within its connection budget, and end well.

The calls run as LiveKit's thread executor runs them, a thread and an event loop each,
through the voice door (`AgentSession` around `BookingAgent`) on the process's one
`SharedReceptionist`, while the connections the server holds are counted
(`bench.voice_load`, whose small run is the second test).
"""

from __future__ import annotations

import psycopg
import pytest

from bench.voice_load import measure, run_voice, settings_for
from booking.databases import Database
from tests.pg import throwaway_database

pytestmark = pytest.mark.postgres


def test_thirty_calls_on_pools_of_one_queue_within_the_budget_and_each_books() -> None:
    """30 calls at once on pools of 1 whose waits time out hold at most 4 connections; all book.

    Before the budget, each wait that timed out opened a connection of its own: 5 or 6.
    """
    with throwaway_database(migrated=False) as url:
        Database(database_url=url).migrate()
        settings = settings_for(url).model_copy(
            update={"database_pool_max": 1, "database_wait_seconds": 0.001}
        )
        load = run_voice(settings, calls=30, turns=5, gap=0)  # the fifth line books
        with psycopg.connect(url) as conn:
            booked = conn.execute(
                "SELECT count(*), count(DISTINCT user_id), count(DISTINCT start_at)"
                " FROM appointments WHERE status = 'booked'"
            ).fetchone()
    assert load.errors == [] and len(load.steps) == 30 * 5
    assert 0 < load.peak_connections <= Database.from_settings(settings).connection_budget == 4
    assert booked == (30, 30, 30)


def test_the_load_bench_in_small_has_no_error_and_keeps_the_budget() -> None:
    """`python -m bench.voice_load --calls 10 --turns 5 --gap 0`: both sides clean, in budget."""
    with throwaway_database(migrated=False) as url:
        Database(database_url=url).migrate()
        loads = measure(url, calls=10, turns=5, gap=0)
        budget = Database.from_settings(settings_for(url)).connection_budget
    for load in loads.values():
        assert load.errors == [] and len(load.steps) == 10 * 5
        assert 0 < load.peak_connections <= budget
