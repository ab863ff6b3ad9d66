"""Everything the agent says, in one place: short sentences written for the ear."""

from __future__ import annotations

GREET_NEW_CALL = "Thanks for calling. I can book, move or cancel appointments."


def on(day: str) -> str:
    """Put "on" before a day said aloud, but not before "today, ..." or "tomorrow, ..."."""
    return day if day.startswith(("today", "tomorrow")) else f"on {day}"


def greet_new_call(business: str) -> str:
    """Open a call, naming the business when it has a name."""
    if not business:
        return GREET_NEW_CALL
    return f"Thanks for calling {business}. I can book, move or cancel appointments."


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
"""Only after a number the caller said; a caller ID they never said gets NEW_CALLER."""
NEW_CALLER = "I don't think we've spoken before. What's your name?"
ASK_NAME_FIRST = "Sure. First, may I have your name?"
VERIFY_NAME = "Thanks. To keep your account safe, what's the full name on it?"
"""Asked after a spoken number of an existing account: the name is not said to the caller."""
VERIFY_DAY = "And what's the date of your next appointment with us?"
"""The second check; "I don't have one" is the right answer for an account with none."""
VERIFY_AGAIN = (
    "Sorry, that doesn't match what I have. Let's try once more: "
    "what's the full name on the account?"
)
VERIFY_FIRST = "Sure. First I need to check it's your account: what's the full name on it?"
VERIFY_REFUSED = (
    "Sorry, I couldn't confirm the account, so I can't look at or change it on this call. "
    "I can take a message and have someone call back the number on the account. "
    "What would you like me to pass on?"
)
ACCOUNT_LOCKED = (
    "For its safety, that account can't be opened by phone right now. I can take a message "
    "and have someone call back the number on the account. What would you like me to pass on?"
)
VERIFY_LOCKED = (
    "I couldn't confirm that account earlier in this call, so I can't open it now. "
    "I can take a message for a callback to the number on the account. What should I pass on?"
)
WHAT_NAME = "May I have your name?"
HOW_CAN_I_HELP = "How can I help you today?"
ABOUT_THAT = "Is this about that?"
"""Asked after a returning caller hears their next appointment at the greeting."""
MOVE_OR_CANCEL = "Sure. Would you like to move it or cancel it?"
WHAT_INSTEAD = "No problem. What can I do for you?"
ANYTHING_ELSE = "Is there anything else I can help with?"
CAN_DO = (
    "I can tell you what's free, book an appointment, read out your appointments, "
    "move one, or cancel one."
)
HELP = f"{CAN_DO} What would you like?"
PROMPT = "Sure, what can I do for you?"
WHAT_CAN_I_DO = "What can I do for you?"
"""PROMPT's question, re-asked on its own: a re-ask never answers as if understood."""
HELLO = "Hi there."
WELCOME = "You're welcome."
NEVER_MIND = "No problem, I've dropped that."
ASK_WHEN = "What day and time would suit you?"
ASK_OTHER_WHEN = "What other day or time would suit you?"
ASK_MOVE_WHEN = "When would you like to move it to?"
WHICH_SLOT = "Which one works for you?"
HAPPY_TO = "Happy to."
NO_PROBLEM = "No problem."
CONFIRM_YES_NO = "Please say yes or no."
DECLINED = "Okay, I won't do that."
NOT_UNDERSTOOD = "Sorry, I didn't catch that."
LOST_TRACK = "Sorry, I lost track of where we were, so I haven't changed anything."
NOT_UNDERSTOOD_INSTEAD = (
    "Sorry, I didn't catch what you'd like instead. I can book, move or cancel an "
    "appointment. What would you like to do?"
)
"""After a no that carries something we could not read: the call goes on, nothing assumed."""
OFFER_CALLBACK = (
    "I'm sorry, I'm having trouble understanding. I can take a message and have someone "
    "call you back. What would you like me to pass on?"
)
HUMAN = (
    "I can take a message and have someone from our team call you back. What should I tell them?"
)
WHAT_MESSAGE = "Go ahead: what message should I pass on?"
ASK_EMAIL = "What e-mail address should I send the confirmation to?"
EMAIL_AGAIN = "Sorry, I didn't catch that address. Could you say it again, slowly?"
EMAIL_WRONG = "Sorry about that. What's the right address?"
EMAIL_SAVED = "Thanks, the confirmation is on its way to you by e-mail."
NO_EMAIL = "No problem, I won't send one."


def email_read_back(address: str) -> str:
    """Read an address back as it is said aloud, for a yes before it is kept."""
    spoken = address.replace(".", " dot ").replace("@", " at ").replace("_", " underscore ")
    return f"I have {' '.join(spoken.split())}. Is that right?"


