"""The analysts' read-only web page: calls, and each call's path, transcript, state and cost.

A small FastAPI app of its own, never mounted beside `token_api.py`: that one faces callers
on the internet, this one shows transcripts, which are personal data. So:

- it binds to 127.0.0.1 by default, and `serve` refuses any other host unless a secret is
  set (`ANALYSTS_SECRET`);
- with a secret, every request (pages and static files alike) needs HTTP Basic auth with
  any user name and the secret as password, compared in constant time; else 401;
- it has GET routes only, and no OpenAPI or docs pages (those load scripts from a CDN);
- every response carries `Cache-Control: no-store`, a Content-Security-Policy that allows
  nothing but this app's own stylesheet and script (no inline code, no other origin),
  `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and no framing;
- phone numbers are masked everywhere (analysts.data masks what it returns; the raw
  `phone` field is never rendered, the stored summary is masked here), and every text is
  HTML-escaped (jinja2 autoescape; the SVG drawings escape their own labels);
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
from datetime import UTC, date, datetime, time
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from langgraph.checkpoint.base import BaseCheckpointSaver
from markupsafe import Markup
from starlette.exceptions import HTTPException

from analysts import data, drawing
from analysts.data import (
    IN_PROGRESS,
    OUTCOMES,
    Step,
    ThreadSummary,
    Turn,
    compact,
    diff,
    steps,
    summary,
    turns,
)
from booking.backends import Backend, open_checkpointer, open_store
from booking.logs import mask_phones
from booking.settings import get_settings
from graph.builder import build_graph
from graph.conversation import CallGraph
from store.port import Store

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
    """Serving transcripts beyond this machine needs ANALYSTS_SECRET."""


@dataclass
class Reader:
    """The opened store, checkpoints and compiled graph the pages read from."""

    store: Store
    saver: BaseCheckpointSaver[str]
    graph: CallGraph
    shape: drawing.Shape


def list_calls(
    reader: Reader,
    *,
    outcome: str | None = None,
    caller: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[ThreadSummary]:
    """Return the calls the filters keep, the latest first, from one store query."""
    settings = get_settings()
    start = None
    if since is not None:  # midnight where the business is
        start = datetime.combine(since, time(0), ZoneInfo(settings.business_timezone))
    return data.list_calls(
        reader.store,
        outcome=outcome,
        caller=caller,
        since=start,
        limit=limit,
        region=settings.phone_region,
    )


@dataclass
class TurnView:
    """One turn as the call page shows it."""

    turn: Turn
    heard: str | None
    """What the caller heard of this turn's reply before they barged in, if they did."""
    unheard: str
    """The rest of that reply, which the caller did not hear."""
    state: list[tuple[str, str, str | None]]
    """(key, value, value before) of the held state; before is None when unchanged."""
    changes: list[tuple[str, str, str, str]]
    """(change, key, old, new) over every field of the checkpoint."""
    segments: list[tuple[str, float]]
    """(node, milliseconds) of each step the turn ran."""


@dataclass
class CallView:
    """One call as the call page shows it."""

    head: ThreadSummary
    history: list[Step]
    turns: list[TurnView]
    summary: str
    costs: list[tuple[str, str]]
    total: str
    usage: dict[str, Any]


def call_view(graph: CallGraph, store: Store, thread_id: str) -> CallView | None:
    """Read one call for its page; None when no checkpoint has that thread id."""
    history = steps(graph, thread_id)
    if not history:
        return None
    heard = _cut_replies(history)
    segments = drawing.segments(history)
    shown: list[TurnView] = []
    before_held: dict[str, Any] | None = None
    before: dict[str, Any] = {}
    for turn, last in zip(turns(history), _last_values(history), strict=True):
        # the greeting has nothing before it to compare with
        was = turn.held if before_held is None else before_held
        state = [
            (key, _shown(value), None if value == was[key] else _shown(was[key]))
            for key, value in turn.held.items()
        ]
        changes = [(c, k, _shown(old), _shown(new)) for c, k, old, new in diff(before, last)]
        cut, rest = heard.get(turn.number, (None, ""))
        shown.append(TurnView(turn, cut, rest, state, changes, segments.get(turn.number, [])))
        before_held, before = turn.held, last
    row = store.get_conversation(thread_id)
    costs = row.cost_breakdown if row is not None else {}
    total = costs.get("total_usd")
    return CallView(
        head=summary(graph, store, thread_id),
        history=history,
        turns=shown,
        summary=mask_phones(row.summary or "") if row is not None else "",
        costs=_flat(costs),
        total=f"${total:.4f}" if isinstance(total, int | float) else "not stored yet",
        usage=dict(history[-1].values.get("usage") or {}),
    )


