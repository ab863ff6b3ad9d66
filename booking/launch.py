"""The commands of an installed copy: `booking`, `booking-voice` and `booking-tokens`.

An installed copy keeps the project's top-level folders (graph, nodes, store, ...) inside
one directory, `booking_agent/`, so installing it adds no generic top-level package to
site-packages and clobbers no other distribution's. Each command puts that directory on
its own process's import path, then runs as a checkout would. A checkout run in place
(`./dev`, `python voice_bridge.py`, pytest) has the folders on its path already.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1]
"""The directory holding graph/, nodes/, store/, ...: the checkout, or booking_agent/."""


def on_path() -> None:
    """Make the project's folders importable in this process (and the workers it spawns)."""
    if str(APP) not in sys.path:
        sys.path.insert(0, str(APP))


def booking() -> int:
    """`booking`: the command line (chat, scenarios, threads, db ...)."""
    on_path()
    from booking.cli import main  # noqa: PLC0415  # importable only after on_path()

    return main()


def voice() -> None:
    """`booking-voice`: the LiveKit worker (`booking-voice dev|start|console`)."""
    on_path()
    import voice_bridge  # noqa: PLC0415  # importable only after on_path()

    voice_bridge.main()


def tokens() -> None:
    """`booking-tokens`: the token server for web and app callers."""
    on_path()
    import token_api  # noqa: PLC0415  # importable only after on_path()

    token_api.main()
