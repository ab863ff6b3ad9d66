"""Bounds on the work one caller line costs: how much of it is read, and how far back.

A caller line is understood up to `MAX_UNDERSTOOD_CHARS`; the rest is not read. Every
pass is also linear in the text it gets, so the bound is a second defence, not the only
one (`python -m bench.huge_lines` measures both):

* A phrase that must end where another starts ("instead of" before a day, "3 days
  after" before an anchor) is searched in the `LOOKBACK` characters before it
  (`ending_at`), never in the whole text before it: that would rescan the line once
  per phrase found, quadratic on a long line.
* Phrases a pass has used are blanked all at once (`blank_spans`), not by rebuilding the
  string once per phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_UNDERSTOOD_CHARS = 1000
"""The most of one caller line that is understood, cut back to a word boundary.

The longest of the 8,390 real caller turns in the SGD cases is 210 characters, and
1,000 is over a minute of speech in one turn: what a caller asks for is in its first
sentences. Any line then costs the rule engine at most ~20 ms of CPU (the worst family
`bench.huge_lines` tries), and an LLM prompt at most a few hundred tokens more.
"""

LOOKBACK = 72
"""How far before a phrase `ending_at` looks; no pattern it is used with is longer.

`tests/understanding/test_huge_lines.py` checks each such pattern's longest match."""

_BEHIND = 8
"""Characters kept before the window so a pattern's own look-behind can still see them."""


def clip(text: str) -> str:
    """Return the first `MAX_UNDERSTOOD_CHARS` of `text`, not cutting a word in two."""
    if len(text) <= MAX_UNDERSTOOD_CHARS:
        return text
    head = text[:MAX_UNDERSTOOD_CHARS]
    if head[-1].isspace() or text[MAX_UNDERSTOOD_CHARS].isspace():
        return head.rstrip()
    words = head.rsplit(maxsplit=1)
    # one word longer than the bound (no space in it at all): cut it, there is no boundary
    return words[0].rstrip() if len(words) == 2 else head


def ending_at(
    pattern: re.Pattern[str],
    text: str,
    end: int,
    *,
    blanked: Sequence[tuple[int, int]] = (),
) -> re.Match[str] | None:
    """Search `pattern` (anchored with ``$``) for a phrase that ends at `end` in `text`.

    Only the `LOOKBACK` characters before `end` are searched. `blanked` are spans (in
    order, not overlapping) that a pass has used and will blank, read here as spaces.
    The match's positions are in `text` only when `blanked` is empty.
    """
    start = max(0, end - LOOKBACK)
    if not blanked:
        return pattern.search(text, start, end)
    first = max(0, start - _BEHIND)
    chars = list(text[first:end])
    for span_start, span_end in reversed(blanked):
        if span_end <= first:
            break
        for i in range(max(span_start, first), min(span_end, end)):
            chars[i - first] = " "
    return pattern.search("".join(chars), start - first)


def blank(text: str, start: int, end: int) -> str:
    """Replace text[start:end] with spaces so later passes cannot match it again."""
    return text[:start] + " " * (end - start) + text[end:]


def blank_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Blank every span in one pass over `text` (the same as `blank` on each in turn)."""
    if not spans:
        return text
    parts: list[str] = []
    done = 0
    for start, end in sorted(spans):
        first = max(start, done)  # spans may overlap: blank each character once
        if end > first:
            parts += [text[done:first], " " * (end - first)]
            done = end
    parts.append(text[done:])
    return "".join(parts)
