"""The LLM engine's prompt, kept apart from logic so the cached prefix stays stable.

A prompt is three parts, most stable first, so every turn of a day shares one prefix
that the API can cache: the rules (never change), the dated calendar (changes once a
day), then the pending question and the caller's words (every turn).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

SYSTEM = """\
You read one turn of a phone call to an appointment booking line and report what the
caller said, as JSON matching the schema. You do not answer the caller.

Rules:
- day_words and time_words: the caller's day and time words copied exactly ("next
  Friday", "the 13th", "half past 3", "after 4pm"). Never convert them.
- day: the date the caller means, as written in the calendar below. For a span of days
  ("next week", "this weekend", "in December") give first_day and last_day instead and
  leave day null. Leave all three null when no day is named, when the words point back
  to a day said before ("that day", "the same day"), or when you cannot tell which day
  is meant. Never a date that is not in the calendar.
- Days, as this line reads them: "Friday" or "this Friday" is the next Friday counting
  today; "next Friday" is the first Friday after today; "Friday next week" is the Friday
  of next week; "the 13th" is this month's, or next month's once it has passed. Weeks
  run Monday to Sunday; "this week" starts today.
- intent is what the caller asks for in this turn: book (a new appointment),
  availability (what is free), list (their appointments), cancel, reschedule (move an
  existing appointment), goodbye, repeat (say that again), never_mind (drop the current
  request), human (a person, a callback, leave a message), help (what can you do),
  chitchat (greetings, thanks). Use null when the caller only answers a question.
- affirm: yes → true, no → false. "Yes, but at 3" is a correction, not a yes.
- choice: the position of an offered option picked by position ("the second one" = 2,
  "the last one" = -1). A time like "the 2:30 one" is time_words, not a choice.
"""

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

CALENDAR_DAYS = 70
"""Ten weeks: more than the default 60-day booking horizon, a few hundred tokens."""

EXPECTING = {
    "request": "The agent asked how it can help.",
    "phone": "The agent asked for the caller's phone number.",
    "name": "The agent asked for the caller's name.",
    "slot_choice": "The agent offered up to three appointment times and asked which one.",
    "appointment_choice": "The agent asked which of the caller's appointments they mean.",
    "yes_no": "The agent read back an action and asked the caller to confirm it.",
}
"""One line of context per pending question; it is the only state the model sees."""


@lru_cache(maxsize=4)
def system_prompt(today: date, days: int = CALENDAR_DAYS) -> str:
    """Return the rules and the calendar from `today`: the same text all day long."""
    return f"{SYSTEM}\n{calendar(today, days)}"


def calendar(today: date, days: int = CALENDAR_DAYS) -> str:
    """Return today's date and one "Wed 2026-11-25" line per day, a blank line per week."""
    # Named by hand, not strftime: %a follows the process locale.
    lines = [f"Today is {WEEKDAYS[today.weekday()]} {today.isoformat()}. Calendar:"]
    for offset in range(days):
        day = today + timedelta(days=offset)
        if offset and day.weekday() == 0:
            lines.append("")  # a week's break makes "next week" a visible block
        lines.append(f"{WEEKDAYS[day.weekday()]} {day.isoformat()}")
    return "\n".join(lines)


def user_message(text: str, *, expecting: str) -> str:
    """Return the per-turn message: the pending question and the caller's words."""
    return f"{EXPECTING[expecting]}\nCaller: {text}"
