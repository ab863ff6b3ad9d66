"""LangGraph's own server runs the call graph: loaded from langgraph.json, driven over HTTP."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.pregel import Pregel
from langgraph.store.memory import InMemoryStore
from langgraph.types import Command
from langgraph_cli.config import validate_config_file

from booking import studio
from booking.settings import get_settings
from store.sqlite import SqliteStore
from tests.conftest import SAM

ROOT = Path(__file__).resolve().parents[2]
GRAPH_ID = "booking"
NOW_ISO = "2026-11-25T10:00:00-08:00"
"""A Wednesday morning, so "tomorrow" is Thursday, November 26th."""
ASK = "I'd like to book an appointment tomorrow at 3pm"
READ_BACK = "Just to confirm: book you for tomorrow, Thursday, November 26th at 3 PM?"

SWITCHES = ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL")
"""Settings that would move the store or the engine off the embedded defaults."""
REMOTE = (
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
    "LANGSMITH_CONTROL_PLANE_API_KEY",
    "LANGGRAPH_CLOUD_LICENSE_KEY",
)
"""Keys that make the server trace to LangSmith or check a license over the network."""
OFFLINE = {
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",  # else the CLI posts usage analytics
    "LANGGRAPH_NO_VERSION_CHECK": "true",  # else the server asks PyPI for a newer release
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
}
IN_MEMORY_SERVER = {
    "DATABASE_URI": ":memory:",
    "REDIS_URI": "fake",
    "MIGRATIONS_PATH": "__inmem",
    "LANGGRAPH_RUNTIME_EDITION": "inmem",
    "LANGSMITH_LANGGRAPH_API_VARIANT": "local_dev",
}
"""What `langgraph dev` sets before langgraph_api reads its configuration at import."""


@pytest.fixture
def booking_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the settings at a fresh SQLite file that knows Sam Lee; close the store after."""
    db = tmp_path / "booking.db"
    with SqliteStore(db) as store:
        store.set_user_name(store.create_user(phone=SAM).id, "Sam Lee")
    monkeypatch.chdir(tmp_path)  # no developer .env is read; the server's files land here
    monkeypatch.setenv("BOOKING_DB", str(db))
    for name in (*SWITCHES, *REMOTE):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield db
    studio.close()
    get_settings.cache_clear()


async def load_as_the_server_does(
    monkeypatch: pytest.MonkeyPatch, checkpointer: BaseCheckpointSaver[Any] | None
) -> Pregel[Any, Any, Any, Any]:
    """Register langgraph.json's graphs and return ours as a run would get it."""
    for name, value in IN_MEMORY_SERVER.items():
        monkeypatch.setenv(name, value)
    # Exactly what `langgraph dev` hands the server: the "graphs" of the validated file.
    graphs = validate_config_file(ROOT / "langgraph.json")["graphs"]
    monkeypatch.setenv("LANGSERVE_GRAPHS", json.dumps(graphs))
    # Imported only now: langgraph_api reads the environment above on its first import.
    server = importlib.import_module("langgraph_api.graph")
    await server.collect_graphs_from_env(register=True)
    async with server.get_graph(
        GRAPH_ID,
        {"configurable": {}},
        checkpointer=checkpointer,
        store=InMemoryStore(),
        access_context="threads.create_run",
    ) as graph:
        assert isinstance(graph, Pregel)
        return graph


def test_langgraph_json_serves_the_call_graph_without_a_checkpointer(
    booking_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's own loader finds the call graph; the export brings no checkpointer."""
    graph = asyncio.run(load_as_the_server_does(monkeypatch, checkpointer=None))
    assert {"greet", "listen", "book", "summarize"} <= set(graph.get_graph().nodes)
    assert asyncio.run(studio.make_graph()).checkpointer is None
    context_schema = graph.get_context_jsonschema()
    assert context_schema is not None and set(context_schema["properties"]) == {"now"}


def test_the_loaded_graph_runs_a_call_from_a_json_context(
    booking_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the server's JSON context, the loaded graph greets Sam and reads a booking back."""
    graph = asyncio.run(load_as_the_server_does(monkeypatch, checkpointer=InMemorySaver()))
    config: RunnableConfig = {"configurable": {"thread_id": "t1"}}

    def reply(payload: Any, context: dict[str, str]) -> str:
        out = asyncio.run(graph.ainvoke(payload, config, context=context))
        return str(out["__interrupt__"][0].value)

    # A run that sends no context gets {} from the server: the embedded defaults.
    assert "Welcome back, Sam Lee" in reply({"call_id": "t1", "caller_id": SAM}, {})
    assert reply(Command(resume=ASK), {"now": NOW_ISO}) == READ_BACK
    assert asyncio.run(graph.aget_state(config)).values["stage"] == "confirm"


@pytest.mark.studio
def test_langgraph_dev_books_over_its_http_api(tmp_path: Path, booking_db: Path) -> None:
    """`langgraph dev` starts offline, and a call over its HTTP API books into BOOKING_DB."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in (*SWITCHES, *REMOTE)}
    env.update(OFFLINE, BOOKING_DB=str(booking_db), PYTHONUNBUFFERED="1")
    # run elsewhere so no developer .env is read; the repo's folders on the path, as
    # `langgraph dev` puts them when started at the repo root (the README's way)
    env["PYTHONPATH"] = str(ROOT)
    log_path = tmp_path / "langgraph-dev.log"
    command = [
        *(sys.executable, "-m", "langgraph_cli", "dev", "--no-browser", "--no-reload"),
        *("--port", str(port), "--config", str(ROOT / "langgraph.json")),
    ]
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the stop below ends only it
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(server, base, log_path, seconds=20)
        with httpx.Client(base_url=base, timeout=10) as client:
            thread_id = client.post("/threads", json={}).json()["thread_id"]

            def run(**payload: Any) -> str:
                body = {"assistant_id": GRAPH_ID, "context": {"now": NOW_ISO}, **payload}
                answer = client.post(f"/threads/{thread_id}/runs/wait", json=body)
                assert answer.status_code == 200, answer.text
                values = answer.json()
                assert "__interrupt__" in values, f"the run did not stop for the caller: {values}"
                return str(values["__interrupt__"][0]["value"])

            assert "Welcome back, Sam Lee" in run(input={"call_id": thread_id, "caller_id": SAM})
            assert run(command={"resume": ASK}) == READ_BACK
            assert "You're booked for tomorrow" in run(command={"resume": "yes"})
            state = client.get(f"/threads/{thread_id}/state").json()
            assert state["next"] == ["listen"] and state["values"]["call_id"] == thread_id
    finally:
        stop(server)
    with SqliteStore(booking_db) as store:
        sam = store.find_user_by_phone(SAM)
        assert sam is not None
        [booked] = store.list_appointments(sam.id)
    assert booked.start == datetime.fromisoformat("2026-11-26T15:00:00-08:00")


def stop(server: subprocess.Popen[bytes]) -> None:
    """End the server's process group (only what this test started)."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def free_port() -> int:
    """Return a TCP port on the loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(server: subprocess.Popen[bytes], base: str, log: Path, *, seconds: float) -> None:
    """Wait for the server's /ok, or fail with the end of its log."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if server.poll() is not None:
            break
        try:
            if httpx.get(f"{base}/ok", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:]
    waited = time.monotonic() - started
    state = f"exited with {server.returncode}" if server.poll() is not None else "no answer"
    pytest.fail(f"`langgraph dev` did not start ({state} after {waited:.0f}s). Its log:\n{tail}")
