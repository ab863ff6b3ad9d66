"""The deployment files: Dockerfile, .dockerignore and compose.yaml, checked without Docker.

No container runs on the test machines, so each file is checked for what holds without
one: the Dockerfile's install steps run as plain commands in a fresh virtualenv, on the
build context .dockerignore leaves; compose.yaml brings up every service the worker needs,
in order, and sets only variables the settings read; and the worker, started with the
compose environment but no LiveKit server, fails with a sentence.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic_settings import BaseSettings

from booking.settings import Settings
from tests.pg import throwaway_database
from tests.servers import free_port
from tokens.settings import TokenSettings
from tokens.strength import is_placeholder
from voice.settings import VoiceSettings

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES: dict[str, tuple[type[BaseSettings], ...]] = {
    "migrate": (Settings,),
    "worker": (Settings, VoiceSettings),
    "tokens": (TokenSettings,),
}
"""The services that run this project's image, and the settings each of them reads."""
STRONG = "q7Rz-2xWvK9sLmP4tY8bN3cHdF6gJ0aE"
"""A LiveKit secret our settings accept: 32 characters, no pattern."""
GIVEN = {"LIVEKIT_API_SECRET": STRONG, "DEEPGRAM_API_KEY": "dg", "CARTESIA_API_KEY": "ca"}
"""What a user puts in .env before `docker compose up` (compose.yaml's header)."""
MACHINE = ("PIP_", "SSL_CERT_", "REQUESTS_CA_BUNDLE")
"""This machine's settings for reaching its package index, kept for the install steps."""


# --- the Dockerfile ----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One Dockerfile instruction: its keyword (upper case) and the rest of its line."""

    keyword: str
    args: str


def dockerfile_stages() -> tuple[list[Step], list[list[Step]]]:
    """Return the global instructions (ARGs before the first FROM) and each stage's."""
    text = (ROOT / "Dockerfile").read_text()
    # comment lines go first: Docker drops them, even inside a continued instruction
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    steps = [
        Step(keyword.upper(), args.strip())
        for keyword, _, args in (line.strip().partition(" ") for line in joined.splitlines())
        if keyword
    ]
    first = next(i for i, step in enumerate(steps) if step.keyword == "FROM")
    stages: list[list[Step]] = []
    for step in steps[first:]:
        if step.keyword == "FROM":
            stages.append([])
        stages[-1].append(step)
    return steps[:first], stages


