"""Logging for the composition roots: phone numbers are masked in every record."""

from __future__ import annotations

import logging
import re

# E.164 numbers, and the 3-3-4 groupings callers say ("415 555 0123", "(415) 555-0123"),
# but not ISO dates or times, which analysts need to read.
_PHONE = re.compile(r"\+\d{7,15}\b|(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")


def mask_phones(text: str) -> str:
    """Replace all but the last two digits of anything that looks like a phone number."""

    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if len(digits) < 7:
            return match.group()
        return f"***{digits[-2:]}"

    return _PHONE.sub(mask, text)


class MaskPhones(logging.Filter):
    """Rewrite each record's message with phone numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the formatted message; always keep the record."""
        record.msg = mask_phones(record.getMessage())
        record.args = None
        return True


def configure(level: str) -> None:
    """Log to stderr at `level`, masking phone numbers in every record."""
    handler = logging.StreamHandler()
    handler.addFilter(MaskPhones())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
