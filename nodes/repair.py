"""Conversation repair: repeat, clarify, never mind, no, and what-can-you-do."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from nodes.writes import CLEARED_TASK


def repeat(state: CallState) -> dict[str, Any]:
    """Say the last reply again, word for word."""
    return {"speech": [state.reply or phrases.HOW_CAN_I_HELP]}


def clarify(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, Any]:
    """Ask again in other words; after repeated failures, offer a callback instead."""
    if state.act == "ambiguous":
        phrase = str(state.heard.get("when", {}).get("ambiguous", "that"))
        return {"speech": [phrases.which_day(phrase)]}
    if state.misunderstood >= runtime.context.max_misunderstandings:
        return {
            "speech": [phrases.OFFER_CALLBACK],
            "stage": "take_message",
            "question": phrases.OFFER_CALLBACK,
        }
    if state.stage == "offer_slots" and state.heard.get("affirm") is True:
        return {"speech": [phrases.WHICH_ONE, state.question]}
    if state.stage == "confirm":
        return {"speech": [phrases.NOT_UNDERSTOOD, phrases.CONFIRM_YES_NO, state.question]}
    return {"speech": [phrases.NOT_UNDERSTOOD, state.question or phrases.HOW_CAN_I_HELP]}


def never_mind(state: CallState) -> dict[str, Any]:
    """Drop the current task; identification and name stay."""
    if state.user_id is None:
        return {"speech": [phrases.NEVER_MIND, state.question]}
    return {
        **CLEARED_TASK,
        "speech": [phrases.NEVER_MIND, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
    }


def decline(state: CallState) -> dict[str, Any]:
    """A no to a read-back or to the offers: keep the task, ask for another time."""
    if state.task in ("book", "reschedule"):
        return {
            "speech": [phrases.DECLINED if state.stage == "confirm" else "", phrases.ASK_WHEN],
            "stage": "ask_request",
            "question": phrases.ASK_WHEN,
            "pending": None,
            "offers": [],
        }
    return {
        **CLEARED_TASK,
        "speech": [phrases.DECLINED, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
    }


def help_caller(state: CallState) -> dict[str, Any]:
    """Say what the agent can do, or invite the request after a bare yes or small talk."""
    if state.act == "chitchat":
        thanks = state.utterance.lower().startswith("thank")
        said = phrases.WELCOME if thanks else phrases.HELLO
        return {"speech": [said, state.question or phrases.HOW_CAN_I_HELP]}
    said = phrases.PROMPT if state.act == "prompt" else phrases.HELP
    update: dict[str, Any] = {"speech": [said]}
    if state.stage in ("ask_request", "start"):
        update.update(stage="ask_request", question=said)
    elif state.question:
        update["speech"] = [said, phrases.back_to(state.question)]
    return update
