"""E-mail addresses as callers say or type them: "sam dot lee at gmail dot com".

Speech-to-text gives an address either written ("sam.lee@gmail.com") or spelled out in
words ("sam dot lee at gmail dot com", "s a m underscore lee at example dot co dot uk").
Both are turned into one address and checked for its shape; anything that does not come
out as one plausible address is None, and the caller is asked again rather than an
address guessed.
"""

from __future__ import annotations

import re

MAX_EMAIL_CHARS = 254
"""The longest address SMTP allows."""

_WORDS = (
    (r"\s+at\s+", "@"),
    (r"\s+(?:dot|period|point)\s+", "."),
    (r"\s+(?:underscore)\s+", "_"),
    (r"\s+(?:dash|hyphen|minus)\s+", "-"),
    (r"\s+plus\s+", "+"),
)
_SHAPE = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
)
_FILLER = re.compile(
    r"^(?:(?:yes|yeah|sure|ok|okay|it'?s|it is|my e-?mail(?: address)? is|e-?mail(?: me)?"
    r"(?: at)?|send it to|you can use|use)\b[\s,:]*)+",
    re.IGNORECASE,
)


def find_email(text: str) -> str | None:
    """Return the one e-mail address in `text` (lower-cased), or None."""
    said = _FILLER.sub("", text.strip().lower()).strip(" .,!?")
    written = _SHAPE.findall(said)
    if len(written) == 1 and len(written[0]) <= MAX_EMAIL_CHARS:
        return str(written[0])
    if len(written) > 1:
        return None  # two addresses: which one is not ours to pick
    spoken = f" {said} "
    for words, mark in _WORDS:
        spoken = re.sub(words, mark, spoken)
    # letters spelled one by one ("s a m") and stray spaces close up
    squeezed = re.sub(r"\s+", "", spoken)
    if squeezed.count("@") != 1:
        return None
    if _SHAPE.fullmatch(squeezed) is None or len(squeezed) > MAX_EMAIL_CHARS:
        return None  # "sam at gmail" with no ".com" is not an address yet
    return squeezed
