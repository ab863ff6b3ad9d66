"""The verify node: a spoken number's account opens only on its name and next appointment's day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, VerifyClaim
from nodes import phrases
from nodes.verify import verify
from store.sqlite import SqliteStore
from tests.conftest import NOW, SAM
from tests.states import booked, said, task


@pytest.fixture
def claimed(store: SqliteStore) -> CallState:
    """Return a web call that said Sam's number; Sam's next appointment is December 3rd."""
    user = store.create_user(phone=SAM, name="Sam Lee")
    booked(store, user.id, "2026-12-03T09:00:00-08:00", "2026-12-08T11:00:00-08:00")
    store.start_conversation(conversation_id="c1", started_at=NOW)
    return CallState(
        call_id="c1", phone=SAM, identity="claimed", claimed_id=user.id, stage="verify_day"
    )


def _failures(store: SqliteStore, state: CallState) -> int:
    return store.failed_identity_checks(state.claimed_id or "", since=NOW - timedelta(days=1))


def test_the_name_alone_asks_for_the_day_before_judging(
    claimed: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """After the name the day is asked; nothing is judged or opened yet."""
    claimed.stage, claimed.claim = "verify_name", VerifyClaim(name="Pat Smith")
    update = verify(claimed, runtime=runtime)
    assert said(update) == phrases.VERIFY_DAY and update.get("stage") == "verify_day"
    assert "user_id" not in update and "verify_tries" not in update
    assert _failures(store, claimed) == 0


def test_the_right_name_and_day_open_the_account(
    claimed: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """The name on the account and its next appointment's day let the caller in by name."""
    claimed.claim = VerifyClaim(name="it's under Sam Lee", day="2026-12-03")
    update = verify(claimed, runtime=runtime)
    assert update.get("identity") == "verified" and update.get("user_id") == claimed.claimed_id
    assert update.get("claimed_id") is None and update.get("claim") is None
    # verified, the caller is trusted with the account: their next appointment is said
    assert said(update) == (
        "Welcome back, Sam Lee. I see you're booked for Thursday, December 3rd at 9 AM."
        f" {phrases.ABOUT_THAT}"
    )
    call = store.get_conversation("c1")
    assert call is not None and call.user_id == claimed.claimed_id
    assert _failures(store, claimed) == 0


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("Sam Lee", "2026-12-08"),  # the later appointment, not the next
        ("Sam Lee", "none"),
        ("Pat Smith", "2026-12-03"),
        ("Sam", "2026-12-03"),
    ],
)
def test_a_wrong_answer_counts_a_try_without_saying_which(
    claimed: CallState, runtime: Runtime[CallContext], store: SqliteStore, name: str, day: str
) -> None:
    """A wrong name or day asks again from the name, in the same words, and counts a try."""
    claimed.claim = VerifyClaim(name=name, day=day)
    update = verify(claimed, runtime=runtime)
    assert said(update) == phrases.VERIFY_AGAIN
    assert (update.get("stage"), update.get("question")) == ("verify_name", phrases.VERIFY_NAME)
    assert update.get("verify_tries") == 1 and update.get("claim") is None
    assert "user_id" not in update and "identity" not in update
    assert _failures(store, claimed) == 1


def test_at_the_limit_the_account_is_refused_for_the_call(
    claimed: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """The last try failing opens nothing, drops the task asked for before, offers a callback,
    and files the call under the account claimed so its owner is called back."""
    claimed.verify_tries = runtime.context.max_verify_tries - 1
    claimed.task = task("cancel", wish={"day": "2026-12-03"})
    claimed.claim = VerifyClaim(name="Sam Lee", day="2026-12-04")
    update = verify(claimed, runtime=runtime)
    assert update.get("identity") == "refused" and "user_id" not in update
    assert said(update) == phrases.VERIFY_REFUSED and update.get("stage") == "take_message"
    assert update.get("task") == task() and update.get("claimed_id") is None
    call = store.get_conversation("c1")
    assert call is not None and call.user_id == claimed.claimed_id
    assert len(store.list_appointments(claimed.claimed_id or "")) == 2


def test_with_nothing_booked_none_is_the_right_day(
    runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """For an account with no appointment coming, "I don't have one" passes with the name."""
    user = store.create_user(phone=SAM, name="Sam Lee")
    store.start_conversation(conversation_id="c1", started_at=NOW)
    state = CallState(
        call_id="c1",
        phone=SAM,
        identity="claimed",
        claimed_id=user.id,
        stage="verify_day",
        claim=VerifyClaim(name="Sam Lee", day="none"),
    )
    assert verify(state, runtime=runtime).get("user_id") == user.id
