"""A `SupabaseStore` whose HTTP goes to the in-process PostgREST emulator over real Postgres.

The store is built exactly as in production (`store.supabase.connect`: our own httpx client
in `SyncClientOptions.httpx_client`, postgrest retries off) except that the httpx client's
transport is a `PostgrestEmulator` instead of the network.
"""

from __future__ import annotations

from store.supabase import SupabaseStore
from tests.store.postgrest_emulator import PostgrestEmulator

URL = "http://supabase.test"
KEY = "test-service-role-key"


def open_store(database_url: str, *, timezone: str = "UTC") -> SupabaseStore:
    """Return a store over the migrated database at `database_url`, in the business timezone
    `timezone`; closing it frees all."""
    emulator = PostgrestEmulator(database_url, key=KEY)
    return SupabaseStore(URL, KEY, timezone=timezone, transport=emulator)
