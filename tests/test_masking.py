"""Phone numbers, in digits or in words, are masked wherever a person reads them."""

from __future__ import annotations

import importlib
import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import redirect_stdout
from functools import partial
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from fastapi.testclient import TestClient
from uvicorn.logging import AccessFormatter

from analysts.data import compact, held
from analysts.web import create_app
from booking.cli import main
from booking.compose import fixed_clock, open_receptionist
from booking.databases import Database
from booking.logs import SERVER_LOGGERS, MaskPhones, configure
from business.calendar import BusinessCalendar
from store import privacy
from store.privacy import mask_phones, masked
from store.sqlite import SqliteStore
from tests.conftest import NOW
from tests.linear import calls

MASKED = [
    ("+44 20 7183 8750", "50"),
    ("020 7183 8750", "50"),
    ("0044 20 7183 8750", "50"),
    ("+44 (0)20 7183 8750", "50"),
    ("(415) 555-0123", "23"),
    ("(415)5550123", "23"),
    ("415.555.0123", "23"),
    ("415-555-0123", "23"),
    ("+1 415 555 0123", "23"),
    ("+1-415-555-0123", "23"),
    ("+14155550123", "23"),
    ("4155550123", "23"),
    ("555 0123", "23"),
    ("555.0123", "23"),
    ("1-800-555-0199", "99"),
    ("4 1 5 5 5 5 0 1 2 3", "23"),
    ("four one five five five five zero one two three", "23"),
    ("four one five, five five five, oh one two three", "23"),
    ("Four One Five. Five Five Five. Oh One Two Three", "23"),
    ("four fifteen, double five five, oh one twenty three", "23"),
    ("double seven, triple four, oh nine", "09"),
    ("415 five five five 0123", "23"),
    ("plus four four twenty, seven one eight three, eight seven five oh", "50"),
    ("+44\u00a020\u00a07183\u00a08750", "50"),
]
KEPT = [
    "December 11th at 3 PM",
    "2026-12-11T15:00:00",
    "2026-11-25T10:00:00.123456-08:00",
    "slot 2026-11-30 at 10:30",
    "on 2026-12-11 15:00:00 for 3 people",
    "10:30, 11:30 or 12:30",
    "the 14th, the 3rd or the 21st",
    "11.12.2026 and 12/11/2026 and 12-11-2026",
    "$1,250,000 or £45.00",
    "0.0012345",
    "appointment 405af86a-55ae-4228-88d9-c3b39f9ce28a",
    "appointment 12345678-1234-1abc-8d9e-123456789012",
    "thread 0f0d3c2e-4b5a-6c7d-8e9f-0123456789ab~fork-12345678",
    "client 192.168.100.200:8080",
    "born in nineteen eighty five, here since twenty twenty six",
    "ninety nine ninety nine ninety nine",
    "I'm bringing a plus one, oh, and one more",
    "at 9, 10 or 11 on the 3rd",
    "I'd like the 3:30pm slot for 2 people",
]


@pytest.mark.parametrize(("number", "last"), MASKED)
def test_every_form_of_a_number_is_masked_to_its_last_two_digits(number: str, last: str) -> None:
    """A number in any grouping, in words or mixed, becomes *** and its last two digits."""
    assert mask_phones(f"Call me on {number} please.") == f"Call me on ***{last} please."


@pytest.mark.parametrize("text", KEPT)
def test_dates_times_ids_prices_and_short_numbers_stay_readable(text: str) -> None:
    """What analysts need to read, including numbers said as words, is left as it is."""
    assert mask_phones(text) == text


def test_several_numbers_in_a_line_are_each_masked_around_what_is_kept() -> None:
    """Two numbers and a time in one line: each number masked, the time kept."""
    line = "Call 415 555 0123 or +44 20 7183 8750 tomorrow at 10:30 (ask for room 12)"
    assert mask_phones(line) == "Call ***23 or ***50 tomorrow at 10:30 (ask for room 12)"


def test_a_line_break_ends_a_number() -> None:
    """A count at the end of one line does not join a number on the next."""
    assert mask_phones("turns: 3\n4155550123") == "turns: 3\n***23"


