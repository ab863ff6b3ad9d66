"""LiveKit token server for web and app callers: `python token_api.py` or `uvicorn token_api:app`.

Implements LiveKit's token-endpoint contract (POST /token, also /api/token): the caller gets a
short-lived token for one room, and the room dispatches our agent (LIVEKIT_AGENT_NAME). The
server picks the room and the identity; a client may choose them only where a setting
allows it (TOKEN_ALLOW_CLIENT_ROOM / _IDENTITY / _AGENTS).

With TWILIO_AUTH_TOKEN set it also answers Twilio's inbound SMS webhook (POST /twilio/sms,
`booking.notify.inbound`): a "C" reply to a reminder cancels that visit, on the store the
settings name, opened at start-up in the business's timezone. Without the `notify` extra
it says so once and serves tokens alone.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from typing import Annotated

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from booking.extras import MissingExtra, needs
from booking.notify.settings import get_notify_settings

try:
    with needs("tokens", "token_api.py"):
        import uvicorn
        from fastapi import Body, Depends, FastAPI, HTTPException, Request
        from fastapi.exceptions import RequestValidationError

        from tokens.body_limit import BodySizeLimitMiddleware
        from tokens.errors import ChoiceNotAllowed
        from tokens.issuing import issue_token
        from tokens.models import TokenRequest, TokenResponse
        from tokens.ratelimit import RedisLimiter, SlidingWindowLimiter
        from tokens.settings import TokenSettings, get_settings
        from tokens.web import (
            CLIENT_SECRET_HEADERS,
            SettingsCORSMiddleware,
            guard,
            resolve_settings,
            served_settings,
            short_validation_error,
        )
except MissingExtra as missing:  # a core install: one sentence, not a traceback
    raise SystemExit(f"token_api.py: {missing}") from None

log = logging.getLogger("token_api")
TOKEN_RESPONSES: dict[int | str, dict[str, str]] = {
    401: {"description": "TOKEN_API_SECRET is set and the client did not send it"},
    403: {"description": "The body names a room, identity or agent the server picks itself"},
    413: {"description": "The body is over 64 KiB"},
    422: {"description": "A field is too long, has forbidden characters or the wrong type"},
    429: {"description": "Too many requests from this client address"},
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Validate the settings at start-up, so a misconfigured server never serves."""
    # Kept for every request (tokens.web.served_settings), read once rather than per request.
    settings = app.state.settings = resolve_settings(app)
    if settings.redis_url is not None:
        app.state.limiter = RedisLimiter.from_url(settings.redis_url.get_secret_value())
    with ExitStack() as opened:
        mount_sms_replies(app, opened)
        try:
            yield
        finally:
            await app.state.limiter.aclose()


def mount_sms_replies(app: FastAPI, opened: ExitStack) -> None:
    """Serve POST /twilio/sms when TWILIO_AUTH_TOKEN is set, its store kept open in `opened`."""
    notify = app.dependency_overrides.get(get_notify_settings, get_notify_settings)()
    if notify.twilio_auth_token is None:
        return
    try:
        with needs("notify", "the SMS reply webhook (TWILIO_AUTH_TOKEN)"):
            from booking.notify.inbound import inbound_router  # noqa: PLC0415 (optional extra)
    except MissingExtra as missing:
        log.warning("%s; serving tokens only", missing)
        return
    # The store's modules (and langgraph's) load only for a server that answers replies.
    from booking.compose import system_clock  # noqa: PLC0415
    from booking.databases import Database  # noqa: PLC0415
    from booking.settings import get_settings as get_booking_settings  # noqa: PLC0415

    booking = app.dependency_overrides.get(get_booking_settings, get_booking_settings)()
    store = opened.enter_context(Database.from_settings(booking).open_store())
    calendar = booking.calendar()
    app.include_router(inbound_router(lambda: store, calendar=calendar, clock=system_clock))
    log.info("answering Twilio SMS replies at /twilio/sms")


async def create_token(
    request: Request,
    body: Annotated[TokenRequest | None, Body()] = None,
) -> TokenResponse:
    """Issue a token for one room that also dispatches our agent into it."""
    settings = served_settings(request.app)
    try:
        issued = issue_token(body or TokenRequest(), settings)
    except ChoiceNotAllowed as refused:
        raise HTTPException(403, detail=str(refused)) from None
    log.info("issued token room=%s identity=%s", issued.room, issued.identity)
    return TokenResponse(server_url=settings.livekit_url, participant_token=issued.jwt)


async def healthz() -> dict[str, str]:
    """Report that the process is up."""
    return {"status": "ok"}


def create_app() -> FastAPI:
    """Build the app; its settings come from get_settings (tests override it) at start-up."""
    app = FastAPI(title="Booking agent token server", version="0.1.0", lifespan=lifespan)
    # Replaced at start-up by a Redis-backed one when REDIS_URL is set.
    app.state.limiter = SlidingWindowLimiter()
    app.add_exception_handler(RequestValidationError, short_validation_error)
    for path in ("/token", "/api/token"):
        app.add_api_route(
            path,
            create_token,
            methods=["POST"],
            status_code=201,
            response_model=TokenResponse,
            dependencies=[Depends(guard)],
            responses=TOKEN_RESPONSES,
            openapi_extra=CLIENT_SECRET_HEADERS,
            summary="Issue a LiveKit participant token",
        )
    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(SettingsCORSMiddleware)
    return app


app = create_app()


def main() -> None:
    """Serve on TOKEN_API_HOST:TOKEN_API_PORT, or exit with the reason the settings are bad."""
    logging.basicConfig(level=logging.INFO)
    try:
        settings = get_settings()
    except ValidationError as error:
        reasons = "; ".join(_reason(e) for e in error.errors())
        sys.exit(f"token_api: {reasons}")
    uvicorn.Server(server_config(app, settings)).run()


def server_config(
    app: FastAPI, settings: TokenSettings, *, log_level: str | None = None
) -> uvicorn.Config:
    """Return how `python token_api.py` serves the app (tests serve it the same way)."""
    # The client address comes from TOKEN_TRUSTED_PROXIES alone (tokens.addresses), so uvicorn
    # must not rewrite it from X-Forwarded-For first, as it does for 127.0.0.1 by default.
    return uvicorn.Config(
        app,
        host=settings.token_api_host,
        port=settings.token_api_port,
        proxy_headers=False,
        log_level=log_level,
    )


def _reason(error: ErrorDetails) -> str:
    """Name the variable a field error is about, then say what is wrong."""
    field = str(error["loc"][0]).upper() if error["loc"] else ""
    return f"{field}: {error['msg']}" if field else str(error["msg"])


if __name__ == "__main__":
    main()
