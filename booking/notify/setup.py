"""The notice worker as the settings describe it: channels, staff channels, wording, tuning.

Imports the channels' providers (twilio, icalendar): import this module inside
`booking.extras.needs("notify", ...)`.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta

from booking.notify.channels import Channel
from booking.notify.settings import NotifySettings
from booking.notify.sms import SmsChannel
from booking.notify.smtp import SmtpChannel
from booking.notify.staff import StaffChannel, StaffEmail, StaffWebhook
from booking.notify.worker import Clock, NoticeStore, Wording, Worker
from business.calendar import BusinessCalendar


def worker_name() -> str:
    """Return a name no other worker process has: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def worker_from(
    settings: NotifySettings,
    store: NoticeStore,
    *,
    calendar: BusinessCalendar,
    clock: Clock,
    name: str,
) -> Worker:
    """Return a worker on the store with every channel the settings configure.

    Call `settings.problems()` first: a channel named without what it needs raises here.
    """
    smtp = SmtpChannel(settings) if settings.smtp_host and settings.smtp_from else None
    channels: list[Channel] = []
    for channel in settings.notify_channels:
        if channel == "sms":
            channels.append(SmsChannel(settings))
        elif smtp is not None:
            channels.append(smtp)
    staff: list[StaffChannel] = []
    if settings.notify_staff_email and smtp is not None:
        staff.append(StaffEmail(smtp, settings.notify_staff_email))
    if settings.notify_staff_webhook:
        staff.append(
            StaffWebhook(
                settings.notify_staff_webhook,
                secret=settings.notify_staff_webhook_secret,
                timeout=settings.notify_staff_timeout_seconds,
            )
        )
    sender = smtp.sender_address if smtp is not None else ""
    wording = Wording(
        calendar=calendar,
        business=settings.business(calendar),
        templates=settings.templates(),
        uid_domain=sender.rpartition("@")[2] or "booking-agent",
        organizer=sender or None,
    )
    return Worker(
        store=store,
        channels=channels,
        staff=staff,
        wording=wording,
        clock=clock,
        name=name,
        reminders=settings.notify_reminders,
        batch=settings.notify_batch,
        lease=timedelta(seconds=settings.notify_lease_seconds),
        max_attempts=settings.notify_max_attempts,
        backoff=timedelta(seconds=settings.notify_backoff_seconds),
        backoff_max=timedelta(seconds=settings.notify_backoff_max_seconds),
    )
