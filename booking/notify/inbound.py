"""Twilio's inbound SMS webhook: a caller replying "C" to a reminder cancels that visit.

Every request must carry a valid X-Twilio-Signature (twilio's RequestValidator, with
TWILIO_AUTH_TOKEN, over TWILIO_WEBHOOK_URL or the request's own URL); anything else is
403. The cancel goes through the store's idempotent `cancel`, keyed by Twilio's MessageSid,
so Twilio retrying the webhook cancels once. The answer is TwiML: one SMS back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Protocol
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from booking.notify.settings import NotifySettings, get_notify_settings
from business.calendar import BusinessCalendar
from business.spoken import say_slot
from store.errors import AppointmentNotActive, AppointmentNotFound
from store.models import Appointment, User

log = logging.getLogger(__name__)

CANCEL_WORDS = frozenset({"c", "cancel"})
HOW = "Reply C to cancel your appointment; to move it, please call us."
NOTHING = "There's no appointment to cancel for this number."
GONE = "That appointment is no longer booked, so nothing was changed."
CANCELLED = "Your appointment on {when} is cancelled."
FORBIDDEN = "The request is not signed by Twilio."


class ReplyStore(Protocol):
    """What a reply needs: the caller by number, the visit last reminded, and the cancel."""

    def find_user_by_phone(self, phone: str) -> User | None:
        """As `store.port.Callers.find_user_by_phone`."""
        ...

    def reminded_appointment(self, user_id: str, *, channel: str) -> str | None:
        """As `store.port.Outbox.reminded_appointment`."""
        ...

    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        """As `store.port.AppointmentBook.cancel`."""
        ...


def inbound_router(
    store: Callable[[], ReplyStore], *, calendar: BusinessCalendar, clock: Callable[[], datetime]
) -> APIRouter:
    """Return the router serving POST /twilio/sms on the store `store()` returns."""
    router = APIRouter()

    @router.post("/twilio/sms")
    async def inbound_sms(
        request: Request, settings: Annotated[NotifySettings, Depends(get_notify_settings)]
    ) -> Response:
        """Answer one inbound SMS with TwiML; 403 unless Twilio signed it."""
        form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        if not _signed(request, form, settings):
            raise HTTPException(status_code=403, detail=FORBIDDEN)
        text = await run_in_threadpool(_answer, store(), form, calendar, clock)
        reply = MessagingResponse()
        reply.message(text)
        return Response(content=str(reply), media_type="application/xml")

    return router


def _signed(request: Request, form: dict[str, str], settings: NotifySettings) -> bool:
    """Return True when the X-Twilio-Signature header is Twilio's over this URL and form."""
    signature = request.headers.get("X-Twilio-Signature", "")
    token = settings.twilio_auth_token
    if not signature or token is None or not token.get_secret_value():
        return False
    url = settings.twilio_webhook_url or str(request.url)
    valid: bool = RequestValidator(token.get_secret_value()).validate(url, form, signature)
    return valid


def _answer(
    store: ReplyStore,
    form: dict[str, str],
    calendar: BusinessCalendar,
    clock: Callable[[], datetime],
) -> str:
    """Do what the SMS asks and return the reply's text."""
    if form.get("Body", "").strip().strip(".!").lower() not in CANCEL_WORDS:
        return HOW
    user = store.find_user_by_phone(form.get("From", ""))
    appointment_id = (
        store.reminded_appointment(user.id, channel="sms") if user is not None else None
    )
    sid = form.get("MessageSid", "")
    if user is None or appointment_id is None or not sid:
        return NOTHING
    try:
        cancelled = store.cancel(
            user_id=user.id,
            appointment_id=appointment_id,
            idempotency_key=f"sms:{sid}",
        )
    except (AppointmentNotActive, AppointmentNotFound):
        return GONE
    log.info("appointment %s cancelled by an SMS reply", cancelled.id)
    today = clock().astimezone(calendar.tz).date()
    return CANCELLED.format(when=say_slot(cancelled.start.astimezone(calendar.tz), today=today))
