"""The identify node: a caller ID is trusted, a new number registers, a spoken one is a claim."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from nodes.identify import identify, register
from store.sqlite import SqliteStore
from tests.conftest import SAM
from tests.states import said, task


def test_a_new_caller_by_caller_id_is_not_told_about_a_number_they_never_said(
    runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """ "I don't have that number yet" follows only a number the caller said."""
    store.start_conversation(conversation_id="c2", started_at=datetime.now().astimezone())
    by_caller_id = CallState(call_id="c2", phone="+16505550199", act="phone", stage="start")
    reply = said(identify(by_caller_id, runtime=runtime))
    assert "that number" not in reply and reply.endswith("What's your name?")
    spoken = CallState(call_id="c2", phone="+16505550100", act="phone", stage="ask_phone")
    assert said(identify(spoken, runtime=runtime)) == phrases.ASK_NAME


def test_a_spoken_number_of_an_account_opens_nothing_before_the_check(
    runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """Saying an existing account's number asks for the name on it, and trusts no one yet."""
    store.create_user(phone=SAM, name="Sam Lee")
    store.start_conversation(conversation_id="c3", started_at=datetime.now().astimezone())
    spoken = CallState(call_id="c3", phone=SAM, act="phone", stage="ask_phone")
    update = identify(spoken, runtime=runtime)
    assert update.get("identity") == "claimed" and update.get("stage") == "verify_name"
    assert "user_id" not in update and "Sam" not in said(update)


def test_a_new_callers_name_is_stored_and_their_earlier_request_carried_on(
    runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """The name a new caller gives is saved on their account; a booking asked for before it
    goes on without "how can I help?"."""
    user = store.create_user(phone="+16505550100")
    state = CallState(
        call_id="c4",
        user_id=user.id,
        caller_name="Robin Park",
        task=task("book", wish={"day": "2026-11-30"}),
    )
    update = register(state, runtime=runtime)
    assert said(update) == "Nice to meet you, Robin Park."
    assert update.get("stage") == "ask_request" and "question" not in update
    found = store.find_user_by_phone("+16505550100")
    assert found is not None and found.name == "Robin Park"
    state.task = task()
    assert said(register(state, runtime=runtime)).endswith(phrases.HOW_CAN_I_HELP)
