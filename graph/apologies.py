"""What the turn protocol (`graph.conversation`) says when a step fails; nodes never say these."""

BOOK_UNREACHABLE = (
    "Sorry, I can't reach the appointment book right now, so nothing has been changed."
)
"""A turn that could not be saved: the call is where it was, and its question is asked again."""
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side, so nothing has been changed."
"""A turn that failed for another reason; its question is asked again."""
TRY_AGAIN_SOON = "Please try again in a moment."
"""Said after either of the two above when the pending question is not known."""
STILL_FINISHING = (
    "Sorry, I can't reach the appointment book right now to finish that. "
    "Please stay on the line and say anything in a moment, and I'll tell you how it went."
)
"""A turn that may have written but could not finish: the next turn finishes it first."""
