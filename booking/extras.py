"""Optional providers: a missing one is a sentence naming the extra to install, not a traceback.

The core install (`pip install booking-agent`) is the text agent on SQLite with rule
understanding. Each provider comes with an extra of `pyproject.toml` and is imported only
where it is used, inside `needs(...)`:

| extra | brings | needed for |
| --- | --- | --- |
| `voice` | livekit-agents, livekit-api | `voice_bridge.py` |
| `avatar` | LiveKit's Bey and Tavus plugins (and `voice`) | `VOICE_AVATAR=bey` or `tavus` |
| `postgres` | psycopg, langgraph-checkpoint-postgres | `DATABASE_URL`, `booking db migrate` |
| `supabase` | supabase | `SUPABASE_URL` + `SUPABASE_KEY` |
| `llm` | langchain-openai | `OPENAI_API_KEY` |
| `analysts` | fastapi, uvicorn, jinja2 | `booking threads serve` |
| `tokens` | fastapi, uvicorn, redis, livekit-api | `token_api.py` |
| `notify` | twilio, icalendar, fastapi, uvicorn | `booking notify run`, SMS replies |
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

OWN_PACKAGES = frozenset(
    {"analysts", "bench", "booking", "business", "graph", "nodes", "store", "tests", "tokens"}
    | {"voice", "voice_bridge", "token_api"}
)
"""A module of ours that is missing is a bug to see in full, never an extra to install."""


class MissingExtra(RuntimeError):
    """An optional provider is not installed; the message says which extra brings it."""


def install_line(extra: str) -> str:
    """Return the command that installs an extra into this project's environment."""
    return f"pip install 'booking-agent[{extra}]'"


@contextmanager
def needs(extra: str, what: str) -> Iterator[None]:
    """Turn a missing third-party module imported inside into `MissingExtra` naming `extra`."""
    try:
        yield
    except ModuleNotFoundError as error:
        missing = error.name or "a module"
        if missing.partition(".")[0] in OWN_PACKAGES:
            raise
        raise MissingExtra(
            f"{what} needs {missing}, which is not installed; install the {extra!r} extra:"
            f" {install_line(extra)}"
        ) from None
