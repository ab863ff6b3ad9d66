"""When a configured secret is too weak to guard anything: one rule for every secret we check.

Used for the token server's LiveKit and client secrets and for the analysts' page password.
The rule catches mistakes, not a determined operator: placeholders, short values, stray
whitespace from a copy and paste, and a character or a short pattern repeated.
"""

from __future__ import annotations

MIN_SECRET_CHARS = 32
MIN_DISTINCT_CHARS = 8
"""A random 32-character secret has about 20 distinct characters; 'abcd' * 8 has 4."""
MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
_PLACEHOLDERS = frozenset(
    {
        "secret",
        "changeme",
        "change-me",
        "change_me",
        "password",
        "devkey",
        "devsecret",
        "apikey",
        "api_key",
        "apisecret",
        "api_secret",
        "test",
        "example",
        "placeholder",
        "todo",
        "xxx",
        "none",
        "null",
    }
)


class WeakSecret(Exception):
    """A configured secret is too weak; the message names the setting, never the value.

    Deliberately not a ValueError: raised inside a pydantic validator, a ValueError would be
    wrapped into a ValidationError whose text repeats the rejected secret.
    """


def is_placeholder(value: str) -> bool:
    """Tell whether a configured value is empty or an obvious stand-in."""
    lowered = value.strip().lower()
    return (
        not lowered
        or lowered in _PLACEHOLDERS
        or lowered.startswith(("your", "<", "{{", "${"))
        or "changeme" in lowered.replace("-", "").replace("_", "")
        or "placeholder" in lowered
        or len(set(lowered)) == 1
    )


def weakness(secret: str) -> str | None:
    """Say why `secret` is too weak (a phrase after 'it'), or None when it will do."""
    if is_placeholder(secret):
        return "is empty, blank, a placeholder or one character repeated"
    if secret != secret.strip():
        # HTTP strips a header value's outer whitespace, so such a secret could never match.
        return "starts or ends with whitespace"
    if len(secret) < MIN_SECRET_CHARS:
        return f"is shorter than {MIN_SECRET_CHARS} characters"
    if len(set(secret)) < MIN_DISTINCT_CHARS:
        return f"uses fewer than {MIN_DISTINCT_CHARS} different characters"
    if (secret + secret).find(secret, 1) < len(secret):
        return "repeats a shorter pattern"
    return None


def weak_secret_sentence(name: str, secret: str) -> str | None:
    """Return the sentence refusing setting `name` with how to make a good one, or None."""
    why = weakness(secret)
    if why is None:
        return None
    return f"{name} {why}; make a strong one with: {MAKE_ONE}"
