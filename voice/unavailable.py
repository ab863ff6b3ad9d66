"""The agent a call gets when the booking service cannot be opened: an apology, then goodbye.

`voice_bridge.py` opens the store and the checkpoints once per worker process, and again
at a call when that failed; when their database is down the call starts before any graph
exists. Rather than leave the caller in silence, the session runs this agent: it says
`phrases.UNAVAILABLE` uninterruptibly and hangs up.
"""

from __future__ import annotations

from livekit.agents import Agent

from voice import phrases
from voice.calls import EndCall, HangUp
from voice.graph_llm import GraphLLM


class UnavailableAgent(Agent):
    """Tell the caller the appointment book can't be reached now, then end the call."""

    def __init__(self, *, end_call: EndCall | None = None) -> None:
        """End the call with `end_call` (e.g. delete the room) once the apology is said."""
        super().__init__(instructions="", llm=GraphLLM())
        self._hang_up = HangUp(end_call, call="(booking service unavailable)")

    async def on_enter(self) -> None:
        """Say the apology before anything else, and hang up after it."""
        speech = self.session.say(phrases.UNAVAILABLE, allow_interruptions=False)
        speech.add_done_callback(lambda _: self._hang_up.now(self.session))
