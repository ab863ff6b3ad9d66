"""What a door sends to resume the graph at `listen`: the caller's next turn.

`Conversation` sends these; LangGraph Studio may also resume with a bare string, which is
the caller's words.
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict


class CallerTurn(TypedDict, total=False):
    """One caller turn, or the news that the caller is gone."""

    text: str
    """What the caller said."""
    heard: str | None
    """What the caller heard of the last reply before barging in (None: all of it)."""
    event: Literal["hangup", "transfer_failed"]
    """The caller hung up or the line dropped, or the transfer to a person just promised
    failed: there are no words."""


HANGUP = CallerTurn(event="hangup")
TRANSFER_FAILED = CallerTurn(event="transfer_failed")


def caller_turn(value: object) -> CallerTurn:
    """Read a resume value: a door's `CallerTurn`, or a bare string from Studio."""
    if isinstance(value, dict):
        turn = CallerTurn()
        if value.get("event") in ("hangup", "transfer_failed"):
            turn["event"] = value["event"]
        if value.get("heard") is not None:
            turn["heard"] = str(value["heard"])
        turn["text"] = str(value.get("text") or "")
        return turn
    return CallerTurn(text="" if value is None else str(value))
