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
from booking.backends import Backend
from booking.masking import mask_phones, masked
from booking.settings import get_settings
from store.errors import StoreUnavailable


def run_serve(args: argparse.Namespace, backend: Backend) -> int:
    """Serve the read-only page until interrupted; refuse an open host without a secret."""
    # FastAPI and jinja2 load only for `serve`, not for every `threads` command (~0.17 s).
    from analysts.web import UnsafeHost, serve  # noqa: PLC0415 (start-up cost, above)

    secret = get_settings().analysts_secret
    try:
        serve(
            backend,
            host=args.host,
            port=args.port,
            secret=secret.get_secret_value() if secret else None,
        )
    except UnsafeHost as error:
        print(f"booking threads serve: {error}", file=sys.stderr)
        return 2
    return 0


def run_forks(args: argparse.Namespace, backend: Backend, out: TextIO) -> int:
    """`replay`: fork and print the agent's answers; `forks`: list the replays made."""
    folder = args.forks_dir or default_forks_dir(backend)
    if args.action == "forks":
        for made in forks(folder):
            said = " / ".join(made.utterances)
            print(
                f"{made.thread_id}  of {made.parent} at {made.checkpoint_id}"
                f"  {made.created_at[:19]}  said: {mask_phones(said)}",
                file=out,
            )
        return 0
    try:
        fork = replay(
            backend, args.thread, checkpoint_id=args.checkpoint, say=args.say, forks_dir=folder
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
