"""`booking threads` as an analyst uses it on a SQLite file holding real calls."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from booking.cli import main
from booking.compose import fixed_clock, open_receptionist
from booking.databases import Database
from booking.settings import get_settings
from business.calendar import BusinessCalendar
from tests.conftest import BOOKING_CALL, NOW, SAM, record_booking

STRONG_SECRET = "pX4r9Lq2Vb7Zt1Wm8Ks3Nd6Hf0Jc5Ya2Eu"


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Record one finished booking call and one call still waiting, in a temp SQLite file."""
    db = tmp_path / "calls.db"
    record_booking(Database(sqlite_path=db), "booked-call", open_thread="open-call")
    monkeypatch.setenv("BOOKING_DB", str(db))
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run `booking threads ...` and return what it printed."""
    assert main(["threads", *argv]) == 0
    return capsys.readouterr().out


def checkpoint_ids(out: str) -> list[str]:
    """Return the checkpoint ids of `threads history` output, oldest first."""
    return [line.split()[0] for line in out.splitlines()]


def test_list_shows_both_calls_with_outcome_and_masked_caller(
    calls: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The list names each call's outcome and never prints the caller's full number."""
    out = run(capsys, "list")
    booked = next(line for line in out.splitlines() if line.startswith("booked-call"))
    assert "booked" in booked.split()[1:]
    assert "***23" in booked and "5550123" not in out
    assert "in progress" in next(line for line in out.splitlines() if "open-call" in line)


