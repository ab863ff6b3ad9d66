"""Everything the voice door says on its own; the graph's sentences live in nodes/phrases.py."""

from __future__ import annotations

FILLER = "One moment while I check the calendar."
"""Said when a graph step runs past the filler threshold, before the reply itself."""

STILL_THERE = "Are you still there?"
"""Said once when the caller has been silent for the silence-prompt time."""

SILENCE_GOODBYE = (
    "I haven't heard anything, so I'll end the call now. Please call back anytime. Goodbye!"
)
"""Said when the caller stays silent after the prompt; the call then ends."""

TROUBLE = "Sorry, something went wrong on my side. Could you say that again?"
"""Said when a graph step fails unexpectedly; nothing was checkpointed, so a retry is safe."""

TOO_SLOW = "Sorry, this is taking longer than it should. I'll tell you as soon as it's done."
"""Said when a graph step runs past the step timeout; its reply is said once it is done."""

CANT_OPEN = "Sorry, I'm having trouble on my side. Please say hello again in a moment."
"""Said when the call cannot be opened on the graph (its databases are down); retried next turn."""

UNAVAILABLE = (
    "Sorry, I can't reach the appointment book right now, so I can't take your call. "
    "Please call back in a few minutes. Goodbye!"
)
"""Said when a call cannot be opened at all (its databases are down); the call then ends."""
