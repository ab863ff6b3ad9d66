"""A silent caller: ask "Are you still there?" once, then end the call politely.

LiveKit 1.8.9 marks the caller "away" (`user_state_changed`) after the session's
`user_away_timeout` of silence on both sides, and keeps them "away" until they speak
again, so the prompt is said once per quiet spell. The hang-up wait starts when the
prompt has been played; any sign of the caller (leaving "away") cancels it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from livekit.agents import UserStateChangedEvent
from livekit.agents.voice import SpeechHandle


class SilenceWatch:
    """Turn "away" into a prompt, and a prompt left unanswered into a polite goodbye."""

    def __init__(
        self,
        *,
        hangup_after: float,
        prompt: Callable[[], SpeechHandle | None],
        give_up: Callable[[], None],
    ) -> None:
        """`prompt` says "Are you still there?"; `give_up` says goodbye and ends the call."""
        self._hangup_after = hangup_after
        self._prompt = prompt
        self._give_up = give_up
        self._spell = 0
        """Counts quiet spells, so a prompt answered meanwhile starts no timer."""
        self._timer: asyncio.TimerHandle | None = None

    def on_user_state(self, event: UserStateChangedEvent) -> None:
        """React to LiveKit's user state: "away" prompts, anything after it cancels."""
        if event.new_state == "away":
            spell = self._spell
            handle = self._prompt()
            if handle is not None:
                handle.add_done_callback(lambda _: self._wait(spell))
        elif event.old_state == "away" or event.new_state == "speaking":
            self.cancel()

    def cancel(self) -> None:
        """Forget the current quiet spell (the caller spoke, or the call is ending)."""
        self._spell += 1
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _wait(self, spell: int) -> None:
        if spell == self._spell and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._hangup_after, self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._give_up()
