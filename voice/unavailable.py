"""The agent a call gets when the booking service cannot be opened: an apology, then goodbye.

`voice_bridge.py` opens the store and the checkpoints for each call; when their database
is down that fails before any graph exists. Rather than leave the caller in silence, the
session runs this agent: it says `phrases.UNAVAILABLE` uninterruptibly and hangs up.
"""

from __future__ import annotations

import asyncio
import logging

from livekit.agents import Agent

from voice import phrases
from voice.calls import EndCall, keep_room
from voice.graph_llm import GraphLLM

log = logging.getLogger(__name__)


class UnavailableAgent(Agent):
    """Tell the caller the appointment book can't be reached now, then end the call."""

    def __init__(self, *, end_call: EndCall | None = None) -> None:
        """End the call with `end_call` (e.g. delete the room) once the apology is said."""
        super().__init__(instructions="", llm=GraphLLM())
        self._end_call = end_call or keep_room
        self._ending: asyncio.Task[None] | None = None

    async def on_enter(self) -> None:
        """Say the apology before anything else, and hang up after it."""
        speech = self.session.say(phrases.UNAVAILABLE, allow_interruptions=False)
        speech.add_done_callback(lambda _: self._end())

    def _end(self) -> None:
        if self._ending is None:
            self._ending = asyncio.create_task(self._end_now())

    async def _end_now(self) -> None:
        try:
            await self._end_call()
        except Exception:
            log.exception("could not hang up a call the booking service could not take")
        self.session.shutdown()
