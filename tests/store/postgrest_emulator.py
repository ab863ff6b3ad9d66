"""An in-process PostgREST emulator: an httpx transport that answers over a real Postgres.

It emulates only the part of PostgREST (as Supabase serves it under /rest/v1) that
`store.supabase.SupabaseStore` uses, and refuses the rest with a PostgREST-style 400:

- GET /rest/v1/<table>?select=a,b&col=<op>.<value>&order=a.asc,b.desc&limit=N&offset=N,
  with the operators eq, neq, gt, gte, lt, lte, is (null/true/false) and in.(a,"b c"),
  each negated by a `not.` before it;
- POST /rest/v1/<table> with a JSON object or array: a plain insert, or with
  Prefer resolution=ignore-duplicates / merge-duplicates (and ?on_conflict=a,b, default
  the primary key) an INSERT ... ON CONFLICT DO NOTHING / DO UPDATE; Prefer
  return=representation (201 and the rows, ?select= narrowing them) or return=minimal;
- PATCH /rest/v1/<table>?<filters> with a JSON object, returning like POST (200 / 204);
- POST /rest/v1/rpc/<function> with named arguments as a JSON object (a JSON array of
  scalars for an array parameter), answering the one composite row the function returns as
  a JSON object, a scalar as a bare JSON value, and the rows of a set-returning function
  as a JSON array.

The SQL functions it calls are the real ones from store/migrations, run in the real
database, and every request runs in its own transaction as PostgREST's does, so the
integrity under test is the database's. Table, column and function names are checked
against allow-lists and quoted as identifiers; values only ever travel as query parameters
(bodies through json_populate_recordset, like PostgREST). Database errors come back as
PostgREST does it: {"code", "details", "hint", "message"} with PostgREST's SQLSTATE to
HTTP status table (23505/23503 -> 409, P0001 and unlisted codes such as BK404 -> 400).
It connects as the database owner, standing in for the service-role key, which bypasses
row-level security on Supabase too. A request without the expected apikey and bearer
token gets the gateway's 401.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

TABLES: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "users": (
        frozenset({"id", "contact_number", "name", "email", "created_at", "updated_at"}),
        ("id",),
    ),
    "appointments": (
        frozenset(
            {"id", "user_id", "date", "time", "slot", "start_at", "end_at", "blocked_until"}
            | {"duration_min", "buffer_min", "service", "staff", "status", "notes"}
            | {"idempotency_key", "cancel_key", "rescheduled_from", "legacy_overlap"}
            | {"created_at", "updated_at"}
        ),
        ("id",),
    ),
    "conversations": (
        frozenset(
            {"id", "thread_id", "user_id", "started_at", "ended_at", "outcome", "summary"}
            | {"appointments_discussed", "preferences_mentioned", "transcript"}
            | {"cost_breakdown", "created_at", "updated_at"}
        ),
        ("id",),
    ),
    "conversation_turns": (
        frozenset({"thread_id", "idx", "role", "text", "at", "interrupted"}),
        ("thread_id", "idx"),
    ),
    "identity_checks": (frozenset({"id", "user_id", "at", "passed"}), ("id",)),
    "notices": (
        frozenset(
            {"id", "appointment_id", "callback_id", "kind", "reminder_minutes", "due_at"}
            | {"status"}
            | {"attempts", "leased_by", "lease_until", "created_at", "finished_at"}
        ),
        ("id",),
    ),
    "deliveries": (frozenset({"id", "notice_id", "channel", "at", "ok", "detail"}), ("id",)),
    "callbacks": (
        frozenset(
            {"id", "conversation_id", "user_id", "phone", "name", "need", "reason"}
            | {"created_at", "done_at", "done_by"}
        ),
        ("id",),
    ),
    "conversation_overview": (  # a view: the adapter only reads it
        frozenset({"thread_id", "started_at", "ended_at", "outcome", "contact_number"})
        | {"caller_turns", "last_at"},
        ("thread_id",),
    ),
}
"""Table -> (columns, primary key): what the adapter may name."""

FUNCTIONS: dict[str, frozenset[str]] = {
    "book_appointment": frozenset(
        {"p_user_id", "p_start", "p_duration_min", "p_key", "p_timezone", "p_notes"}
        | {"p_service", "p_staff", "p_buffer_min"}
    ),
    "cancel_appointment": frozenset({"p_user_id", "p_appointment_id", "p_key"}),
    "reschedule_appointment": frozenset(
        {"p_user_id", "p_appointment_id", "p_new_start", "p_key", "p_timezone"}
        | {"p_staff", "p_duration_min", "p_buffer_min", "p_service", "p_set_service"}
    ),
    "close_appointment": frozenset({"p_appointment_id", "p_status", "p_now"}),
    "complete_past": frozenset({"p_before"}),
    "schedule_reminders": frozenset({"p_now", "p_minutes"}),
    "claim_notices": frozenset({"p_now", "p_limit", "p_lease_until", "p_worker"}),
    "finish_notice": frozenset({"p_id", "p_worker", "p_outcome"}),
    "retry_notice": frozenset({"p_id", "p_worker", "p_at"}),
    "reminded_appointment": frozenset({"p_user_id", "p_channel"}),
    "request_callback": frozenset(
        {"p_conversation_id", "p_user_id", "p_phone", "p_name", "p_need", "p_reason", "p_at"}
    ),
}
"""Function -> its parameter names: the rpc() calls the adapter may make."""

RETURNS_SET = frozenset({"claim_notices"})
"""The functions returning SETOF rows, which PostgREST answers with a JSON array."""

_OPS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_IS = {"null": "NULL", "true": "TRUE", "false": "FALSE", "unknown": "UNKNOWN"}
_RESERVED = {"select", "order", "limit", "offset", "on_conflict", "columns"}
_EXACT_STATUS = {
    "23503": 409,
    "23505": 409,
    "25006": 405,
    "P0001": 400,
    "42883": 404,
    "42P01": 404,
    "42P17": 500,
    "42501": 403,
    "53400": 500,
}
_CLASS_STATUS = {
    "08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500,
    "38": 500, "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500,
    "57": 500, "58": 500, "F0": 500, "HV": 500, "P0": 500, "XX": 500,
}  # fmt: skip
_AGG = sql.SQL("SELECT coalesce(json_agg(pgrst_t), '[]')::text FROM ({}) pgrst_t")


def http_status(sqlstate: str) -> int:
    """Return the HTTP status PostgREST answers a SQLSTATE with (unlisted codes: 400)."""
    return _EXACT_STATUS.get(sqlstate) or _CLASS_STATUS.get(sqlstate[:2], 400)


class Refused(Exception):
    """A request outside the emulated subset, or one PostgREST itself would reject."""

    def __init__(self, status: int, code: str, message: str, hint: str | None = None) -> None:
        """Record the PostgREST-style error to answer with."""
        super().__init__(message)
        self.status, self.code, self.message, self.hint = status, code, message, hint


def _error(status: int, code: str | None, message: str, **more: Any) -> httpx.Response:
    """Return a PostgREST-shaped error response."""
    body = {"code": code, "details": more.get("details"), "hint": more.get("hint")}
    return httpx.Response(status, json={**body, "message": message})


class PostgrestEmulator(httpx.BaseTransport):
    """Answer the adapter's PostgREST requests with SQL on `database_url`."""

    def __init__(self, database_url: str, *, key: str) -> None:
        """Serve `database_url` to clients presenting `key` as apikey and bearer token."""
        self._url, self._key = database_url, key
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close every pooled connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request the way PostgREST behind the Supabase gateway would."""
        if request.headers.get("apikey") != self._key:
            return httpx.Response(401, json={"message": "Invalid API key"})
        if request.headers.get("authorization") != f"Bearer {self._key}":
            return _error(401, "PGRST301", "JWT could not be decoded")
        try:
            query, args, status = self._plan(request)
            return self._run(query, args, status, request)
        except Refused as exc:
            return _error(exc.status, exc.code, exc.message, hint=exc.hint)
        except psycopg.Error as exc:
            code = exc.sqlstate
            if code is None:  # no SQLSTATE: the database could not be reached
                return _error(503, "PGRST000", "Could not connect with the database")
            d = exc.diag
            return _error(
                http_status(code),
                code,
                d.message_primary or str(exc),
                details=d.message_detail,
                hint=d.message_hint,
            )

    # planning ------------------------------------------------------------------
    def _plan(self, request: httpx.Request) -> tuple[sql.Composed, list[Any], int]:
        """Translate a request into (SQL, parameters, success status)."""
        path = request.url.path
        if not path.startswith("/rest/v1/"):
            raise Refused(404, "PGRST125", f"invalid path {path}")
        for header in ("accept-profile", "content-profile"):
            if request.headers.get(header, "public") != "public":
                raise Refused(406, "PGRST106", "only the public schema is exposed")
        if "vnd.pgrst" in request.headers.get("accept", ""):
            raise Refused(400, "PGRST100", "not emulated: vnd.pgrst Accept types")
        name = path.removeprefix("/rest/v1/")
        params = request.url.params
        if name.startswith("rpc/") and request.method == "POST":
            return self._rpc(name.removeprefix("rpc/"), _body(request), params)
        if name not in TABLES:
            raise Refused(404, "PGRST205", f"Could not find the table 'public.{name}'")
        if request.method == "GET":
            return self._select(name, params), [*_filter_args(params)], 200
        if request.method == "POST":
            return self._insert(name, _body(request), request, params)
        if request.method == "PATCH":
            return self._update(name, _body(request), request, params)
        raise Refused(405, "PGRST117", f"not emulated: {request.method}")

    def _select(self, table: str, params: httpx.QueryParams) -> sql.Composed:
        """Build the SELECT of a GET: filters, order, limit and offset."""
        inner: sql.Composed = sql.SQL("SELECT {} FROM {} WHERE {}").format(
            _columns(table, params.get("select", "*")),
            sql.Identifier("public", table),
            _where(table, params),
        )
        if "order" in params:
            inner = sql.SQL("{} ORDER BY {}").format(inner, _order(table, params["order"]))
        for word in ("limit", "offset"):
            if word in params:
                count = params[word]
                if not count.isdigit():
                    raise Refused(400, "PGRST100", f"{word} must be a number")
                inner = sql.SQL("{} {} {}").format(inner, sql.SQL(word.upper()), int(count))
        return _AGG.format(inner)

    def _insert(
        self, table: str, body: Any, request: httpx.Request, params: httpx.QueryParams
    ) -> tuple[sql.Composed, list[Any], int]:
        """Build an INSERT (or an upsert, per the Prefer header) of a POST."""
        body = body if isinstance(body, list) else [body]
        if not body or not all(isinstance(row, dict) for row in body):
            raise Refused(400, "PGRST102", "the body must be an object or a non-empty array")
        cols = params.get("columns", ",".join(body[0]))
        # postgrest-py names them quoted (`"thread_id","idx"`) for an array; PostgREST allows it
        names = [_column(table, c.strip().strip('"')) for c in cols.split(",")]
        targets = sql.SQL(", ").join(map(sql.Identifier, names))
        query: sql.Composed = sql.SQL(
            "INSERT INTO {t} ({c}) SELECT {c} FROM json_populate_recordset(NULL::{t}, %s::json)"
        ).format(t=sql.Identifier("public", table), c=targets)
        prefer = _prefer(request)
        resolution = prefer.get("resolution")
        if resolution is not None:
            keys = params.get("on_conflict", ",".join(TABLES[table][1]))
            conflict = sql.SQL(", ").join(
                sql.Identifier(_column(table, k)) for k in keys.split(",")
            )
            if resolution == "ignore-duplicates":
                action: sql.Composable = sql.SQL("DO NOTHING")
            elif resolution == "merge-duplicates":
                sets = (sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(n)) for n in names)
                action = sql.SQL("DO UPDATE SET {}").format(sql.SQL(", ").join(sets))
            else:
                raise Refused(400, "PGRST100", f"not emulated: resolution={resolution}")
            query = sql.SQL("{} ON CONFLICT ({}) {}").format(query, conflict, action)
        return self._returning(table, query, params, prefer), [json.dumps(body)], 201

    def _update(
        self, table: str, body: Any, request: httpx.Request, params: httpx.QueryParams
    ) -> tuple[sql.Composed, list[Any], int]:
        """Build the UPDATE of a PATCH; filters qualify columns, as the body shares names."""
        if not isinstance(body, dict) or not body:
            raise Refused(400, "PGRST102", "the body must be a non-empty object")
        t = sql.Identifier("public", table)
        sets = sql.SQL(", ").join(
            sql.SQL("{0} = pgrst_body.{0}").format(sql.Identifier(_column(table, c))) for c in body
        )
        query = sql.SQL(
            "UPDATE {t} SET {s} FROM (SELECT * FROM json_populate_record(NULL::{t}, %s::json))"
            " pgrst_body WHERE {w}"
        ).format(t=t, s=sets, w=_where(table, params))
        query = self._returning(table, query, params, _prefer(request), qualify=t)
        return query, [json.dumps(body), *_filter_args(params)], 200

    def _returning(
        self,
        table: str,
        write: sql.Composable,
        params: httpx.QueryParams,
        prefer: dict[str, str],
        qualify: sql.Composable | None = None,
    ) -> sql.Composed:
        """Wrap a write so it answers with its rows as a JSON array (empty for minimal)."""
        every = sql.SQL("{}.*").format(qualify) if qualify is not None else sql.SQL("*")
        shown = _columns(table, params.get("select", "*"))
        if prefer.get("return", "minimal") != "representation":
            shown = sql.SQL("1 AS pgrst_minimal")
        return sql.SQL("WITH pgrst_source AS ({} RETURNING {}) {}").format(
            write, every, _AGG.format(sql.SQL("SELECT {} FROM pgrst_source").format(shown))
        )

    def _rpc(
        self, fn: str, body: Any, params: httpx.QueryParams
    ) -> tuple[sql.Composed, list[Any], int]:
        """Build the call of a write function with named, untyped arguments.

        Each value goes in as an untyped parameter (text for scalars), so Postgres coerces
        it to the declared parameter type, as PostgREST's json_to_record does.
        """
        if list(params.keys()):
            raise Refused(400, "PGRST100", "not emulated: filters on rpc()")
        if not isinstance(body, dict) or fn not in FUNCTIONS or not set(body) <= FUNCTIONS[fn]:
            raise Refused(
                404,
                "PGRST202",
                f"Could not find the function public.{fn}({', '.join(body)}) in the schema cache",
            )
        named = sql.SQL(", ").join(sql.SQL("{} := %s").format(sql.Identifier(k)) for k in body)
        call = sql.SQL("{}({}) AS pgrst_r").format(sql.Identifier("public", fn), named)
        answer = "coalesce(json_agg(pgrst_r), '[]')" if fn in RETURNS_SET else "to_json(pgrst_r)"
        query = sql.SQL("SELECT {}::text FROM {}").format(sql.SQL(answer), call)
        return query, [_untyped(v) for v in body.values()], 200

    # running -------------------------------------------------------------------
    def _run(
        self, query: sql.Composed, args: list[Any], status: int, request: httpx.Request
    ) -> httpx.Response:
        """Run one request in its own transaction and answer with its JSON."""
        conn = self._checkout()
        try:
            with conn.transaction():
                row = conn.execute(query, args).fetchone()
        finally:
            self._checkin(conn)
        text = "null" if row is None or row[0] is None else str(row[0])
        minimal = _prefer(request).get("return") != "representation"
        if request.method in ("POST", "PATCH") and "/rpc/" not in request.url.path and minimal:
            return httpx.Response(204 if request.method == "PATCH" else status)
        headers = {"content-type": "application/json; charset=utf-8"}
        return httpx.Response(status, content=text.encode(), headers=headers)

    def _checkout(self) -> psycopg.Connection[Any]:
        """Take an idle connection, or open one (autocommit, UTC like Supabase)."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
        conn = psycopg.connect(self._url, autocommit=True)
        conn.execute("SET TIME ZONE 'UTC'")
        return conn

    def _checkin(self, conn: psycopg.Connection[Any]) -> None:
        """Return a healthy connection to the pool; close a broken one."""
        if conn.closed or conn.info.transaction_status != TransactionStatus.IDLE:
            conn.close()
            return
        with self._lock:
            self._idle.append(conn)


