"""`booking notify run [--once]`: deliver confirmations, reminders and callbacks owed.

The worker (`booking.notify.worker`) on the configured store, opened in the business's
timezone, under a name no other process has. `--once` delivers what is due and exits;
otherwise it looks again every NOTIFY_POLL_SECONDS until SIGTERM or SIGINT, finishing the
notice in hand. A channel configured without what it needs is one line each on stderr
and exit status 2, before anything is sent. Run as many as you like: leases keep two
workers from sending one notice.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import Any

from booking.cli.common import db_of
from booking.compose import system_clock
from booking.databases import Database
from booking.extras import needs
from booking.settings import Settings

log = logging.getLogger(__name__)


def add_parser(sub: Any, database: argparse.ArgumentParser) -> None:
    """Add `booking notify` and its action to the `booking` parser."""
    notify = sub.add_parser(
        "notify", parents=[database], help="deliver confirmations, reminders and callbacks"
    )
    notify.set_defaults(command=command)
    actions = notify.add_subparsers(dest="action", required=True)
    run = actions.add_parser(
        "run", parents=[database], help="deliver notices as they fall due, until stopped"
    )
    run.add_argument("--once", action="store_true", help="deliver what is due now, then exit")


def command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `booking notify run` on the configured database (or `--db`)."""
    with needs("notify", "booking notify"):
        from booking.notify.settings import get_notify_settings  # noqa: PLC0415 (optional extra)
        from booking.notify.setup import worker_from, worker_name  # noqa: PLC0415 (the same)

    notify = get_notify_settings()
    if problems := notify.problems():
        for problem in problems:
            print(f"booking notify: {problem}", file=sys.stderr)
        return 2
    database = Database.from_settings(settings, sqlite_path=db_of(args))
    calendar = settings.calendar()
    with database.open_store() as store:
        worker = worker_from(
            notify, store, calendar=calendar, clock=system_clock, name=worker_name()
        )
        if args.once:
            rounds = worker.drain()
            print(
                f"booking notify: {sum(r.sent for r in rounds)} sent,"
                f" {sum(r.skipped for r in rounds)} skipped,"
                f" {sum(r.retried for r in rounds)} to retry,"
                f" {sum(r.failed for r in rounds)} given up"
            )
            return 0
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        log.info("notice worker %s started", worker.name)
        worker.run(stop, every=notify.notify_poll_seconds)
        log.info("notice worker %s stopped", worker.name)
    return 0
