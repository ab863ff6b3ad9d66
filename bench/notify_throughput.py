"""Benchmark messages delivered per second by the notice worker, Postgres to a local SMTP.

    python -m bench.notify_throughput                 # throwaway DB from tests/pg.py
    python -m bench.notify_throughput --messages 1000 --batch 20 --runs 5
    DATABASE_URL=postgresql://... python -m bench.notify_throughput --keep-url

Each run owes `--messages` booking confirmations (one INSERT of as many appointments of a
caller with an e-mail address: the trigger writes their notices), then 1 and then 4
`booking.notify.worker.Worker`s, each with its own PostgresStore, deliver them by e-mail,
one SMTP connection per message as the worker makes, to an aiosmtpd server in this
process that accepts and counts them; the figure is messages / wall time, the median of
the runs is reported. The baseline, in the same run against the same server, sends the
same messages (worded, with their calendar file, as the worker words them) straight to
SMTP from as many threads, with no outbox: no claim, no reads of the appointment and the
caller, no delivery recorded, no finish. The ratio is what the outbox costs a message.

The SMTP server shares this process (and its GIL) with the senders in both measurements;
a real server elsewhere adds its network round trips to both, so the ratio here is the
least favourable one. With --keep-url the database DATABASE_URL names must be migrated;
the bench writes a user with a +1999… number and its appointments, and removes them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bench.concurrent import rate
from bench.pg import add_keep_url, bench_database, clear_caller, owe_bookings
from booking.notify.channels import Contact
from booking.notify.settings import NotifySettings
from booking.notify.smtp import SmtpChannel
from booking.notify.worker import Wording, Worker
from business.calendar import BusinessCalendar
from store.models import Notice
from store.postgres import PostgresStore
from tests.servers import free_port

PHONE = "+19990000002"
EMAIL = "bench@example.com"
WORDING = Wording(calendar=BusinessCalendar(name="Bench"), business="Bench")


class Count:
    """An SMTP handler that accepts every message and counts them."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received += 1
        return "250 OK"


def owe(url: str, count: int) -> None:
    """Clear what an earlier run left, then owe `count` confirmations to one caller."""
    with psycopg.connect(url, autocommit=True) as c, c.transaction():
        clear_caller(c, PHONE)
        owe_bookings(c, phone=PHONE, email=EMAIL, count=count)


def through_worker(url: str, smtp: SmtpChannel, workers: int, batch: int) -> float:
    """Deliver what is owed with `workers` workers; return messages per second."""
    stores = [PostgresStore(url, max_size=1) for _ in range(workers)]
    now = datetime.now(UTC) + timedelta(seconds=1)  # every confirmation is due by then
    crew = [
        Worker(
            store=store,
            channels=[smtp],
            wording=WORDING,
            clock=lambda: now,
            name=f"bench-{i}",
            batch=batch,
            reminders=(),
        )
        for i, store in enumerate(stores)
    ]
    try:
        return rate(workers, lambda i: sum(r.sent for r in crew[i].drain()))
    finally:
        for store in stores:
            store.close()


def straight(url: str, smtp: SmtpChannel, workers: int, batch: int) -> float:
    """Send the same messages straight to SMTP from `workers` threads; return messages/s."""
    with PostgresStore(url, max_size=1) as store:
        user = store.find_user_by_phone(PHONE)
        assert user is not None
        owed = store.appointments_between(
            datetime(2031, 1, 1, tzinfo=UTC), datetime(2032, 1, 1, tzinfo=UTC)
        )
        wording = Worker(store=store, channels=[], wording=WORDING, clock=_now, name="-")
        contact = Contact(phone=user.phone, name=user.name, email=user.email)

        def work(i: int) -> int:
            mine = owed[i::workers]
            for appointment in mine:
                notice = Notice("-", appointment.id, "booked", due_at=_now())
                smtp.send(contact, wording.outgoing(notice, appointment, contact))
            return len(mine)

        return rate(workers, work)


def _now() -> datetime:
    return datetime.now(UTC)


def measure(
    url: str,
    send: Callable[[str, SmtpChannel, int, int], float],
    smtp: SmtpChannel,
    counted: Count,
    **shape: Any,
) -> float:
    """Owe `messages` afresh and return the rate `send` delivers them at (all of them)."""
    owe(url, shape["messages"])
    before = counted.received
    got = send(url, smtp, shape["workers"], shape["batch"])
    assert counted.received - before == shape["messages"], "every message, once"
    return got


def main(argv: list[str] | None = None) -> int:
    """Print messages/s through the worker and straight to SMTP, 1 and 4 workers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    add_keep_url(parser)
    args = parser.parse_args(argv)
    counted, port = Count(), free_port()
    server = Controller(counted, hostname="127.0.0.1", port=port)
    server.start()
    smtp = SmtpChannel(
        NotifySettings(  # type: ignore[call-arg]  # pydantic-settings' own keyword
            _env_file=None,
            notify_channels=("email",),
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="plain",
            smtp_from="bench@bench.example",
        )
    )
    try:
        with bench_database(args.keep_url) as url:
            try:
                print(f"$ python -m bench.notify_throughput {' '.join(argv or sys.argv[1:])}")
                print(f"{args.messages} e-mails a run, batches of {args.batch}, {args.runs} runs")
                for workers in (1, 4):
                    shape = {"messages": args.messages, "batch": args.batch, "workers": workers}
                    measure(url, through_worker, smtp, counted, **shape)  # warm-up
                    ours, floor = [], []
                    for _ in range(args.runs):
                        ours.append(measure(url, through_worker, smtp, counted, **shape))
                        floor.append(measure(url, straight, smtp, counted, **shape))
                    mid, base = statistics.median(ours), statistics.median(floor)
                    print(
                        f"  {workers} worker{'s' if workers > 1 else ' '}: worker {mid:5.0f}/s,"
                        f" straight to SMTP {base:5.0f}/s, worker / straight {mid / base:.2f}x"
                        f"  (worker runs: {', '.join(f'{r:.0f}' for r in ours)})"
                    )
            finally:
                with psycopg.connect(url, autocommit=True) as c, c.transaction():
                    clear_caller(c, PHONE)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
