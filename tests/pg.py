"""Postgres for the tests: find (or start) a server, and migrated throwaway databases on it.

`server_url()` answers, in this order:
1. `TEST_DATABASE_URL`, when set (it must answer: a configured server is never replaced);
2. `postgresql://postgres@127.0.0.1:5432/postgres`;
3. a Debian cluster found in /etc/postgresql/<version>/main, started with `pg_ctlcluster`;
4. a private server: `initdb` + `pg_ctl start` from /usr/lib/postgresql/*/bin (or PATH)
   into a temporary directory on a free port, run as the `postgres` user when we are
   root (initdb refuses root), stopped and deleted when the interpreter exits.
When none of these works it raises `PostgresNotAvailable` saying what is missing: the
Postgres tests never skip, so CI cannot go green without running them (`tests/servers.py`).

`private_server()` gives a test a server of its own (`PrivateServer`) to stop and start,
for outage tests; `create_database()` makes a (migrated) database on any server; `shape()`
describes what a database's schema is made of, to compare two that should be alike.
"""

from __future__ import annotations

import atexit
import functools
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from store.postgres.migrate import migrate
from tests.servers import ServerNotAvailable, find_server, free_port

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TABLES = "users, appointments, conversations, conversation_turns"


class PostgresNotAvailable(ServerNotAvailable):
    """No Postgres server could be found or started for the tests."""


@functools.cache
def server_url() -> str:
    """Return the URL of a Postgres server the tests may create databases on."""
    return find_server(
        kind="Postgres",
        env="TEST_DATABASE_URL",
        default=DEFAULT_URL,
        failure=_failure,
        starters=[_start_debian_cluster, _start_private_server],
        install="Install PostgreSQL (e.g. apt-get install postgresql) or set TEST_DATABASE_URL"
        " to a server where this user may CREATE DATABASE.",
        error=PostgresNotAvailable,
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
    url = create_database(server, name, migrated=False)
    try:
        if migrated:
            migrate(url)
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))


Shape = dict[str, set[tuple[str, ...]]]
"""What a schema is made of, by kind: columns, constraints, triggers, functions, views."""


def shape(url: str) -> Shape:
    """Return the public schema's columns (type, nullable), constraints (kind), triggers,
    views and functions, extensions' own objects left out.

    `character varying` reads as `text`: the original schema's VARCHAR columns hold what
    ours hold as text. Defaults and constraints' definitions are left out too: they differ
    in spelling alone (uuid_generate_v4() for gen_random_uuid(), a cast to text), or in
    what the original chose (ON DELETE CASCADE), which an adopted database keeps.
    """
    queries = {
        "columns": "SELECT table_name, column_name,"
        " replace(data_type, 'character varying', 'text'), is_nullable"
        " FROM information_schema.columns WHERE table_schema = 'public'",
        "constraints": "SELECT conrelid::regclass::text, conname, contype::text"
        " FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid <> 0",
        "triggers": "SELECT tgrelid::regclass::text, tgname, tgenabled::text FROM pg_trigger"
        " WHERE NOT tgisinternal",
        "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = 'public'",
        "functions": "SELECT proname, pg_get_function_identity_arguments(p.oid) FROM pg_proc p"
        " WHERE pronamespace = 'public'::regnamespace AND NOT EXISTS (SELECT 1 FROM pg_depend d"
        " WHERE d.objid = p.oid AND d.deptype = 'e')",
    }
    with psycopg.connect(url) as conn:
        return {
            kind: {tuple(map(str, row)) for row in conn.execute(query.encode())}
            for kind, query in queries.items()
        }


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
    try:
        server = PrivateServer()
    except PostgresNotAvailable as error:
        return None, str(error)
    atexit.register(server.remove)
    return server.url, f"started a private server in {server.home}"


class PrivateServer:
    """A Postgres server of the tests' own (initdb + pg_ctl), which a test may stop and start.

    It listens on 127.0.0.1 on a free port, trusts local connections, runs as the
    `postgres` user when we are root (initdb refuses root), and lives in a temporary
    directory that `remove()` deletes. `stop()` is `pg_ctl stop -m immediate`, what a
    crash or a pulled plug does to the server; `start()` brings the same data back up.
    """

    def __init__(self) -> None:
        """Create the cluster and start it; raise PostgresNotAvailable saying what is missing."""
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
        initdb = str(bins[-1]) if bins else shutil.which("initdb")
        if initdb is None:
            raise PostgresNotAvailable("no initdb in /usr/lib/postgresql/*/bin or on PATH")
        self._pg_ctl = str(Path(initdb).with_name("pg_ctl"))
        self._as_user: list[str] = []
        self.home = Path(tempfile.mkdtemp(prefix="booking-pg-"))
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresNotAvailable(
                    "running as root (initdb refuses it) and there is no postgres user"
                ) from None
            if shutil.which("runuser") is None:
                raise PostgresNotAvailable(
                    "running as root (initdb refuses it) and runuser is not installed"
                )
            os.chown(self.home, owner.pw_uid, owner.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self._data, self.port = self.home / "data", free_port()
        failed = _run(
            [*self._as_user, initdb, "-D", str(self._data), "-U", "postgres", "-A", "trust", "-N"]
        )
        if failed:
            raise PostgresNotAvailable(f"initdb failed: {failed}")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.start()

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        failed = self._ctl("-l", str(self.home / "log"), "-o", options, "-w", "start")
        if failed:
            raise PostgresNotAvailable(f"pg_ctl start failed: {failed}")

    def stop(self) -> None:
        """Stop the server at once, as a crash would (`pg_ctl stop -m immediate`)."""
        self._ctl("-m", "immediate", "stop")

    def _ctl(self, *args: str) -> str | None:
        """Run pg_ctl on this server's data (as `postgres` when we are root); see `_run`."""
        return _run([*self._as_user, self._pg_ctl, "-D", str(self._data), *args])

    def remove(self) -> None:
        """Stop the server and delete its directory."""
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)


@contextmanager
def private_server() -> Iterator[PrivateServer]:
    """Yield a private server for a test to stop and start; delete it afterwards."""
    server = PrivateServer()
    try:
        yield server
    finally:
        server.remove()


def create_database(server: str, name: str, *, migrated: bool = True) -> str:
    """Create database `name` on `server` (migrated unless told not to); return its URL."""
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = database_url(server, name)
    if migrated:
        migrate(url)
    return url


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
