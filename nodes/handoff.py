"""Human handoff: take a message for a callback when the caller asks or we keep failing."""

from __future__ import annotations

from graph.state import CallState, Update
from nodes import phrases


def offer_handoff(state: CallState) -> Update:
    """Put the caller through to a person where the door can, else take a message.

    A transfer is said before it happens; the door then transfers, and if that fails it
    says so (`transfer_failed`) and a message is taken instead.
    """
    if state.act == "transfer_failed":
        said = phrases.TRANSFER_FAILED
    elif state.can_transfer:
        return transferring(phrases.TRANSFERRING)
    else:
        said = phrases.WHAT_MESSAGE if state.stage == "take_message" else phrases.HUMAN
    return {"speech": [said], "stage": "take_message", "question": said}


def transferring(said: str) -> Update:
    """Tell the caller they are being put through; the door transfers after the words."""
    return {"speech": [said], "stage": "transferring", "question": ""}


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