def _body(request: httpx.Request) -> Any:
    """Decode a JSON request body."""
    try:
        return json.loads(request.read() or b"null")
    except ValueError:
        raise Refused(400, "PGRST102", "Empty or invalid json") from None


def _prefer(request: httpx.Request) -> dict[str, str]:
    """Parse the Prefer header into {name: value}."""
    found: dict[str, str] = {}
    for part in request.headers.get("prefer", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name] = value
    return found


def _column(table: str, name: str) -> str:
    """Return `name` if it is a column of `table`, else refuse like PostgreSQL."""
    if name not in TABLES[table][0]:
        raise Refused(400, "42703", f"column {table}.{name} does not exist")
    return name


def _columns(table: str, select: str) -> sql.Composable:
    """Render a ?select= list (plain columns or *)."""
    if select == "*":
        return sql.SQL("*")
    return sql.SQL(", ").join(sql.Identifier(_column(table, c)) for c in select.split(","))


def _filters(params: httpx.QueryParams) -> list[tuple[str, str, str, bool]]:
    """Return the (column, operator, value, negated) filters of a query string, in order."""
    found = []
    for key, raw in params.multi_items():
        if key in _RESERVED:
            continue
        negated = raw.startswith("not.")
        op, dot, value = raw.removeprefix("not.").partition(".")
        if not dot or (op not in _OPS and op not in ("is", "in")):
            raise Refused(400, "PGRST100", f'"failed to parse filter ({raw})"')
        found.append((key, op, value, negated))
    return found


