"""Human handoff: take a message for a callback when the caller asks or we keep failing."""

from __future__ import annotations

from graph.state import CallState, Update
from nodes import phrases


def offer_handoff(state: CallState) -> Update:
    """Offer to pass a message to a person who calls back."""
    said = phrases.WHAT_MESSAGE if state.stage == "take_message" else phrases.HUMAN
    return {"speech": [said], "stage": "take_message", "question": said}


def take_message(state: CallState) -> Update:
    """Keep the message for the summary and the callback."""
    return {
        "speech": [phrases.MESSAGE_TAKEN, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
        "misunderstood": 0,
    }


def goodbye(state: CallState) -> Update:
    """Say goodbye; the summary is written after the goodbye is recorded."""
    return {"speech": [phrases.GOODBYE], "stage": "ended", "question": ""}
