"""`booking threads replay`, `forks` and `serve`: what-if forks and the web page."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TextIO

from analysts.forks import default_forks_dir, forks
from analysts.replay import ReplayError, replay
from analysts.sandbox import SandboxUnavailable
from booking.cli.common import locale_of
from booking.compose import composer, parts_from
from booking.databases import Database
from booking.extras import needs
from booking.settings import Settings
from store.errors import StoreUnavailable
from store.privacy import mask_phones, masked


def run_serve(args: argparse.Namespace, database: Database, *, settings: Settings) -> int:
    """Serve the read-only page until interrupted; refuse an open host without a secret."""
    # FastAPI and jinja2 load only for `serve`, not for every `threads` command (~0.17 s),
    # and only an install with the analysts extra has them.
    with needs("analysts", "booking threads serve"):
        from analysts.web import UnsafeHost, serve  # noqa: PLC0415 (above)

    secret = settings.analysts_secret
    try:
        serve(
            database,
            host=args.host,
            port=args.port,
            secret=secret.get_secret_value() if secret else None,
            locale=locale_of(settings),
        )
    except UnsafeHost as error:
        print(f"booking threads serve: {error}", file=sys.stderr)
        return 2
    return 0


def run_forks(
    args: argparse.Namespace, database: Database, out: TextIO, *, settings: Settings
) -> int:
    """`replay`: fork and print the agent's answers; `forks`: list the replays made."""
    folder = args.forks_dir or default_forks_dir(database)
    if args.action == "forks":
        for made in forks(folder):
            said = " / ".join(made.utterances)
            print(
                f"{made.thread_id}  of {made.parent} at {made.checkpoint_id}"
                f"  {made.created_at[:19]}  said: {mask_phones(said)}",
                file=out,
            )
        return 0
    compose = composer(**parts_from(settings))
    try:
        with needs("postgres", "booking threads replay of a Postgres store"):
            fork = replay(
                database,
                args.thread,
                checkpoint_id=args.checkpoint,
                say=args.say,
                forks_dir=folder,
                compose=compose,
            )
    except (ReplayError, SandboxUnavailable, StoreUnavailable) as error:
        print(f"booking threads replay: {error}", file=sys.stderr)
        return 1
    if args.json:
        spoken = {key: masked(asdict(fork)[key]) for key in ("utterances", "replies", "unsaid")}
        print(json.dumps({**asdict(fork), **spoken}, indent=2), file=out)
        return 0
    print(
        f"fork {fork.thread_id} of {fork.parent} at checkpoint {fork.checkpoint_id}"
        f" (clock {fork.clock})",
        file=out,
    )
    for said, answer in zip(fork.utterances, fork.replies, strict=True):
        print(f"caller: {mask_phones(said)}\nagent: {mask_phones(answer)}", file=out)
    for said in fork.unsaid:
        print(f"(not said, the call had ended: {mask_phones(said)})", file=out)
    print(f"sandbox store: {fork.sandbox} (real appointments untouched)", file=out)
    return 0