def test_list_filters_and_json(calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--outcome, --caller and --since narrow the list; --json gives machine-readable rows."""
    rows = json.loads(run(capsys, "list", "--json", "--outcome", "booked"))
    assert [row["thread_id"] for row in rows] == ["booked-call"]
    assert rows[0]["turns"] == 4 and rows[0]["caller"] == "***23"
    assert "booked-call" in run(capsys, "list", "--caller", "415 555 0123")
    assert "open-call" not in run(capsys, "list", "--caller", "415 555 0123")
    assert "booked-call" not in run(capsys, "list", "--since", "2999-01-01")
    # both calls started on 2026-11-25 in the business's zone; --until includes that day
    assert "booked-call" in run(capsys, "list", "--since", "2026-11-25", "--until", "2026-11-25")
    assert "booked-call" not in run(capsys, "list", "--until", "2026-11-24")


def test_show_prints_the_transcript_in_order_with_path_and_state(
    calls: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """show gives each caller line then its reply, in order, with the nodes and the stage."""
    out = run(capsys, "show", "booked-call")
    said = [line for line in out.splitlines() if line.startswith(("caller:", "agent:"))]
    assert said[0].startswith("agent: Thanks for calling")
    assert [line.removeprefix("caller: ") for line in said[1::2]] == BOOKING_CALL
    assert "You're booked" in said[6] and "Goodbye" in said[-1]
    assert re.search(r"path: listen > book \d+ms\n", out)
    assert "stage='ended'" in out and "5550123" not in out
    assert re.search(r"outcome booked  turns 4 .*\ncost: \$0\.0000  understanding rules", out)


def test_show_json_holds_turns_and_state(calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """show --json gives the turns with the state held after each one, and the call's cost."""
    data = json.loads(run(capsys, "show", "booked-call", "--json"))
    assert data["outcome"] == "booked" and data["caller_turns"] == 4
    assert data["cost"]["understanding"] == "rules" and data["cost"]["total_usd"] == 0
    assert json.loads(run(capsys, "show", "open-call", "--json"))["cost"] is None
    assert data["turns"][1]["held"]["task"] == "book"
    assert data["turns"][2]["held"]["pending"]["kind"] == "book"


def test_history_and_diff_show_the_stage_change(
    calls: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """history lists every checkpoint; diff between the first and last shows `stage` moved."""
    out = run(capsys, "history", "booked-call")
    assert "listen" in out and "book" in out and "summarize" in out
    ids = checkpoint_ids(out)
    changes = run(capsys, "diff", "booked-call", ids[len(ids) // 2], ids[-1])
    assert any(line.startswith("~ stage:") for line in changes.splitlines())


def test_export_csv_has_header_and_one_row_per_turn(
    calls: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """export --all --format csv writes a header and the turns of every call."""
    target = tmp_path / "calls.csv"
    run(capsys, "export", "--all", "--format", "csv", "--out", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert target.read_text(encoding="utf-8").startswith("thread_id,turn,caller,agent")
    booked = [row for row in rows if row["thread_id"] == "booked-call"]
    assert [row["caller"] for row in booked[1:]] == BOOKING_CALL
    assert {row["outcome"] for row in booked} == {"booked"}
    assert any(row["thread_id"] == "open-call" for row in rows)


def test_unknown_thread_is_one_line_and_nonzero(
    calls: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A thread id that is not in the checkpoints fails with a clear message."""
    assert main(["threads", "show", "nope"]) == 1
    assert "no such thread: nope" in capsys.readouterr().err


def test_serve_refuses_an_open_address_without_a_secret(
    calls: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Transcripts are never served beyond this machine without ANALYSTS_SECRET."""
    monkeypatch.delenv("ANALYSTS_SECRET", raising=False)
    get_settings.cache_clear()
    assert main(["threads", "serve", "--host", "0.0.0.0"]) == 2
    assert "ANALYSTS_SECRET" in capsys.readouterr().err


def test_serve_refuses_a_weak_secret_at_start(
    calls: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A weak ANALYSTS_SECRET stops `booking` at start, saying how to make one, never echoing it."""
    served: list[object] = []
    monkeypatch.setattr("analysts.web.uvicorn.run", lambda app, **_: served.append(app))
    monkeypatch.setenv("ANALYSTS_SECRET", "hunter2hunter2")
    get_settings.cache_clear()
    assert main(["threads", "serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert re.search(r"ANALYSTS_SECRET .*secrets\.token_urlsafe\(32\)", err)
    assert "hunter2" not in err and not served


def test_serve_opens_an_address_with_a_strong_secret(
    calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a strong ANALYSTS_SECRET, serve takes the open host and every page asks for it."""
    served: dict[str, Any] = {}
    monkeypatch.setattr(
        "analysts.web.uvicorn.run", lambda app, **where: served.update(where, app=app)
    )
    monkeypatch.setenv("ANALYSTS_SECRET", STRONG_SECRET)
    get_settings.cache_clear()
    assert main(["threads", "serve", "--host", "0.0.0.0", "--port", "0"]) == 0
    assert served["host"] == "0.0.0.0"
    with TestClient(served["app"]) as page:
        assert page.get("/").status_code == 401
        assert page.get("/", auth=("analyst", STRONG_SECRET)).status_code == 200


def test_missing_database_file_is_one_line_and_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --db says there is no database there and leaves no empty file behind."""
    typo = tmp_path / "calsl.db"
    for argv in (["list"], ["show", "booked-call"], ["serve", "--port", "0"]):
        assert main(["threads", "--db", str(typo), *argv]) == 1
        assert f"no database at {typo}" in capsys.readouterr().err
    assert not typo.exists()


def test_db_means_the_same_before_the_command_and_after_any_of_its_words(
    calls: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--db` before `threads`, after it, or after the action reads the same file."""
    monkeypatch.setenv("BOOKING_DB", str(tmp_path / "elsewhere.db"))
    get_settings.cache_clear()
    outputs = []
    for argv in (
        ["--db", str(calls), "threads", "list"],
        ["threads", "--db", str(calls), "list"],
        ["threads", "list", "--db", str(calls)],
    ):
        assert main(argv) == 0
        outputs.append(capsys.readouterr().out)
    assert "booked-call" in outputs[0] and outputs[0] == outputs[1] == outputs[2]
    assert not (tmp_path / "elsewhere.db").exists()


@pytest.mark.parametrize(
    "argv",
    [["scenarios", "run", "scenarios"], ["eval-dst", "cases.jsonl"], ["eval-calls", "c.jsonl"]],
)
def test_db_is_refused_by_tools_with_databases_of_their_own(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The scenario runner and the evaluations say --db does not apply, before any work."""
    assert main(["--db", "x.db", *argv]) == 2
    assert "--db does not apply" in capsys.readouterr().err
    assert main([*argv, "--db", "x.db"]) == 2


def test_show_prints_the_summary_and_the_callback_owed(
    calls: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A call that left a message shows its summary and the callback owed, numbers masked;
    a call with none says so."""
    with open_receptionist(
        Database(sqlite_path=calls), calendar=BusinessCalendar(), clock=fixed_clock(NOW)
    ) as agent:
        call = agent.conversation("message-call")
        call.start(caller_id=SAM)
        call.say("can I talk to a real person")
        call.say("please call me back on 415 555 0199 about my bill")
        call.say("no, that's all")
    out = run(capsys, "show", "message-call")
    assert re.search(r"summary: Sam Lee \(phone \*\*\*23\).*Callback requested", out)
    assert re.search(r"callback: open  Sam Lee \*\*\*23  \(message\): .*about my bill", out)
    assert "5550199" not in out and "5550123" not in out
    data = json.loads(run(capsys, "show", "message-call", "--json"))
    assert data["callback"]["reason"] == "message" and data["callback"]["done_at"] is None
    assert "callback: none" in run(capsys, "show", "booked-call")