def expand(text: str, variables: Mapping[str, str]) -> str:
    """Replace `$NAME` and `${NAME}` with known values, as Docker does for ARG and ENV."""

    def value(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        return variables.get(name, match[0])

    return re.sub(r"\$\{(\w+)\}|\$(\w+)", value, text)


def assignments(args: str) -> Iterator[tuple[str, str]]:
    """Yield the NAME=value pairs of an ARG or ENV instruction (a bare ARG has no value)."""
    for word in shlex.split(args):
        name, _, value = word.partition("=")
        yield name, value


def unprivileged_steps() -> Iterator[tuple[str, list[tuple[Step, bool]]]]:
    """Yield the build stage and the runtime stage, each with its parent's instructions
    first, every instruction flagged with whether it runs without root: the build stage's
    RUNs and the runtime stage's after USER (adduser is the image's business, not ours)."""
    base, build, final = dockerfile_stages()[1]
    inherited = [(step, False) for step in base[1:]]
    yield "build", inherited + [(step, True) for step in build[1:]]
    user = next(i for i, step in enumerate(final) if step.keyword == "USER")
    yield "final", inherited + [(step, i > user) for i, step in enumerate(final)]


def run_as_plain_commands(*, context: Path, venv: Path, home: Path) -> None:
    """Run the image's install steps on this machine, `venv` standing for /opt/venv: the
    build stage's in `context` (its copy of the sources), the runtime stage's in `home`."""
    shim = home / "shim"  # `python` is the base image's interpreter: here, the one under pytest
    shim.mkdir()
    (shim / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    # how this machine reaches its package index: pip's own settings, TLS roots, proxies
    reach = {k: v for k, v in os.environ.items() if k.startswith(MACHINE) or "proxy" in k.lower()}
    start = reach | {"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}", "HOME": str(home)}
    for stage, steps in unprivileged_steps():
        env = dict(start)
        for step, runs in steps:
            args = step.args.replace("/opt/venv", str(venv))
            if step.keyword in ("ARG", "ENV"):
                env |= {name: expand(value, env) for name, value in assignments(args)}
            elif step.keyword == "RUN" and runs:
                command = expand(re.sub(r"^(--\S+\s+)+", "", args), env)  # no --mount here
                done = subprocess.run(
                    ["/bin/sh", "-c", command],
                    cwd=context if stage == "build" else home,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                assert done.returncode == 0, f"RUN {command}\n{done.stdout}\n{done.stderr}"


def test_the_dockerfile_builds_one_image_for_both_commands_as_a_user_without_privileges() -> None:
    """The base image is pinned, the runtime stage runs as a non-root user, reads no secret
    at build time, and its default command is the worker; the token server is the other."""
    global_args, stages = dockerfile_stages()
    image = dict(assignments(" ".join(step.args for step in global_args)))["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:3\.\d+\.\d+-slim-\w+", image), "pin the Python release"
    final = stages[-1]
    users = [step.args for step in final if step.keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert [step.args for step in final if step.keyword == "CMD"] == ['["booking-voice", "start"]']
    text = (ROOT / "Dockerfile").read_text()
    assert "booking-tokens" in text
    for secret in ("LIVEKIT_API_SECRET", "DEEPGRAM_API_KEY", "CARTESIA_API_KEY", "DATABASE_URL"):
        assert secret not in text, f"{secret} arrives at run time, never in the image"


# --- the build context (.dockerignore) ---------------------------------------------------


_GLOB = {"**/": "(.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
"""How Docker's pattern syntax (Go's filepath.Match, plus **) reads, as regular expressions."""


def dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    """Return .dockerignore's patterns in order: (excludes?, the path it matches)."""
    patterns = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            glob = line.lstrip("!").strip("/")
            tokens = re.findall(r"\*\*/|\*\*|\*|\?|\[[^]]*\]|[^*?[]+", glob)
            regex = "".join(
                _GLOB.get(token, token if token.startswith("[") else re.escape(token))
                for token in tokens
            )
            patterns.append((not line.startswith("!"), re.compile(regex)))
    return patterns


def ignored(path: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Tell whether Docker leaves `path` (relative, with /) out of the build context: the
    last pattern that matches the path or one of its parent directories decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    verdict = False
    for excludes, pattern in patterns:
        if any(pattern.fullmatch(candidate) for candidate in candidates):
            verdict = excludes
    return verdict


def build_context(destination: Path) -> Path:
    """Copy the files `docker build .` would send from this checkout into `destination`."""
    patterns = dockerignore()
    reopened = [p.pattern for excludes, p in patterns if not excludes]
    for directory, subdirectories, files in os.walk(ROOT):
        here = Path(directory).relative_to(ROOT)
        prefix = "" if here == Path() else f"{here.as_posix()}/"
        # a left-out directory no `!` pattern reaches into is not walked (.git, .venv)
        subdirectories[:] = [
            name
            for name in subdirectories
            if not ignored(prefix + name, patterns)
            or any(again.startswith(re.escape(f"{prefix}{name}/")) for again in reopened)
        ]
        for name in files:
            if not ignored(prefix + name, patterns):
                target = destination / prefix / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(directory) / name, target)
    return destination


def test_the_build_context_holds_the_project_and_nothing_secret_or_local() -> None:
    """Every package pyproject installs, its metadata files and the two entry scripts are
    sent to Docker; env files, databases, virtualenvs, tests and caches are not."""
    patterns = dockerignore()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = project["tool"]["setuptools"]["packages"]
    folders = {name.split(".")[1] for name in packages if "." in name}
    for kept in ["pyproject.toml", "README.md", "LICENSE", "voice_bridge.py", "token_api.py"]:
        assert not ignored(kept, patterns), kept
    for folder in folders:
        assert not ignored(f"{folder}/__init__.py", patterns), f"add !{folder} to .dockerignore"
    for left_out in [
        ".env",
        ".env.local",
        "booking.db",
        "booking.db-wal",
        "store/x.db",
        "voice/.env",
        ".venv/bin/python",
        ".git/config",
        "tests/test_deploy.py",
        "booking/__pycache__/a.pyc",
        "py_spy-0.4.3-py2.py3-none-manylinux1_x86_64.whl",
        "booking.db.forks/f.db",
    ]:
        assert ignored(left_out, patterns), left_out


@pytest.mark.slow  # a fresh virtualenv with every dependency: about a minute
def test_the_images_install_steps_run_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    """The Dockerfile's RUN steps, as plain commands on the build context: the virtualenv
    installs from wheels only, LiveKit's download-files succeeds, and the installed
    commands the compose file runs are there and import."""
    context = build_context(tmp_path / "src")
    venv, home = tmp_path / "venv", tmp_path / "app"
    home.mkdir()
    run_as_plain_commands(context=context, venv=venv, home=home)
    for service in APP_SERVICES:
        command = compose()["services"][service]["command"][0]
        assert (venv / "bin" / command).exists(), f"{service}: {command} is not installed"
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    command = [venv / "bin" / "booking-voice", "--help"]  # imports the worker, all of it
    shown = subprocess.run(command, env=env, cwd=home, capture_output=True, check=False)
    assert shown.returncode == 0, shown.stderr


# --- compose.yaml --------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}")


def interpolate(value: Any, given: Mapping[str, str]) -> Any:
    """Resolve compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}` as compose does."""
    if isinstance(value, dict):
        return {key: interpolate(item, given) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, given) for item in value]
    if not isinstance(value, str):
        return value

    def resolve(match: re.Match[str]) -> str:
        if match[0] == "$$":
            return "$"
        name, colon, kind, word = match.groups()
        current = given.get(name)
        unset = current is None or (colon == ":" and current == "")
        if kind == "?" and unset:
            raise KeyError(f"{name}: {word}")
        return word if unset and kind == "-" else current or ""

    return _VARIABLE.sub(resolve, value)


def compose(given: Mapping[str, str] = GIVEN) -> dict[str, Any]:
    """Return compose.yaml as compose reads it with `given` as .env (anchors merged)."""
    parsed: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    resolved: dict[str, Any] = interpolate(parsed, given)
    return resolved


def environment(service: str, given: Mapping[str, str] = GIVEN) -> dict[str, str]:
    """Return the variables compose.yaml sets for `service`, as strings."""
    return {k: str(v) for k, v in compose(given)["services"][service]["environment"].items()}


def published(service: Mapping[str, Any]) -> set[tuple[int, int, str]]:
    """Return a service's published ports: (host port, container port, protocol)."""
    ports = set()
    for entry in service.get("ports", []):
        mapping, _, protocol = str(entry).partition("/")
        *_, host, container = mapping.split(":")
        ports.add((int(host), int(container), protocol or "tcp"))
    return ports


def test_compose_brings_up_every_service_the_worker_needs_in_order() -> None:
    """LiveKit, Postgres, Redis, the one-shot migration, the worker and the token server;
    the worker starts after LiveKit and Postgres are healthy and the migration succeeded."""
    services = compose()["services"]
    assert set(services) == {"livekit", "postgres", "redis", "migrate", "worker", "tokens"}
    waits = {name: service.get("depends_on", {}) for name, service in services.items()}
    assert waits["worker"] == {
        "livekit": {"condition": "service_healthy"},
        "postgres": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert waits["migrate"] == {"postgres": {"condition": "service_healthy"}}
    assert waits["tokens"] == {"redis": {"condition": "service_healthy"}}
    assert services["migrate"]["command"] == ["booking", "db", "migrate"]
    assert services["migrate"].get("restart") == "no"
    for name, service in services.items():
        assert name == "migrate" or "healthcheck" in service, f"{name} has no healthcheck"
    assert environment("migrate")["DATABASE_URL"] == environment("worker")["DATABASE_URL"]
    assert urlsplit(environment("worker")["DATABASE_URL"]).hostname == "postgres"
    assert urlsplit(environment("tokens")["REDIS_URL"]).hostname == "redis"


def test_compose_sets_only_variables_the_settings_read_and_runs_installed_commands() -> None:
    """Each variable set for a service of our image names a field of the settings that
    service reads, and each command is one of pyproject's scripts."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    for service, readers in APP_SERVICES.items():
        fields = {name.upper() for reader in readers for name in reader.model_fields}
        unknown = set(environment(service)) - fields
        assert not unknown, f"{service} sets variables nothing reads: {sorted(unknown)}"
        assert compose()["services"][service]["command"][0] in scripts


def test_the_worker_and_browsers_reach_livekit_where_compose_serves_it() -> None:
    """The worker, in LiveKit's network, and the token server's callers, through the
    published port, use LiveKit's port; all three share one key and secret."""
    services = compose()["services"]
    assert services["worker"]["network_mode"] == "service:livekit"
    health = " ".join(services["livekit"]["healthcheck"]["test"])
    for service in ("worker", "tokens"):
        url = urlsplit(environment(service)["LIVEKIT_URL"])
        assert url.scheme == "ws" and url.hostname in ("localhost", "127.0.0.1")
        assert (url.port, url.port, "tcp") in published(services["livekit"]), service
        assert f":{url.port}/" in health
    worker, tokens = environment("worker"), environment("tokens")
    for name in ("LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        assert worker[name] == tokens[name]
    keys = environment("livekit")["LIVEKIT_KEYS"]
    assert keys == f"{worker['LIVEKIT_API_KEY']}: {worker['LIVEKIT_API_SECRET']}"


def test_compose_commits_no_secret_and_its_defaults_pass_the_apps_checks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without LIVEKIT_API_SECRET, DEEPGRAM_API_KEY or CARTESIA_API_KEY in .env compose
    refuses to start; with them, each service's settings accept what compose sets, the
    token server's checks of the LiveKit URL, key and secret included."""
    for name in GIVEN:
        with pytest.raises(KeyError, match=name):
            compose({key: value for key, value in GIVEN.items() if key != name})
    assert not is_placeholder(environment("worker")["LIVEKIT_API_KEY"])
    monkeypatch.chdir(tmp_path)  # no .env of this checkout
    for service, readers in APP_SERVICES.items():
        for name in {field.upper() for reader in readers for field in reader.model_fields}:
            monkeypatch.delenv(name, raising=False)
        for name, value in environment(service).items():
            monkeypatch.setenv(name, value)
        for reader in readers:
            reader()  # raises on a value the app refuses


# --- the worker with no LiveKit ----------------------------------------------------------


def run(command: list[str], *, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run one of compose's commands to its end (bounded: a hung worker fails the test)."""
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.postgres
def test_the_worker_without_livekit_fails_with_a_sentence(tmp_path: Path) -> None:
    """Started as compose starts it, after the migration, with nothing at LIVEKIT_URL, the
    worker exits non-zero saying it cannot reach LiveKit there, with no traceback."""
    bin_ = Path(sys.executable).parent
    base = {"PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    livekit = f"ws://127.0.0.1:{free_port()}"
    with throwaway_database(migrated=False) as database:
        services = compose()["services"]
        env = base | environment("migrate") | {"DATABASE_URL": database}
        done = run(services["migrate"]["command"], env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        env = base | environment("worker") | {"DATABASE_URL": database, "LIVEKIT_URL": livekit}
        env["VOICE_CONNECT_RETRIES"] = "1"  # LiveKit's 16 tries take two minutes
        done = run(services["worker"]["command"], env=env, cwd=tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("voice_bridge.py: ") and livekit in last, last


def test_the_worker_with_a_broken_business_file_fails_with_its_line(tmp_path: Path) -> None:
    """A business file with a mistake stops the worker before it registers: one sentence
    naming the file's line, no traceback."""
    broken = tmp_path / "business.yaml"
    broken.write_text(
        'timezone: America/Los_Angeles\nhours: {mon-fri: "09:00-17:00"}\nslot_minute: 30\n'
    )
    bin_ = Path(sys.executable).parent
    env = {
        "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "BUSINESS_FILE": str(broken),
        "BOOKING_DB": str(tmp_path / "booking.db"),
    }
    done = run([sys.executable, str(ROOT / "voice_bridge.py"), "start"], env=env, cwd=tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("voice_bridge.py: ") and "line 3" in last and "slot_minute" in last, last