REFUSED_CALLBACK_NEED = (
    "Someone called with this account's number but could not confirm the account; call the "
    "owner back on the number on record."
)
"""What a callback owed after a failed identity check says to the staff who read it."""
TRANSFERRING = "Of course. I'm putting you through to a person now; please hold."
TRANSFER_AFTER_TROUBLE = (
    "Sorry, I'm having trouble understanding. I'm putting you through to a person now; please hold."
)
TRANSFER_FAILED = (
    "Sorry, I couldn't put you through just now. I can take a message and have someone "
    "call you back: what should I pass on?"
)
MESSAGE_TAKEN = "Thanks, I've passed that on. Someone will call you back at your number."
GOODBYE = "Thanks for calling. Goodbye!"
NO_APPOINTMENTS = "You don't have any upcoming appointments."
SLOT_TAKEN = "Sorry, {slot} was just taken by someone else."
SLOT_TOO_SOON = "Sorry, {slot} is now too soon for me to book."
SLOT_GONE = "Sorry, I can no longer book {slot}."
"""The calendar refuses a slot read back earlier (the time went by while we talked)."""
STORE_DOWN = (
    "Sorry, I can't reach our calendar right now, so nothing was changed. "
    "Please try again in a moment."
)
WRITE_UNSURE = (
    "Sorry, I lost the connection to our calendar while saving that, so I can't tell yet "
    "whether it went through. Say yes and I'll check and finish it."
)
NOTHING_FREE = "Sorry, I don't have anything free {wish}."
NOTHING_AT_ALL = "Sorry, I don't have any openings in the next few weeks."
NO_MORE = "That's everything I have for that time."
NOT_BOOKED_THEN = "I don't see an appointment of yours then."
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
    "offered": NO_MORE,
    "no_match": NO_MATCH,
}
"""Why a wish could not be met, said before the nearest alternatives."""


def booked_next(appointment: str) -> str:
    """Tell a returning caller the appointment they are booked for next."""
    return f"I see you're booked for {appointment}."


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
    return f"Just to confirm: cancel your appointment {on(slot)}?"


def confirm_move(old: str, new: str) -> str:
    """Read back a move before writing it."""
    return f"Just to confirm: move your appointment from {old} to {new}?"


def booked(slot: str) -> str:
    """Confirm a booking."""
    return f"You're booked for {slot}."


def cancelled(slot: str) -> str:
    """Confirm a cancellation."""
    return f"Your appointment {on(slot)} is cancelled."


def moved(slot: str) -> str:
    """Confirm a move."""
    return f"Done. Your appointment is moved to {slot}."


def too_many(count: int) -> str:
    """Refuse another booking to a caller at the limit of upcoming appointments."""
    return (
        f"You already have {count} upcoming appointments, which is the most I can book. "
        "I can move or cancel one of them instead."
    )


def your_appointments(items: str, count: int) -> str:
    """Read out the caller's appointments."""
    noun = "appointment" if count == 1 else "appointments"
    return f"You have {count} upcoming {noun}: {items}."


def which_appointment(items: str) -> str:
    """Ask which appointment the caller means."""
    return f"Which appointment: {items}?"


def no_appointment_then(day: str) -> str:
    """Say the caller has nothing booked on the day they named."""
    return f"I don't see an appointment of yours {on(day)}."


def which_day(time_said: str | None) -> str:
    """Ask which day was meant, with the time already understood, if any."""
    return f"Which day did you mean for {time_said}?" if time_said else "Which day did you mean?"


def sorry(question: str) -> str:
    """Ask a question apologetically: "Sorry, which day did you mean?"."""
    return f"Sorry, {question[0].lower()}{question[1:]}"


def is_it_day(day: str) -> str:
    """Ask whether an uncertain day phrase means the likeliest day ("Thursday, November 26th")."""
    return f"Which day is that: {day}?"


def other_reading(first: str, second: str) -> str:
    """Ask about the other reading of "next Friday" when only it can be booked."""
    return f"I have nothing free {on(first)}. Did you mean {second}?"


def too_far(last_day: str) -> str:
    """Refuse a day beyond the booking horizon, saying how far ahead we book."""
    return f"That's further ahead than I can book: I can book up to {last_day}."


def off_grid(slot_minutes: int) -> str:
    """Say why a time between slot starts cannot be had ("a quarter past nine")."""
    every = {60: "on the hour", 30: "on the hour and half hour", 15: "every quarter hour"}
    return f"We book {every.get(slot_minutes, f'every {slot_minutes} minutes')}."


def too_long(what: str, length: str) -> str:
    """Say why a service cannot start at the wished time: it would run past closing."""
    return f"{what[:1].upper()}{what[1:]} takes {length}, so it can't start that late."


def cannot_do(person: str, what: str) -> str:
    """Say the person asked for does not do the service (others who do are offered)."""
    return f"{person} doesn't do {what}."


def person_busy(person: str, *, off: bool) -> str:
    """Say the person asked for is booked, or not working, at the wished time."""
    return f"{person} isn't working then." if off else f"{person} is booked then."


def booked_then(slot: str) -> str:
    """Confirm an appointment the caller asked us to confirm."""
    return f"Yes, you're booked for {slot}."


def back_to(question: str) -> str:
    """Return to the pending question after a digression."""
    return f"Now, back to where we were: {question}"
