"""Supabase backend of the `Store` port: supabase-py 2.x over PostgREST.

Integrity never depends on this client: book, cancel, reschedule and closing appointments
are each one rpc() of a SQL function from `store/migrations`, as in the Postgres store; the
rest uses the table API (plain selects, an insert-or-ignore for calls, an upsert for lines).

Failing fast matters more than retrying on a phone call: the client is built with
postgrest retries off (they sleep 1 + 2 + 4 s on a dead URL) and a short httpx timeout,
and every request also sets `.retry(False)`, so a client passed in behaves the same.
`api` builds the client and runs requests (paging, no retries); `callers`, `appointments`,
`admin`, `calls`, `outbox` and `callbacks` hold one role of the port each; `rows` maps rows
and translates errors (no message carries the API key).
"""

from store.supabase.admin import SupabaseAppointmentAdmin
from store.supabase.api import connect
from store.supabase.appointments import SupabaseAppointmentBook
from store.supabase.callbacks import SupabaseCallbacks
from store.supabase.callers import SupabaseCallers
from store.supabase.calls import SupabaseCallLog, SupabaseCallQueries
from store.supabase.outbox import SupabaseOutbox

__all__ = ["SupabaseStore", "connect"]


class SupabaseStore(
    SupabaseCallers,
    SupabaseAppointmentBook,
    SupabaseAppointmentAdmin,
    SupabaseCallLog,
    SupabaseCallQueries,
    SupabaseOutbox,
    SupabaseCallbacks,
):
    """A `Store` on a Supabase project (or any PostgREST with the migrations applied).

    `SupabaseStore(url, key, *, timezone="UTC", client=None, timeout=5.0, transport=None)`:
    see `SupabaseApi.__init__`. Use it as a context manager, or call `close`.
    """
