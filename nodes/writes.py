"""What the write nodes share: recording a finished write and clearing the task."""

from __future__ import annotations

from typing import Any

from graph.state import CallState
from nodes import phrases


def done(state: CallState, outcome: dict[str, str], said: str) -> dict[str, Any]:
    """Record a finished write and clear the task."""
    return {
        "speech": [said, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
        "outcomes": [*state.outcomes, outcome][-20:],
        "task": None,
        "wish": {},
        "offers": [],
        "offered": [],
        "target": None,
        "choices": [],
        "pending": None,
        "notice": None,
    }
