"""ASGI middleware that caps a request body at MAX_BODY_BYTES, declared or streamed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024
TOO_LARGE = f"The request body is over the {MAX_BODY_BYTES // 1024} KiB limit."


class BodyTooLarge(HTTPException):
    """The body passed the limit while it was read; FastAPI's handler answers it 413."""

    def __init__(self) -> None:
        """Carry the sentence the client reads."""
        super().__init__(413, detail=TOO_LARGE)


class BodySizeLimitMiddleware:
    """Answer 413 once a request body passes `limit` bytes, whether declared or streamed.

    Content-Length alone is not enough: a chunked body declares no length. So the body is
    also counted as its ASGI messages arrive, and reading stops at the first chunk too many.
    The 413 then says `Connection: close`, so the server drops the rest instead of reading
    it to keep the connection alive.
    """

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY_BYTES) -> None:
        """Wrap the application."""
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a declared length over the limit; count a streamed body while it is read."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def closing(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if received > self.limit:
                    message = {**message, "headers": [*message.get("headers", ()), CLOSE]}
            await send(message)

        try:
            await self.app(scope, counted, closing)
        except BodyTooLarge:
            # Raised where no handler turned it into a response (a body read outside a route).
            if started:
                raise
            await _too_large(scope, receive, send)


CLOSE = (b"connection", b"close")


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    """Send the 413 answer and ask the server to close the connection."""
    response = JSONResponse({"detail": TOO_LARGE}, status_code=413, headers={"Connection": "close"})
    await response(scope, receive, send)
