"""Read a business file's YAML into plain data, remembering the line of every key and item.

Scalars stay text (None for an empty value): pydantic reads numbers, dates and true/false
from text, so YAML 1.1's surprises never reach the calendar (`country: NO` is Norway, not
false; `10:00` is not 600). A key given twice is an error, not the last one winning.
Everything wrong becomes `BusinessFileError`, whose sentence names the file and the line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

Path_ = tuple[str | int, ...]
"""Where a value sits in the file: ("services", 2, "duration")."""

_NULL = "tag:yaml.org,2002:null"


class BusinessFileError(Exception):
    """A business file cannot be used; `str()` is one sentence naming the file and the line.

    Deliberately not a ValueError: raised inside a settings validator, a ValueError would be
    wrapped into pydantic's multi-line report instead of reaching the user as this sentence.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        """Every problem found, one sentence each, in the order of the file's lines."""
        super().__init__(self.problems[0])


@dataclass
class Located:
    """A business file's data, with the line of each key and list item (1-based)."""

    source: str
    """The file's name as the user gave it, the start of every sentence."""
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """Return the line of `path`, or of its nearest ancestor the file has."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def problem(self, path: Path_, text: str) -> str:
        """Return "business.yaml, line 14: services[2].duration: must be greater than 0"."""
        where = f"{dotted(path)}: " if path else ""
        return f"{self.source}, line {self.line(path)}: {where}{text}"


def compose(text: str, *, source: str) -> Located:
    """Parse YAML text into plain data (dicts, lists, text, None) with each entry's line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise BusinessFileError(
            [f"{source}, line {line}: not valid YAML: {_yaml(error)}"]
        ) from None
    except yaml.YAMLError as error:  # an unreadable character, which has no mark
        raise BusinessFileError([f"{source}, line 1: not valid YAML: {error}"]) from None
    if node is None:
        raise BusinessFileError([f"{source}, line 1: the file is empty"])
    located = Located(source, None, {(): node.start_mark.line + 1})
    located.data = _plain(node, (), located)
    return located


def _yaml(error: yaml.MarkedYAMLError) -> str:
    """Say what the YAML parser found wrong, in words rather than its token names."""
    problem = error.problem or ""
    if "<block" in problem:  # "expected <block end>, but found '<block mapping start>'"
        return "the indentation of this line does not match the lines above it"
    return ", ".join(filter(None, (error.context, problem))) or str(error)


def _plain(node: yaml.Node, path: Path_, located: Located) -> Any:
    if isinstance(node, yaml.MappingNode):
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise BusinessFileError([located.problem(path, "a key must be a plain word")])
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in data:
                first = located.lines[(*path, key)]
                raise BusinessFileError(
                    [f"{located.source}, line {line}: {dotted((*path, key))}: given twice"
                     f" (first on line {first})"]
                )  # fmt: skip
            located.lines[(*path, key)] = line
            data[key] = _plain(value_node, (*path, key), located)
        return data
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            located.lines[(*path, index)] = item.start_mark.line + 1
            items.append(_plain(item, (*path, index), located))
        return items
    if node.tag == _NULL:
        return None
    return str(node.value)


def dotted(path: Path_) -> str:
    """Write ("services", 2, "duration") as "services[2].duration"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


Known = Mapping[tuple[str, ...], Sequence[str]]
"""The keys each part of the file takes, by the part's path without list indices."""


def located_errors(error: ValidationError, located: Located, *, known: Known) -> list[str]:
    """Return pydantic's errors as sentences naming the line, the file's first lines first."""
    found = []
    for detail in error.errors(include_url=False):
        path = tuple(p for p in detail["loc"] if p != "[key]")
        if detail["type"] == "missing":  # said of the part that lacks the key, on its line
            path, detail["msg"] = path[:-1], f"{path[-1]!s} is required"
        found.append((located.line(path), located.problem(path, _reason(detail, known))))
    return [sentence for _, sentence in sorted(found, key=lambda pair: pair[0])]


def _reason(detail: ErrorDetails, known: Known) -> str:
    """Say what is wrong in words a business owner reads, not in pydantic's."""
    kind, ctx, given = detail["type"], detail.get("ctx") or {}, detail.get("input")
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    if kind == "extra_forbidden":
        return _unknown_key(detail["loc"], known)
    if kind == "missing":
        return detail["msg"]
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number, not {given!r}"
    if kind in ("float_parsing", "float_type"):
        return f"must be a number, not {given!r}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false, not {given!r}"
    if kind.startswith("date_"):
        return f"must be a date written YYYY-MM-DD, not {given!r}"
    if kind in ("list_type", "tuple_type"):
        return "must be a list (one '- item' a line, or [a, b])"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a set of 'key: value' lines"
    if kind == "string_type":
        return "must be text"
    return detail["msg"].replace("Input should be", "must be")


def _unknown_key(loc: tuple[str | int, ...], known: Known) -> str:
    """Say a key is unknown, and which known key it was probably meant to be."""
    keys = known.get(tuple(p for p in loc[:-1] if isinstance(p, str)), ())
    close = difflib.get_close_matches(str(loc[-1]), keys, n=1)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return f"unknown key (known here: {', '.join(keys)})" if keys else "unknown key"
