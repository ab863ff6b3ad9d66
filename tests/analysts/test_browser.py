"""The call page in a real headless Chromium: rendered transcript, highlighted path, no network.

Debian's chromium is driven by Playwright (the browser Playwright would download cannot be
fetched here). Missing chromium is a failure that says how to install it, not a skip: `./dev
test` installs it. `python -m tests.analysts.test_browser` rewrites docs/analysts-call.png.
"""

from __future__ import annotations

import shutil
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from analysts.web import create_app
from booking.databases import Database
from booking.devtools.scenarios import load, run_paths

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "list_then_book_then_reschedule_then_cancel"
THREAD = f"scenario-{SCENARIO}"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
FLAGS += ["--disable-background-networking"]


def chromium() -> str:
    """Return the browser's path, failing with how to install it when it is missing."""
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not found:
        pytest.fail(
            "Chromium is missing: install it with `apt-get install -y chromium fonts-dejavu-core`"
            " (./dev test installs it)."
        )
    return found


@contextmanager
def served(db: Path) -> Iterator[str]:
    """Serve the analysts' app on a free loopback port in a thread; yield its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Database(sqlite_path=db)), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the analysts' app did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def browser_page() -> Iterator[Any]:
    """Yield a 1400-pixel-wide page in headless Chromium."""
    path = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=FLAGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 900})
        finally:
            browser.close()


def png_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) of a PNG, checking its signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def call_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Record the scenario's call (books, lists, moves, cancels) into a SQLite file."""
    folder = tmp_path_factory.mktemp("browser")
    assert run_paths([str(ROOT / "scenarios" / f"{SCENARIO}.yaml")], keep=folder) == 0
    return folder / f"{SCENARIO}.db"


def test_call_page_renders_transcript_and_path_offline(call_db: Path, tmp_path: Path) -> None:
    """Chromium shows the transcript and the highlighted path, follows a turn, asks no one else."""
    spec = load(ROOT / "scenarios" / f"{SCENARIO}.yaml")
    said = [str(turn["caller"]) for turn in spec["turns"] if "caller" in turn]
    with served(call_db) as base, browser_page() as page:
        requests: list[str] = []
        problems: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{base}/calls/{THREAD}")
        page.wait_for_load_state("networkidle")

        assert page.locator(".turn .caller .text").all_inner_texts() == said
        ran = page.locator("svg.callgraph g.node.visited").evaluate_all(
            "nodes => nodes.map(n => n.dataset.node)"
        )
        assert {"book", "reschedule", "cancel", "retrieve", "select", "confirm"} <= set(ran)
        assert not {"register", "clarify", "take_message"} & set(ran)

        page.click('.picker .chip[data-turn="9"]')  # "yes": the move is made
        now = page.locator("svg.callgraph g.node.now").evaluate_all(
            "nodes => nodes.map(n => n.dataset.node)"
        )
        assert set(now) == {"listen", "reschedule"}
        assert "reschedule" in page.locator("#caption").inner_text()
        amber = page.locator('svg.callgraph g.edge.now[data-edge="listen>reschedule"] .line')
        assert amber.evaluate("line => getComputedStyle(line).stroke") == "rgb(217, 119, 6)"

        shot = tmp_path / "call.png"
        page.screenshot(path=str(shot), full_page=True)
    width, height = png_size(shot.read_bytes())
    assert width == 1400 and height > 1500 and shot.stat().st_size > 50_000
    assert all(url.startswith(base) for url in requests), requests
    assert problems == []


def write_docs_picture(target: Path = ROOT / "docs" / "analysts-call.png") -> None:
    """Screenshot the top of the scenario call's page into the docs."""
    with tempfile.TemporaryDirectory() as tmp:
        run_paths([str(ROOT / "scenarios" / f"{SCENARIO}.yaml")], keep=Path(tmp))
        with served(Path(tmp) / f"{SCENARIO}.db") as base, browser_page() as page:
            page.goto(f"{base}/calls/{THREAD}#turn-9")
            page.wait_for_load_state("networkidle")
            target.parent.mkdir(parents=True, exist_ok=True)
            bottom = page.evaluate(
                "document.querySelector('.two').getBoundingClientRect().bottom + scrollY"
            )
            top = {"x": 0, "y": 0, "width": 1400, "height": bottom}
            page.screenshot(path=str(target), full_page=True, clip=top)


if __name__ == "__main__":
    write_docs_picture()
