"""Everything the agent says, in one place: short sentences written for the ear."""

from __future__ import annotations

GREET_NEW_CALL = "Thanks for calling. I can book, move or cancel appointments."
ASK_PHONE = "What's the phone number on your account?"
ASK_PHONE_FIRST = "Sure. First, what's your phone number?"
BAD_PHONE = (
    "Sorry, that doesn't sound like a valid phone number. "
    "Could you say it again, with the area code?"
)
PHONE_GIVE_UP = (
    "I still couldn't get a valid number. Please call back from your own phone, "
    "or ask for a callback."
)
ASK_NAME = "I don't have that number yet. What's your name?"
ASK_NAME_FIRST = "Sure. First, may I have your name?"
WHAT_NAME = "May I have your name?"
HOW_CAN_I_HELP = "How can I help you today?"
ANYTHING_ELSE = "Is there anything else I can help with?"
HELP = (
    "I can tell you what's free, book an appointment, read out your appointments, "
    "move one, or cancel one. What would you like?"
)
PROMPT = "Sure, what can I do for you?"
HELLO = "Hi there."
WELCOME = "You're welcome."
NEVER_MIND = "No problem, I've dropped that."
ASK_WHEN = "What day and time would suit you?"
ASK_MOVE_WHEN = "When would you like to move it to?"
WHICH_SLOT = "Which one works for you?"
WHICH_ONE = "Happy to. Which one would you like?"
CONFIRM_YES_NO = "Please say yes or no."
DECLINED = "Okay, I won't do that."
NOT_UNDERSTOOD = "Sorry, I didn't catch that."
OFFER_CALLBACK = (
    "I'm sorry, I'm having trouble understanding. I can take a message and have someone "
    "call you back. What would you like me to pass on?"
)
HUMAN = (
    "I can take a message and have someone from our team call you back. What should I tell them?"
)
WHAT_MESSAGE = "Go ahead: what message should I pass on?"
MESSAGE_TAKEN = "Thanks, I've passed that on. Someone will call you back at your number."
GOODBYE = "Thanks for calling. Goodbye!"
NO_APPOINTMENTS = "You don't have any upcoming appointments."
SLOT_TAKEN = "Sorry, {slot} was just taken by someone else."
STORE_DOWN = (
    "Sorry, I can't reach our calendar right now, so nothing was changed. "
    "Please try again in a moment."
)
NOTHING_FREE = "Sorry, I don't have anything free {wish}."
NOTHING_AT_ALL = "Sorry, I don't have any openings in the next few weeks."
NO_MORE = "That's everything I have for that time."
PAST = "That time has already passed."
CLOSED = "We're closed then."
OUTSIDE_HOURS = "That's outside our opening hours."
TOO_FAR = "That's further ahead than I can book."
TOO_SOON = "That's too soon for me to book."
WISH_TAKEN = "That time is already taken."
NO_MATCH = "I don't have anything that matches that."

REASONS = {
    "past": PAST,
    "closed": CLOSED,
    "outside_hours": OUTSIDE_HOURS,
    "beyond_horizon": TOO_FAR,
    "too_soon": TOO_SOON,
    "taken": WISH_TAKEN,
    "full": "That day is fully booked.",
    "no_match": NO_MATCH,
}
"""Why a wish could not be met, said before the nearest alternatives."""


def welcome_back(name: str | None) -> str:
    """Greet a known caller by name."""
    return f"Welcome back, {name}." if name else "Welcome back."


def nice_to_meet(name: str) -> str:
    """Greet a caller who just gave their name."""
    return f"Nice to meet you, {name}."


def offer(slots_said: str, *, matched: bool) -> str:
    """Offer slots, or the nearest alternatives."""
    lead = "I have" if matched else "The nearest I have is"
    return f"{lead} {slots_said}."


def confirm_book(slot: str) -> str:
    """Read back a booking before writing it."""
    return f"Just to confirm: book you for {slot}?"


def confirm_cancel(slot: str) -> str:
    """Read back a cancellation before writing it."""
    return f"Just to confirm: cancel your appointment on {slot}?"


def confirm_move(old: str, new: str) -> str:
    """Read back a move before writing it."""
    return f"Just to confirm: move your appointment from {old} to {new}?"


def booked(slot: str) -> str:
    """Confirm a booking."""
    return f"You're booked for {slot}."


def cancelled(slot: str) -> str:
    """Confirm a cancellation."""
    return f"Your appointment on {slot} is cancelled."


def moved(slot: str) -> str:
    """Confirm a move."""
    return f"Done. Your appointment is moved to {slot}."


def your_appointments(items: str, count: int) -> str:
    """Read out the caller's appointments."""
    noun = "appointment" if count == 1 else "appointments"
    return f"You have {count} upcoming {noun}: {items}."


def which_appointment(items: str) -> str:
    """Ask which appointment the caller means."""
    return f"Which appointment: {items}?"


def no_appointment_then(day: str) -> str:
    """Say the caller has nothing booked on the day they named."""
    return f"I don't see an appointment of yours on {day}."


def which_day(phrase: str) -> str:
    """Ask which day an ambiguous phrase means."""
    return f'Sorry, I\'m not sure which day you mean by "{phrase}". Could you give me the date?'


def back_to(question: str) -> str:
    """Return to the pending question after a digression."""
    return f"Now, back to where we were: {question}"
