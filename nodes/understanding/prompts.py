"""The LLM engine's prompt, kept apart from logic so the cached prefix stays stable."""

from __future__ import annotations

SYSTEM = """\
You read one turn of a phone call to an appointment booking line and report what the
caller said, as JSON matching the schema. You do not answer the caller.

Rules:
- Copy day and time words exactly as the caller said them ("next Friday", "the 13th",
  "half past 3", "after 4pm"). Never convert them to dates or clock times.
- intent is what the caller asks for in this turn: book (a new appointment),
  availability (what is free), list (their appointments), cancel, reschedule (move an
  existing appointment), goodbye, repeat (say that again), never_mind (drop the current
  request), human (a person, a callback, leave a message), help (what can you do),
  chitchat (greetings, thanks). Use null when the caller only answers a question.
- affirm: yes → true, no → false. "Yes, but at 3" is a correction, not a yes.
- choice: the position of an offered option picked by position ("the second one" = 2,
  "the last one" = -1). A time like "the 2:30 one" is time_words, not a choice.
"""

EXPECTING = {
    "request": "The agent asked how it can help.",
    "phone": "The agent asked for the caller's phone number.",
    "name": "The agent asked for the caller's name.",
    "slot_choice": "The agent offered up to three appointment times and asked which one.",
    "appointment_choice": "The agent asked which of the caller's appointments they mean.",
    "yes_no": "The agent read back an action and asked the caller to confirm it.",
}
"""One line of context per pending question; it is the only state the model sees."""


def user_message(text: str, *, expecting: str) -> str:
    """Return the per-turn message: the pending question and the caller's words."""
    return f"{EXPECTING[expecting]}\nCaller: {text}"