def _where(table: str, params: httpx.QueryParams) -> sql.Composable:
    """Render the filters as a WHERE condition over table-qualified columns."""
    conds: list[sql.Composable] = [sql.SQL("TRUE")]
    for key, op, value, negated in _filters(params):
        col = sql.Identifier(table, _column(table, key))
        if op == "is":
            if value not in _IS:
                raise Refused(400, "PGRST100", f'"failed to parse filter (is.{value})"')
            cond = sql.SQL("{} IS {}").format(col, sql.SQL(_IS[value]))
        elif op == "in":  # compared as text, as the values arrive
            cond = sql.SQL("{}::text = ANY(%s)").format(col)
        else:
            cond = sql.SQL("{} {} %s").format(col, sql.SQL(_OPS[op]))
        conds.append(sql.SQL("NOT ({})").format(cond) if negated else cond)
    return sql.SQL(" AND ").join(conds)


def _filter_args(params: httpx.QueryParams) -> list[str | list[str]]:
    """Return the filter values to bind, in the order `_where` placed them."""
    return [
        _listed(value) if op == "in" else value
        for _, op, value, _ in _filters(params)
        if op != "is"
    ]


def _listed(value: str) -> list[str]:
    """Parse an in.() list: `(a,"b,c")`, double quotes around values with reserved characters
    and backslashes escaping within them, as postgrest-py writes it."""
    if not (value.startswith("(") and value.endswith(")")):
        raise Refused(400, "PGRST100", f'"failed to parse filter (in.{value})"')
    items: list[str] = []
    word, quoted, escaped = "", False, False
    for char in value[1:-1]:
        if escaped:
            word, escaped = word + char, False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items, word = [*items, word], ""
        else:
            word += char
    return [*items, word] if value != "()" else []


def _order(table: str, spec: str) -> sql.Composable:
    """Render ?order=a.asc,b.desc.nullslast."""
    terms = []
    for term in spec.split(","):
        col, *mods = term.split(".")
        words: list[sql.Composable] = [sql.Identifier(_column(table, col))]
        for mod in mods:
            if mod not in ("asc", "desc", "nullsfirst", "nullslast"):
                raise Refused(400, "PGRST100", f'"failed to parse order ({spec})"')
            words.append(sql.SQL(mod.upper().replace("NULLS", "NULLS ")))
        terms.append(sql.SQL(" ").join(words))
    return sql.SQL(", ").join(terms)


def _untyped(value: Any) -> str | None:
    """Render a JSON value as the text PostgreSQL will coerce to the parameter's type."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, int | str) for v in value):
        # an array parameter (integer[] here): its literal, as PostgREST builds it from JSON
        return "{" + ",".join(json.dumps(v) for v in value) + "}"
    return json.dumps(value)
