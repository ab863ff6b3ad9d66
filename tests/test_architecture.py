"""The package layers hold, and the core install runs without any optional provider."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure

from tests.conftest import SAM

ROOT = Path(__file__).resolve().parent.parent

CONTRACTS = """
[tool.importlinter]
root_packages = ["graph", "nodes", "store", "business", "booking", "voice", "tokens", "analysts"]

# A package imports only packages below it, so no two of them can import each other,
# directly or through others: `booking` composes everything (CLI, dev tools, Studio);
# `analysts` and `voice` are given what they need by it and by voice_bridge.py; the call
# graph's nodes run on `graph`'s state, context and turn protocol; the store, the business
# calendar and the token server's helpers depend on none of ours.
[[tool.importlinter.contracts]]
name = "top-level packages are layers, so none imports another in a cycle"
type = "layers"
layers = [
    "booking",
    "analysts | voice",
    "nodes",
    "graph",
    "business | store | tokens",
]
ignore_imports = [
    # graph/builder.py wires the nodes: the one module of graph/ that names them
    "graph.builder -> nodes.*",
]

[[tool.importlinter.contracts]]
name = "graph/ imports no node, except graph/builder.py, which wires them"
type = "forbidden"
source_modules = ["graph"]
forbidden_modules = ["nodes"]
allow_indirect_imports = true
ignore_imports = ["graph.builder -> nodes.*"]
"""

OPTIONAL = (
    "livekit",
    "psycopg",
    "psycopg_pool",
    "langgraph.checkpoint.postgres",
    "supabase",
    "postgrest",
    "langchain_openai",
    "openai",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "redis",
    "twilio",
    "icalendar",
)
"""What the extras bring (voice, postgres, supabase, llm, analysts, tokens, notify)."""

CORE_ONLY = f"""
import importlib.abc
import sys

OPTIONAL = {OPTIONAL!r}


class NotInstalled(importlib.abc.MetaPathFinder):
    # Refuse the optional providers, as a core install (no extras) would.
    def find_spec(self, name, path=None, target=None):
        if any(name == blocked or name.startswith(blocked + ".") for blocked in OPTIONAL):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
"""
"""Prepended to a `python -c` program: the optional packages cannot be imported."""


def core_only(
    program: str, *args: str, cwd: Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `program` in a fresh Python whose optional packages cannot be imported.

    It runs in `cwd` with only `env` set, so no `.env` file or variable of this machine
    (an OPENAI_API_KEY, a DATABASE_URL) reaches it.
    """
    return subprocess.run(
        [sys.executable, "-c", CORE_ONLY + textwrap.dedent(program), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=300,
        check=False,
    )


BOOKING_CLI = """
from booking.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_the_packages_keep_their_layers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No top-level package imports one above it, and graph/ names nodes only to wire them."""
    config = tmp_path / "contracts.toml"
    config.write_text(CONTRACTS, encoding="utf-8")
    configure()  # import-linter's readers and graph builder, as its command line sets them
    kept = lint_imports(config_filename=str(config), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out


def test_the_blocker_refuses_every_optional_provider(tmp_path: Path) -> None:
    """The core-only interpreter of these tests cannot import what the extras bring."""
    done = core_only(
        """
        for name in OPTIONAL:
            try:
                __import__(name)
            except ModuleNotFoundError:
                continue
            raise SystemExit(f"{name} was importable")
        """,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_booking_chat_runs_on_the_core_install(tmp_path: Path) -> None:
    """`booking chat` books on SQLite with the rules when no extra is installed."""
    done = core_only(
        BOOKING_CLI,
        "chat",
        "--db",
        str(tmp_path / "core.db"),
        "--phone",
        SAM,
        "--now",
        "2026-11-25T10:00-08:00",
        cwd=tmp_path,
        stdin="Sam Lee\nbook Monday at 10am\nyes\nno, that is all\n",
    )
    assert done.returncode == 0, done.stderr
    assert "You're booked for Monday, November 30th at 10 AM" in done.stdout


@pytest.mark.slow  # every scenario in a fresh process
def test_the_scenario_runner_runs_on_the_core_install(tmp_path: Path) -> None:
    """`booking scenarios run scenarios` passes with no extra, with the scripted LLM engine too."""
    every = core_only(BOOKING_CLI, "scenarios", "run", str(ROOT / "scenarios"), cwd=tmp_path)
    assert every.returncode == 0, every.stdout + every.stderr
    assert every.stdout.rstrip().endswith(" 0 failed")
    one = str(ROOT / "scenarios" / "book_known_caller.yaml")
    scripted = core_only(
        BOOKING_CLI, "scenarios", "run", one, "--engine", "scripted-llm", cwd=tmp_path
    )
    assert scripted.returncode == 0, scripted.stdout + scripted.stderr
    assert "1 passed, 0 failed" in scripted.stdout


@pytest.mark.parametrize(
    ("env", "argv", "extra"),
    [
        ({"DATABASE_URL": "postgresql://localhost/none"}, ["chat"], "postgres"),
        ({"SUPABASE_URL": "http://127.0.0.1:9", "SUPABASE_KEY": "k"}, ["chat"], "supabase"),
        ({"OPENAI_API_KEY": "sk-test"}, ["chat"], "llm"),
        ({"DATABASE_URL": "postgresql://localhost/none"}, ["db", "migrate"], "postgres"),
        ({}, ["threads", "serve"], "analysts"),
        ({}, ["notify", "run", "--once"], "notify"),
    ],
)
def test_a_command_missing_its_extra_names_it(
    tmp_path: Path, env: dict[str, str], argv: list[str], extra: str
) -> None:
    """A command whose provider is not installed says which extra to install, no traceback."""
    db = tmp_path / "calls.db"
    db.touch()
    done = core_only(BOOKING_CLI, *argv, "--db", str(db), cwd=tmp_path, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"pip install 'booking-agent[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("door", "extra"), [("voice_bridge", "voice"), ("token_api", "tokens")])
def test_a_door_missing_its_extra_names_it(tmp_path: Path, door: str, extra: str) -> None:
    """voice_bridge.py and token_api.py without their extra stop with the install line."""
    done = core_only(f"import {door}", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{door}.py: " in done.stderr
    assert f"pip install 'booking-agent[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
