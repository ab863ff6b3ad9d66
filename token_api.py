"""LiveKit token server for web and app callers: `python token_api.py` or `uvicorn token_api:app`.

Implements LiveKit's token-endpoint contract (POST /token, also /api/token): the caller gets a
short-lived token for one room, and the room dispatches our agent (LIVEKIT_AGENT_NAME).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Body, Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from tokens.issuing import issue_token
from tokens.models import TokenRequest, TokenResponse
from tokens.ratelimit import SlidingWindowLimiter
from tokens.settings import TokenSettings, get_settings
from tokens.web import (
    BodySizeLimitMiddleware,
    SettingsCORSMiddleware,
    rate_limit,
    require_client_secret,
    resolve_settings,
    short_validation_error,
)

log = logging.getLogger("token_api")
TOKEN_RESPONSES: dict[int | str, dict[str, str]] = {
    401: {"description": "TOKEN_API_SECRET is set and the client did not send it"},
    422: {"description": "A field is too long, has forbidden characters or the wrong type"},
    429: {"description": "Too many requests from this client address"},
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Validate the settings at start-up, so a misconfigured server never serves."""
    resolve_settings(app)
    yield


async def create_token(
    settings: Annotated[TokenSettings, Depends(get_settings)],
    body: Annotated[TokenRequest | None, Body()] = None,
) -> TokenResponse:
    """Issue a token for one room that also dispatches our agent into it."""
    issued = issue_token(body or TokenRequest(), settings)
    log.info("issued token room=%s identity=%s", issued.room, issued.identity)
    return TokenResponse(server_url=settings.livekit_url, participant_token=issued.jwt)


async def healthz() -> dict[str, str]:
    """Report that the process is up."""
    return {"status": "ok"}


def create_app() -> FastAPI:
    """Build the app; settings are read per request through the get_settings dependency."""
    app = FastAPI(title="Booking agent token server", version="0.1.0", lifespan=lifespan)
    app.state.limiter = SlidingWindowLimiter()
    app.add_exception_handler(RequestValidationError, short_validation_error)
    guards = [Depends(rate_limit), Depends(require_client_secret)]
    for path in ("/token", "/api/token"):
        app.add_api_route(
            path,
            create_token,
            methods=["POST"],
            status_code=201,
            response_model=TokenResponse,
            dependencies=guards,
            responses=TOKEN_RESPONSES,
            summary="Issue a LiveKit participant token",
        )
    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(SettingsCORSMiddleware)
    return app


app = create_app()


def main() -> None:
    """Serve on TOKEN_API_HOST:TOKEN_API_PORT, or exit with the reason the settings are bad."""
    import uvicorn  # noqa: PLC0415 - only the script entry point needs the server

    logging.basicConfig(level=logging.INFO)
    try:
        settings = get_settings()
    except ValidationError as error:
        reasons = "; ".join(str(e["msg"]) for e in error.errors())
        sys.exit(f"token_api: {reasons}")
    uvicorn.run(app, host=settings.token_api_host, port=settings.token_api_port)


if __name__ == "__main__":
    main()
