"""An installed copy: one directory in site-packages, and commands that run from it.

The project's top-level folders (graph, store, tokens, ...) are generic names; installed
as top-level packages they would clobber any other distribution of the same name. The
wheel keeps them under `booking_agent/`, and the commands put that directory on their own
import path (`booking/launch.py`). These tests build the wheel from this checkout, install
it into an empty directory and run its command from there, nothing of the checkout on the
path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds and installs the wheel

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("analysts", "booking", "business", "graph", "nodes", "store", "tokens", "voice")
PIP = (sys.executable, "-m", "pip")
IGNORED = (".git", ".venv", "build", "*.egg-info", "__pycache__", "*_cache", "*.db*", "tests")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build this checkout's wheel from a clean copy of it (a build leaves `build/` behind,
    which a later build would reuse), without isolation: setuptools is installed."""
    source = tmp_path_factory.mktemp("source") / "booking-agent"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*IGNORED))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [*PIP, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        cwd=out,
    )
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_adds_one_top_level_directory_holding_every_package(wheel: Path) -> None:
    """Nothing lands in site-packages but booking_agent/ (and its metadata), and every
    package, schema file and page template of the checkout is in it."""
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {
        "booking_agent",
        wheel.name.split("-py")[0] + ".dist-info",
    }
    packages = {
        path.parent.relative_to(ROOT).as_posix()
        for folder in FOLDERS
        for path in (ROOT / folder).rglob("__init__.py")
    }
    missing = {p for p in packages if f"booking_agent/{p}/__init__.py" not in names}
    assert not missing, f"add these to [tool.setuptools] packages: {sorted(missing)}"
    for shipped in (
        "voice_bridge.py",
        "token_api.py",
        "store/sqlite/schema.sql",
        "store/migrations/0001_schema.sql",
        "analysts/templates/call.html",
        "analysts/static/style.css",
    ):
        assert f"booking_agent/{shipped}" in names


def test_the_installed_command_runs_with_no_generic_name_importable(
    wheel: Path, tmp_path: Path
) -> None:
    """Installed into an empty directory, `booking` runs a scenario; the same interpreter
    cannot import a top-level `graph` or `store` before the command sets its own path."""
    target = tmp_path / "site"
    subprocess.run(
        [*PIP, "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    # -S: no site-packages processing, so neither this checkout's editable install nor its
    # .pth files are seen; dependencies come from the test venv's site-packages.
    path = os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]])
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": path, "HOME": str(tmp_path)}
    script = (
        "import importlib.util, sys\n"
        "assert all(importlib.util.find_spec(n) is None for n in ('graph', 'store', 'nodes'))\n"
        "from booking_agent.booking.launch import booking\n"
        "sys.argv = ['booking', *sys.argv[1:]]\n"
        "raise SystemExit(booking())\n"
    )
    scenario = ROOT / "scenarios" / "book_known_caller.yaml"
    run = subprocess.run(
        [sys.executable, "-S", "-c", script, "scenarios", "run", str(scenario)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "PASS book_known_caller" in run.stdout
