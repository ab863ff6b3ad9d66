"""Logging for the composition roots: phone numbers are masked in every record."""

from __future__ import annotations

import logging

from store.privacy import mask_phones

SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error")
"""uvicorn logs through handlers of its own: these loggers get the filter themselves."""


class MaskPhones(logging.Filter):
    """Rewrite each record with phone numbers masked: message, arguments and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place; always keep it."""
        message = mask_phones(record.getMessage())
        args = record.args
        if isinstance(args, tuple) and args and isinstance(record.msg, str):
            # Keep the arguments when masking them one by one gives the same line: some
            # formatters read them (uvicorn's access log formats its own line from them).
            msg = mask_phones(record.msg)
            each = tuple(mask_phones(arg) if isinstance(arg, str) else arg for arg in args)
            try:
                same = msg % each == message
            except (TypeError, ValueError):
                same = False
            record.msg, record.args = (msg, each) if same else (message, None)
        else:
            record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_phones(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_phones(record.stack_info)
        return True


def configure(level: str) -> None:
    """Log to stderr at `level`, masking phone numbers in every record, uvicorn's too."""
    handler = logging.StreamHandler()
    handler.addFilter(MaskPhones())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # The pool warns on every failed reconnect while Postgres is down; the outage itself is
    # logged once by the store or the turn protocol, so only its errors are kept.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    for name in SERVER_LOGGERS:  # a logger's own filters survive uvicorn's dictConfig
        server = logging.getLogger(name)
        if not any(isinstance(kept, MaskPhones) for kept in server.filters):
            server.addFilter(MaskPhones())