def test_masked_reaches_every_string_in_a_structure_and_leaves_numbers() -> None:
    """Strings nested in dicts and lists are masked; ints and floats are not numbers to mask."""
    value: dict[str, Any] = {"understood": {"phone": "+14155550123"}, "tokens": 1234567}
    value["lines"] = ["oh one two three four five six"]
    assert masked(value) == {
        "understood": {"phone": "***23"},
        "lines": ["***56"],
        "tokens": 1234567,
    }
    assert compact(1234567) == "1234567" and "***23" in compact({"x": ("4155550123",)})


def test_held_state_masks_what_understanding_found() -> None:
    """The state shown per turn masks the number in `understood`, not only the `phone` field."""
    shown = held({"understood": {"phone": "+442071838750"}, "phone": "+442071838750"})
    assert shown["understood"] == {"phone": "***50"} and shown["phone"] == "***50"


# Linear time. Each input below once took quadratic time in a draft of the module.
ADVERSARIAL = [
    "four one five, five five five, oh one two three, ",
    "1 2 3 4 a ",
    "1 2 3 4 5 6 one ",
    "1-",
    "a-",
    "a1-",
    " ",
    "-.,()+",
    "1.1.1.1.1a ",
    "0.5 ",
    "o ",
    "2026-12-11T10:00:00+00:00 ",
]


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_masking_work_grows_linearly_with_the_text(unit: str) -> None:
    """Ten times the text makes at most about ten times the calls (quadratic: a hundred).

    Deterministic: Python-level work is counted, not timed. Work inside the regex engine
    is one call whatever it does; that it cannot backtrack is the next test's job.
    """
    text = unit * (100_000 // len(unit) + 1)
    small = calls(partial(mask_phones, text[:10_000]))
    large = calls(partial(mask_phones, text[:100_000]))
    assert large <= 12 * small


def test_no_pattern_can_backtrack_over_a_repeat() -> None:
    """Every unbounded repeat in the masking patterns is possessive, so none gives back."""
    parser = importlib.import_module("re._parser")
    ops = importlib.import_module("re._constants")

    def giving_back(items: Any) -> Iterator[str]:
        for op, av in items:
            if op in (ops.MAX_REPEAT, ops.MIN_REPEAT) and av[1] == ops.MAXREPEAT:
                yield str(op)
            if op in (ops.MAX_REPEAT, ops.MIN_REPEAT, ops.POSSESSIVE_REPEAT):
                inner = [av[2]]
            elif op is ops.SUBPATTERN:
                inner = [av[3]]
            elif op is ops.BRANCH:
                inner = av[1]
            elif op in (ops.ASSERT, ops.ASSERT_NOT):
                inner = [av[1]]
            elif op is ops.ATOMIC_GROUP:
                inner = [av]
            else:
                inner = []
            for nested in inner:
                yield from giving_back(nested)

    patterns = [v for v in vars(privacy).values() if isinstance(v, re.Pattern)]
    assert len(patterns) >= 5
    for pattern in patterns:
        assert not list(giving_back(parser.parse(pattern.pattern, pattern.flags))), pattern


# Logs.


def test_exception_text_and_arguments_are_masked_in_a_log_line() -> None:
    """A number in a logging argument and in an exception's message never reaches the log."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(MaskPhones())
    log = logging.getLogger("tests.masking")
    log.addHandler(handler)
    try:
        try:
            raise ValueError("no user for four one five, five five five, oh one two three")
        except ValueError:
            log.exception("lookup of %s failed", "+44 20 7183 8750")
    finally:
        log.removeHandler(handler)
    text = out.getvalue()
    assert "***50 failed" in text and "ValueError: no user for ***23" in text
    assert "7183" not in text and "five five" not in text


def test_the_server_access_log_keeps_its_fields_and_masks_the_path() -> None:
    """uvicorn's access line is built from the arguments: they stay, with the number masked."""
    configure("INFO")
    access = logging.getLogger("uvicorn.access")
    assert all(
        sum(isinstance(f, MaskPhones) for f in logging.getLogger(n).filters) == 1
        for n in SERVER_LOGGERS
    )
    record = access.makeRecord(
        "uvicorn.access",
        logging.INFO,
        "h",
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/?caller=%2B14155550123", "1.1", 200),
        None,
    )
    assert access.filter(record)
    line = AccessFormatter(use_colors=False).format(record)
    assert "GET /?caller=%2B***23 HTTP/1.1" in line and "200" in line


# A call where the caller gives their number in words and leaves an international one.

THREAD = "spoken-number"
SAID = [
    "four one five, five five five, oh one two three",
    "Ann Bell",
    "can I talk to a person",
    "call me back on +44 20 7183 8750 or double five five, oh one nine nine",
    "no thanks, bye",
]
LEAKS = ["555", "0123", "7183", "8750", "0199", "five five", "double five", "oh one", "+44"]
"""Pieces of the three numbers above; none may be shown."""


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Record the call into a SQLite file of its own."""
    db = tmp_path_factory.mktemp("spoken") / "calls.db"
    with open_receptionist(db, calendar=BusinessCalendar(), clock=fixed_clock(NOW)) as agent:
        call = agent.conversation(THREAD)
        call.start(caller_id=None)
        for line in SAID:
            call.say(line)
    return db


def assert_no_number(text: str) -> None:
    """Fail if `text` shows any piece of the call's numbers, or a number phonenumbers finds."""
    assert [leak for leak in LEAKS if leak in text] == []
    for region in ("US", "GB"):
        found = [m.raw_string for m in phonenumbers.PhoneNumberMatcher(text, region)]
        assert found == [], region


def test_the_stored_summary_masks_the_callers_number_and_the_message(spoken: Path) -> None:
    """The summary names the caller by the last two digits and masks numbers in the message."""
    with SqliteStore(spoken) as store:
        stored = store.get_conversation(THREAD)
    assert stored is not None and stored.summary is not None
    assert stored.summary.startswith("Ann Bell (phone ***23) made no changes.")
    assert "'call me back on ***50 or ***99'" in stored.summary
    assert_no_number(stored.summary)


def test_the_analysts_pages_show_no_number(spoken: Path) -> None:
    """The call list and the call page (transcript, state, changes, summary) are masked."""
    with TestClient(create_app(Database(sqlite_path=spoken))) as page:
        listed, shown = page.get("/").text, page.get(f"/calls/{THREAD}").text
    assert "***23" in listed and "***50" in shown and "***99" in shown
    for html in (listed, shown):
        # the drawings hold coordinates only, which may be any digits
        assert_no_number(re.sub(r"<svg.*?</svg>", "", html, flags=re.S))


@pytest.mark.parametrize(
    "argv",
    [
        ["export", THREAD],
        ["export", THREAD, "--format", "csv"],
        ["export", "--all"],
        ["show", THREAD],
        ["show", THREAD, "--json"],
        ["list"],
        ["list", "--json"],
    ],
)
def test_booking_threads_prints_no_number(spoken: Path, argv: list[str]) -> None:
    """Every `booking threads` view of the call, exports included, is masked."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["threads", "--db", str(spoken), *argv]) == 0
    assert "***23" in out.getvalue()
    assert_no_number(out.getvalue())


def test_a_diff_between_checkpoints_prints_no_number(spoken: Path) -> None:
    """`booking threads diff` across the turns where the numbers were said is masked."""
    history, out = io.StringIO(), io.StringIO()
    with redirect_stdout(history):
        assert main(["threads", "--db", str(spoken), "history", THREAD]) == 0
    first, *_, last = [line.split()[0] for line in history.getvalue().splitlines()]
    with redirect_stdout(out):
        assert main(["threads", "--db", str(spoken), "diff", THREAD, first, last]) == 0
    assert "***23" in out.getvalue()
    assert_no_number(out.getvalue())


def test_a_replay_prints_the_new_lines_masked(spoken: Path, tmp_path: Path) -> None:
    """A fork where the caller says a number shows it masked, as text and as JSON."""
    history = io.StringIO()
    with redirect_stdout(history):
        main(["threads", "--db", str(spoken), "history", THREAD])
    asked = next(line.split()[0] for line in history.getvalue().splitlines() if "waits" in line)
    printed: list[Any] = []
    for extra in ([], ["--json"]):
        out = io.StringIO()
        with redirect_stdout(out):
            argv = ["replay", THREAD, "--from", asked, "--say", SAID[3], "--say", "bye"]
            code = main(
                ["threads", "--db", str(spoken), *argv, "--forks-dir", str(tmp_path), *extra]
            )
        assert code == 0
        printed.append(out.getvalue())
    assert "***50" in printed[0] and "***99" in printed[0]
    assert json.loads(printed[1])["utterances"][0] == "call me back on ***50 or ***99"
    for text in printed:
        assert_no_number(text.replace(str(tmp_path), ""))
