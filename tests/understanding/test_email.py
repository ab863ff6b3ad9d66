"""E-mail addresses heard as written or as spoken words, or not at all."""

from __future__ import annotations

import pytest

from nodes.understanding.email import find_email


@pytest.mark.parametrize(
    ("said", "address"),
    [
        ("sam.lee@gmail.com", "sam.lee@gmail.com"),
        ("It's Sam.Lee@Example.org.", "sam.lee@example.org"),
        ("sam dot lee at gmail dot com", "sam.lee@gmail.com"),
        ("my email is s a m underscore lee at example dot co dot uk", "sam_lee@example.co.uk"),
        (
            "send it to jo dash ann plus spa at mail dot example dot com",
            "jo-ann+spa@mail.example.com",
        ),
        ("sure, sam at example dot com", "sam@example.com"),
    ],
)
def test_an_address_is_heard_written_or_spoken(said: str, address: str) -> None:
    assert find_email(said) == address


@pytest.mark.parametrize(
    "said",
    [
        "sam at gmail",  # no domain ending: not an address yet
        "I don't have one",
        "a@b.com or c@d.com",  # two: not ours to pick
        "sam at example at com",
        "",
        "x" * 300 + "@example.com",
    ],
)
def test_anything_else_is_not_an_address(said: str) -> None:
    assert find_email(said) is None
