"""The analysts' read-only web page: calls, and each call's path, transcript, state and cost.

A small FastAPI app of its own, never mounted beside `token_api.py`: that one faces callers
on the internet, this one shows transcripts, which are personal data. So:

- it binds to 127.0.0.1 by default, and `serve` refuses any other host unless a secret is
  set (`ANALYSTS_SECRET`); a weak secret (short, blank, a repeated pattern) is refused too;
- with a secret, every request (pages and static files alike) needs HTTP Basic auth with
  any user name and the secret as password, compared in constant time; else 401;
- it has GET routes only, and no OpenAPI or docs pages (those load scripts from a CDN);
- every response carries `Cache-Control: no-store`, a Content-Security-Policy that allows
  nothing but this app's own stylesheet and script (no inline code, no other origin),
  `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and no framing;
- phone numbers are masked everywhere (analysts.data masks what it returns; the raw
  `phone` field is never rendered, analysts.pages masks the stored summary), and every
  text is HTML-escaped (jinja2 autoescape; the SVG drawings escape their own labels);
- it works offline: its stylesheet and script are served by itself, pictures are inline SVG.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from langgraph.checkpoint.base import BaseCheckpointSaver
from markupsafe import Markup
from starlette.exceptions import HTTPException

from analysts import data, drawing, layout
from analysts.data import IN_PROGRESS, OUTCOMES
from analysts.pages import call_view, open_callbacks, seconds, when
from analysts.source import Locale, Source
from graph.builder import build_graph
from graph.conversation import CallGraph
from store.port import Store
from tokens.strength import weak_secret_sentence

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
LIST_LIMIT = 500
"""Rows on the list page at most; filters narrow it."""


class UnsafeHost(ValueError):
    """Serving transcripts beyond this machine needs ANALYSTS_SECRET, and a strong one."""


@dataclass
class Reader:
    """The opened store, checkpoints and compiled graph the pages read from."""

    store: Store
    saver: BaseCheckpointSaver[str]
    graph: CallGraph
    shape: layout.Shape


def create_app(
    source: Source, *, secret: str | None = None, locale: Locale | None = None
) -> FastAPI:
    """Return the analysts' app reading `source`; with `secret`, every request needs it."""
    locale = locale or Locale()
    secret = secret or None
    refusal = weak_secret_sentence("ANALYSTS_SECRET", secret) if secret else None
    if refusal is not None:
        raise UnsafeHost(refusal)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with ExitStack() as stack:
            store = stack.enter_context(source.open_store())
            saver = stack.enter_context(source.open_checkpointer())
            graph = build_graph().compile(checkpointer=saver)
            app.state.reader = Reader(store, saver, graph, layout.shape_of(graph.get_graph()))
            yield

    app = FastAPI(
        title="Call analysis",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    pages = Environment(
        loader=PackageLoader("analysts", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    pages.filters.update(
        when=when, seconds=seconds, ms=drawing.ms, quoted=lambda s: quote(str(s), safe="")
    )

    def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
        return HTMLResponse(pages.get_template(name).render(**values), status_code=status)

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if secret is not None and not _authorised(request.headers.get("authorization"), secret):
            response: Response = PlainTextResponse(
                "This page needs the analysts' secret.",
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="call analysis", charset="UTF-8"'},
            )
        elif request.method not in ("GET", "HEAD"):
            response = PlainTextResponse("Read-only: GET only.", status_code=405)
        else:
            response = await call_next(request)
        response.headers.update(HEADERS)
        return response

    @app.exception_handler(HTTPException)
    async def not_found(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return page("missing.html", 404, what=exc.detail)
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)

    @app.get("/", response_class=HTMLResponse)
    def calls(
        request: Request, outcome: str = "", caller: str = "", since: str = "", until: str = ""
    ) -> Response:
        """List the calls, the latest first, narrowed by outcome, caller and start dates."""
        problems: list[str] = []
        first, last = _day(since, problems), _day(until, problems)
        rows = data.list_calls(
            request.app.state.reader.store,
            outcome=outcome or None,
            caller=caller or None,
            since=first,
            until=last,
            limit=LIST_LIMIT,
            locale=locale,
        )
        return page(
            "calls.html",
            400 if problems else 200,
            rows=rows,
            callbacks=open_callbacks(request.app.state.reader.store),
            outcomes=[*OUTCOMES, IN_PROGRESS],
            chosen={"outcome": outcome, "caller": caller, "since": since, "until": until},
            problem=" ".join(problems),
            limit=LIST_LIMIT,
        )

    @app.get("/calls/{thread_id:path}", response_class=HTMLResponse)
    def call(request: Request, thread_id: str) -> Response:
        """Show one call: its path through the graph, latency, cost and turns."""
        reader: Reader = request.app.state.reader
        view = call_view(reader.graph, reader.store, thread_id)
        if view is None:
            raise HTTPException(404, detail=f"No call with the id “{thread_id}”.")
        path = drawing.walk(view.history, reader.shape)
        return page(
            "call.html",
            view=view,
            graph=Markup(drawing.graph_svg(layout.layout(reader.shape), path)),
            latency=Markup(drawing.latency_svg([(t.turn.number, t.segments) for t in view.turns])),
        )

    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), "static")
    return app


def _day(text: str, problems: list[str]) -> date | None:
    """Read a YYYY-MM-DD filter; an unreadable one is ignored and says why in `problems`."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"“{text}” is not a date; write it as YYYY-MM-DD.")
        return None


def _authorised(header: str | None, secret: str) -> bool:
    """Return True when the Basic credentials carry the secret as password."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        _, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(password.encode(), secret.encode())


def is_loopback(host: str) -> bool:
    """Return True for hosts only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    source: Source,
    *,
    host: str = "127.0.0.1",
    port: int = 8082,
    secret: str | None = None,
    locale: Locale | None = None,
) -> None:
    """Run the page with uvicorn until interrupted; a non-loopback host needs a strong secret."""
    if not secret and not is_loopback(host):
        raise UnsafeHost(
            f"refusing to serve call transcripts on {host} without ANALYSTS_SECRET; "
            "set it, or bind to 127.0.0.1"
        )
    uvicorn.run(create_app(source, secret=secret, locale=locale), host=host, port=port)