def _last_values(history: list[Step]) -> list[dict[str, Any]]:
    """Return the state after each turn, in the grouping `data.turns` uses."""
    grouped: dict[int, dict[str, Any]] = {}
    for step in history:
        if step.values:
            grouped[int(step.values.get("turn") or 0)] = step.values
    return [values for _, values in sorted(grouped.items())]


def _cut_replies(history: list[Step]) -> dict[int, tuple[str, str]]:
    """Return turn → (heard, not heard) of its reply, for replies cut short by a barge-in.

    The cut is recorded by the `listen` step that follows the reply (the next turn's, or the
    same turn's on a hang-up), so it belongs to the turn of the step before it.
    """
    cut: dict[int, tuple[str, str]] = {}
    for before, step in pairwise(history):
        if "listen" in step.nodes and step.values.get("reply_interrupted"):
            heard = mask_phones(str(step.values.get("reply", "")))
            full = mask_phones(str(before.values.get("reply", "")))
            rest = full[len(heard) :] if full.startswith(heard) else ""
            cut[int(before.values.get("turn") or 0)] = (heard, rest)
    return cut


def _shown(value: Any) -> str:
    """Return a state value for the page: words as words, the rest as Python, numbers masked."""
    if value is None:
        return "—"
    if isinstance(value, str) and value:
        text = mask_phones(value)
        return text if len(text) <= 160 else text[:157] + "..."
    return compact(value, 160)


def _flat(costs: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten the nested cost breakdown into (name, value) rows."""
    rows: list[tuple[str, str]] = []
    for key, value in costs.items():
        if isinstance(value, dict):
            rows += _flat(value, f"{prefix}{key} · ")
        elif isinstance(value, float) and key.endswith("usd"):
            rows.append((f"{prefix}{key}", f"${value:.6f}"))
        else:
            rows.append((f"{prefix}{key}", _shown(value)))
    return rows


def create_app(backend: Backend, *, secret: str | None = None) -> FastAPI:
    """Return the analysts' app reading `backend`; with `secret`, every request needs it."""
    secret = secret or None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with ExitStack() as stack:
            store = stack.enter_context(open_store(backend))
            saver = stack.enter_context(open_checkpointer(backend))
            graph = build_graph().compile(checkpointer=saver)
            app.state.reader = Reader(store, saver, graph, drawing.shape_of(graph.get_graph()))
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
        when=_when, seconds=_seconds, ms=drawing.ms, quoted=lambda s: quote(str(s), safe="")
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
    def calls(request: Request, outcome: str = "", caller: str = "", since: str = "") -> Response:
        """List the calls, the latest first, narrowed by outcome, caller and start date."""
        problem = ""
        try:
            day = date.fromisoformat(since) if since else None
        except ValueError:
            day, problem = None, f"“{since}” is not a date; write it as YYYY-MM-DD."
        rows = list_calls(
            request.app.state.reader,
            outcome=outcome or None,
            caller=caller or None,
            since=day,
            limit=LIST_LIMIT,
        )
        return page(
            "calls.html",
            400 if problem else 200,
            rows=rows,
            outcomes=[*OUTCOMES, IN_PROGRESS],
            chosen={"outcome": outcome, "caller": caller, "since": since},
            problem=problem,
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
            graph=Markup(drawing.graph_svg(drawing.layout(reader.shape), path)),
            latency=Markup(drawing.latency_svg([(t.turn.number, t.segments) for t in view.turns])),
        )

    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), "static")
    return app


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


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 120 else f"{int(value // 60)} min {int(value % 60)} s"


def is_loopback(host: str) -> bool:
    """Return True for hosts only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    backend: Backend, *, host: str = "127.0.0.1", port: int = 8082, secret: str | None = None
) -> None:
    """Run the page with uvicorn until interrupted; a non-loopback host needs a secret."""
    if not secret and not is_loopback(host):
        raise UnsafeHost(
            f"refusing to serve call transcripts on {host} without ANALYSTS_SECRET; "
            "set it, or bind to 127.0.0.1"
        )
    uvicorn.run(create_app(backend, secret=secret), host=host, port=port)
