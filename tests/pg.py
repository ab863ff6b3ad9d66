"""Postgres for the tests: find (or start) a server, and migrated throwaway databases on it.

`server_url()` answers, in this order:
1. `TEST_DATABASE_URL`, when set (it must answer: a configured server is never replaced);
2. `postgresql://postgres@127.0.0.1:5432/postgres`;
3. a Debian cluster found in /etc/postgresql/<version>/main, started with `pg_ctlcluster`;
4. a private server: `initdb` + `pg_ctl start` from /usr/lib/postgresql/*/bin (or PATH)
   into a temporary directory on a free port, run as the `postgres` user when we are
   root (initdb refuses root), stopped and deleted when the interpreter exits.
When none of these works it raises `PostgresNotAvailable` saying what is missing: the
Postgres tests never skip, so CI cannot go green without running them.
"""

from __future__ import annotations

import atexit
import functools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from store.migrate import migrate

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TABLES = "users, appointments, conversations, conversation_turns"


class PostgresNotAvailable(RuntimeError):
    """No Postgres server could be found or started for the tests."""


@functools.cache
def server_url() -> str:
    """Return the URL of a Postgres server the tests may create databases on."""
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit:
        failure = _failure(explicit)
        if failure is None:
            return explicit
        raise PostgresNotAvailable(f"TEST_DATABASE_URL is set but does not answer: {failure}")
    tried = [f"{DEFAULT_URL}: {_failure(DEFAULT_URL) or 'ok'}"]
    if tried[0].endswith(": ok"):
        return DEFAULT_URL
    for start in (_start_debian_cluster, _start_private_server):
        url, note = start()
        tried.append(note)
        if url is not None:
            return url
    raise PostgresNotAvailable(
        "no Postgres server for the tests. Tried:\n  - "
        + "\n  - ".join(tried)
        + "\nInstall PostgreSQL (e.g. apt-get install postgresql) or set TEST_DATABASE_URL"
        " to a server where this user may CREATE DATABASE."
    )


def database_url(server: str, name: str) -> str:
    """Return `server` (a URL or a key=value string) pointed at database `name`."""
    if "://" not in server:
        return make_conninfo(server, dbname=name)
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def throwaway_database(*, migrated: bool = True) -> Iterator[str]:
    """Create `booking_test_<hex>` (migrated unless told not to), yield its URL, drop it."""
    server = server_url()
    name = f"booking_test_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = database_url(server, name)
        if migrated:
            migrate(url)
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))


def truncate(url: str) -> None:
    """Empty every store table, so a test starts from a clean database."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE".encode())


def _failure(url: str) -> str | None:
    """Return why `url` does not answer, or None when it does."""
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    return None


def _start_debian_cluster() -> tuple[str | None, str]:
    """Start the newest cluster in /etc/postgresql with pg_ctlcluster; return (url, note)."""
    clusters = sorted(Path("/etc/postgresql").glob("*/main"), key=lambda p: p.parent.name)
    if not clusters:
        return None, "no Debian cluster in /etc/postgresql/<version>/main"
    if shutil.which("pg_ctlcluster") is None:
        return None, f"{clusters[-1]} exists but pg_ctlcluster is not installed"
    version, port = clusters[-1].parent.name, _configured_port(clusters[-1] / "postgresql.conf")
    done = _run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    failure = _failure(url)
    if failure is None:
        return url, f"started cluster {version}/main"
    return None, f"pg_ctlcluster {version} main start: {done or 'ran'}; then {url}: {failure}"


def _start_private_server() -> tuple[str | None, str]:
    """initdb + pg_ctl a throwaway server on a free port; return (url, note)."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    initdb = str(bins[-1]) if bins else shutil.which("initdb")
    if initdb is None:
        return None, "no initdb in /usr/lib/postgresql/*/bin or on PATH"
    pg_ctl = str(Path(initdb).with_name("pg_ctl"))
    as_user: list[str] = []
    home = Path(tempfile.mkdtemp(prefix="booking-pg-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root (initdb refuses it) and there is no postgres user"
        if shutil.which("runuser") is None:
            return None, "running as root (initdb refuses it) and runuser is not installed"
        os.chown(home, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = home / "data", _free_port()
    failed = _run([*as_user, initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-N"])
    if failed:
        return None, f"initdb failed: {failed}"
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [pg_ctl, "-D", str(data), "-l", str(home / "log"), "-o", options, "-w", "start"]
    failed = _run([*as_user, *start])
    if failed:
        return None, f"pg_ctl start failed: {failed}"
    atexit.register(_stop, [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], home)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    return url, f"started a private server in {home}"


def _stop(command: list[str], home: Path) -> None:
    """Stop the private server and delete its directory."""
    _run(command)
    shutil.rmtree(home, ignore_errors=True)


def _run(command: list[str]) -> str | None:
    """Run a command; return None on success, else the last line of its output."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def _configured_port(conf: Path) -> int:
    """Return the `port` a postgresql.conf sets (5432 when it sets none)."""
    try:
        text = conf.read_text(encoding="utf-8")
    except OSError:
        return 5432
    for raw in text.splitlines():
        setting = raw.split("#", 1)[0].strip()
        if setting.startswith("port") and "=" in setting:
            return int(setting.split("=", 1)[1].strip())
    return 5432


def _free_port() -> int:
    """Return a TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
