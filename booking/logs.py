"""Logging for the composition roots: phone numbers are masked in every record.

The masking is a filter on the root logger's handlers, added to the handlers there and
never replacing them: the CLI adds its own stderr handler first (`configure`); a LiveKit
job keeps the handlers LiveKit installed (`configure_job`), so its lines still reach the
worker, in LiveKit's format, with the fields LiveKit adds (the call id among them).
"""

from __future__ import annotations

import logging
import sys

from store.privacy import mask_phones, masked

SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error")
"""uvicorn logs through handlers of its own: these loggers get the filter themselves."""
APP_LOGGERS = (
    "analysts",
    "booking",
    "business",
    "graph",
    "nodes",
    "store",
    "voice",
    "voice_bridge",
)
"""This repository's packages: `LOG_LEVEL` is their level in a LiveKit job."""
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
"""What every record has; anything else was added as `extra` or by a filter."""


class MaskPhones(logging.Filter):
    """Rewrite each record with phone numbers masked: message, arguments, traceback, extras.

    The record is masked in place, so the handlers after the first one that masks it see
    it masked too.
    """

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
        # LiveKit's JSON lines carry every extra field (a SIP participant's identity holds
        # the caller's number)
        extras = {k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS}
        for key, value in extras.items():
            if isinstance(value, str | dict | list | tuple):
                setattr(record, key, masked(value))
        return True


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]  # typeshed: generic in the stream
    """The CLI's own handler: the level, the logger's name and the message, on stderr."""


def mask_handlers() -> None:
    """Add the masking filter to every handler of the root logger that lacks it."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(kept, MaskPhones) for kept in handler.filters):
            handler.addFilter(MaskPhones())


def configure(level: str) -> None:
    """For the CLI: log to stderr at `level`, masking phone numbers in every record."""
    root = logging.getLogger()
    ours = next((h for h in root.handlers if isinstance(h, _Stderr)), None)
    if ours is None:
        ours = _Stderr()
        ours.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(ours)
    else:
        # the stderr of now: a test may have swapped it, and closed the one before, so this
        # is not setStream(), which flushes the old stream first
        ours.stream = sys.stderr
    root.setLevel(level.upper())
    _quiet_pool()
    mask_handlers()
    for name in SERVER_LOGGERS:  # a logger's own filters survive uvicorn's dictConfig
        server = logging.getLogger(name)
        if not any(isinstance(kept, MaskPhones) for kept in server.filters):
            server.addFilter(MaskPhones())


def configure_job(level: str) -> None:
    """For a LiveKit job: mask phone numbers in the handlers LiveKit installed.

    Nothing is replaced: the job's lines keep going to the worker through LiveKit's
    handler, in its format, with its context fields. The root's level stays LiveKit's
    (`--log-level`); `level` (LOG_LEVEL) is that of this repository's own loggers. Safe to
    run again (LiveKit adds handlers as a call goes on, e.g. its cloud log export).
    """
    for name in APP_LOGGERS:
        logging.getLogger(name).setLevel(level.upper())
    _quiet_pool()
    mask_handlers()


def _quiet_pool() -> None:
    # The pool warns on every failed reconnect while Postgres is down; the outage itself is
    # logged once by the store or the turn protocol, so only its errors are kept.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
