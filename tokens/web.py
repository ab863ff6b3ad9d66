"""HTTP edges of the token server: client auth, rate limit, per-settings CORS, short errors."""

from __future__ import annotations

import hmac
import math
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from tokens.addresses import client_address, rate_key
from tokens.ratelimit import Limiter
from tokens.settings import TokenSettings, get_settings


def resolve_settings(app: FastAPI) -> TokenSettings:
    """Read the settings for `app` now, honouring a test's override of get_settings."""
    provider = app.dependency_overrides.get(get_settings, get_settings)
    settings: TokenSettings = provider()
    return settings


def served_settings(app: FastAPI) -> TokenSettings:
    """Return the settings `app` serves with: resolved at start-up, kept on app.state.

    Routes read them here rather than through a get_settings dependency: a sync dependency
    runs in the threadpool, and any dependency costs FastAPI more work than the route's own.
    """
    settings: TokenSettings | None = getattr(app.state, "settings", None)
    if settings is None:  # an app called without its lifespan, as some tests do
        settings = app.state.settings = resolve_settings(app)
    return settings


async def guard(request: Request) -> None:
    """Check the rate limit (429), then the client secret (401), before the body is validated.

    One dependency reading the headers itself: FastAPI's Header() parameters cost more per
    request than the checks, so the two headers are documented by CLIENT_SECRET_HEADERS.
    """
    settings = served_settings(request.app)
    await rate_limit(request, settings)
    require_client_secret(request.headers, settings)


async def rate_limit(request: Request, settings: TokenSettings) -> None:
    """Answer 429 once a client (behind trusted proxies only) exceeds its requests per minute."""
    limit = settings.token_rate_limit_per_minute
    if limit <= 0:
        return
    limiter: Limiter = request.app.state.limiter
    address = client_address(
        request.client.host if request.client else None,
        request.headers,
        trusted=settings.token_trusted_proxies,
        header=settings.token_proxy_header,
    )
    wait = await limiter.hit(rate_key(address), limit=limit)
    if wait is not None:
        raise HTTPException(
            429,
            detail="too many token requests; try again shortly",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )


def require_client_secret(headers: Headers, settings: TokenSettings) -> None:
    """Answer 401 unless the client sends TOKEN_API_SECRET (when one is configured)."""
    if settings.token_api_secret is None:
        return
    expected = settings.token_api_secret.get_secret_value().encode()
    offered = headers.get("x-api-key") or ""
    authorization = headers.get("authorization")
    if authorization and authorization[:7].lower() == "bearer ":
        offered = authorization[7:].strip()
    if not hmac.compare_digest(offered.encode("utf-8", "replace"), expected):
        raise HTTPException(
            401, detail="missing or wrong API secret", headers={"WWW-Authenticate": "Bearer"}
        )


CLIENT_SECRET_HEADERS: dict[str, Any] = {
    "parameters": [
        {
            "name": name,
            "in": "header",
            "required": False,
            "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": title},
        }
        for name, title in (("authorization", "Authorization"), ("x-api-key", "X-Api-Key"))
    ]
}
"""The OpenAPI parameters `guard` reads, as FastAPI would write them for Header() ones."""


async def short_validation_error(_: Request, exc: Exception) -> JSONResponse:
    """Turn a validation error into 422 with a one-line reason (no echo of the input)."""
    errors: Sequence[Any] = exc.errors() if isinstance(exc, RequestValidationError) else ()
    reasons = []
    for error in errors[:3]:
        where = ".".join(str(p)[:64] for p in error.get("loc", ()) if p != "body")
        reasons.append(f"{where or 'body'}: {error.get('msg', 'invalid')}")
    detail = "; ".join(reasons) or "invalid request"
    # Lone surrogates in a dict key would otherwise make the response unencodable.
    detail = detail.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse(status_code=422, content={"detail": detail})


class SettingsCORSMiddleware:
    """CORS for the origins in the current settings, so tests can change them per app."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap the application; one CORSMiddleware is built per distinct origin list."""
        self.app = app
        self._by_origins: dict[tuple[str, ...], CORSMiddleware] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Delegate to the CORSMiddleware configured for the current settings."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origins = tuple(served_settings(scope["app"]).cors_origins)
        cors = self._by_origins.get(origins)
        if cors is None:
            cors = self._by_origins[origins] = CORSMiddleware(
                self.app,
                allow_origins=list(origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", "X-API-Key"],
                max_age=600,
            )
        await cors(scope, receive, send)
