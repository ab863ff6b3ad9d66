"""Fixtures for single nodes: a real in-memory store, a pinned clock, Sam identified."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langgraph.runtime import Runtime

from business.calendar import BusinessCalendar
from graph.context import CallContext
from graph.state import CallState
from nodes.understanding.rules import RuleUnderstander
from store.sqlite import SqliteStore
from tests.conftest import NOW, SAM


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    """Yield an in-memory store."""
    with SqliteStore(":memory:") as opened:
        yield opened


@pytest.fixture
def runtime(store: SqliteStore) -> Runtime[CallContext]:
    """Return the runtime a node receives, with a pinned clock."""
    ctx = CallContext(
        store=store,
        understander=RuleUnderstander(),
        calendar=BusinessCalendar(),
        clock=lambda: NOW,
    )
    return Runtime(context=ctx)


@pytest.fixture
def sam(store: SqliteStore) -> CallState:
    """Return the state of a call with Sam identified."""
    user = store.create_user(phone=SAM, name="Sam Lee")
    store.start_conversation(conversation_id="c1", started_at=NOW)
    return CallState(call_id="c1", user_id=user.id, phone=SAM, caller_name="Sam Lee", turn=3)
