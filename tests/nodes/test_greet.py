"""The greet node: the call's row is opened, and a caller ID skips the question of the number."""

from __future__ import annotations

import pytest
from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from nodes.greet import greet
from store.sqlite import SqliteStore
from tests.conftest import NOW, SAM


def test_a_valid_caller_id_goes_straight_to_identification(
    runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """A caller ID as the network sends it is the trusted number, and nothing is asked."""
    update = greet(CallState(call_id="c9", caller_id="(415) 555-0123"), runtime=runtime)
    assert (update.get("phone"), update.get("identity"), update.get("act")) == (
        SAM,
        "caller_id",
        "phone",
    )
    assert update.get("speech") == [phrases.GREET_NEW_CALL] and "stage" not in update
    started = store.get_conversation("c9")
    assert started is not None and started.started_at == NOW and started.user_id is None


@pytest.mark.parametrize("caller_id", [None, "anonymous", "+1555"])
def test_without_a_usable_caller_id_the_number_is_asked(
    runtime: Runtime[CallContext], store: SqliteStore, caller_id: str | None
) -> None:
    """No caller ID, or one that is not a valid number, asks for the number on the account."""
    update = greet(CallState(call_id="c9", caller_id=caller_id), runtime=runtime)
    assert update.get("speech") == [phrases.GREET_NEW_CALL, phrases.ASK_PHONE]
    assert (update.get("stage"), update.get("question")) == ("ask_phone", phrases.ASK_PHONE)
    assert "phone" not in update and "identity" not in update
    assert store.get_conversation("c9") is not None
