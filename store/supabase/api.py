"""The Supabase store's request layer: client construction, paging, error translation.

`SupabaseApi` owns the supabase client (and the httpx session it opened) and runs every
request with postgrest's retries off, translating failures through `rows`; the role
classes (`callers`, `appointments`, `calls`) build the requests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from postgrest import SyncRPCFilterRequestBuilder, SyncSelectRequestBuilder
from supabase import Client, create_client
from supabase.lib.client_options import SyncClientOptions

from store.closing import Closing
from store.models import Appointment
from store.supabase import rows

PAGE = 1000
"""Rows per request of a listing; Supabase caps a response at max_rows (1000 by default)."""


def connect(
    url: str, key: str, *, timeout: float = 5.0, transport: httpx.BaseTransport | None = None
) -> tuple[Client, httpx.Client]:
    """Create a supabase client whose HTTP goes through our own httpx client.

    supabase-py 2.34 hands `SyncClientOptions.httpx_client` to postgrest as its session
    (and then ignores `postgrest_client_timeout`), so the timeout is set on that client;
    `transport` lets tests route the requests elsewhere. Returns the client and the httpx
    client, which the caller owns and closes.
    """
    http = httpx.Client(timeout=httpx.Timeout(timeout), transport=transport)
    options = SyncClientOptions(
        httpx_client=http,
        postgrest_client_retry=False,
        auto_refresh_token=False,
        persist_session=False,
    )
    try:
        return create_client(url, key, options=options), http
    except BaseException:
        http.close()
        raise


class SupabaseApi(Closing):
    """A supabase client, its API key (to scrub from messages) and the requests it runs."""

    def __init__(
        self,
        url: str,
        key: str,
        *,
        timezone: str = "UTC",
        client: Client | None = None,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """Connect with `url` and a service-role `key`, or use `client` as given.

        `timezone` is the business's IANA zone, in which the write functions fill the rows'
        local date, time and slot (an unknown one raises ZoneInfoNotFoundError). Without a
        `client` the store builds one with `connect` (a `transport`, if given,
        carries its HTTP) and closes it in `close`. A `client` passed in keeps its own
        HTTP session and timeout, and this store never closes it.
        """
        ZoneInfo(timezone)  # an unknown zone fails here, not at the first booking
        self._key, self._timezone = key, timezone
        self._own: httpx.Client | None = None
        if client is None:
            client, self._own = connect(url, key, timeout=timeout, transport=transport)
        self._db = client

    def close(self) -> None:
        """Close the HTTP session this store opened, if it opened one."""
        if self._own is not None:
            self._own.close()

    def _rows(self, query: SyncSelectRequestBuilder) -> list[dict[str, Any]]:
        """Run a table request and return its rows, translating any failure."""
        with rows.translated(self._key):
            return rows.rows(query.retry(False).execute().data)

    def _all(self, query: Callable[[], SyncSelectRequestBuilder]) -> list[dict[str, Any]]:
        """Run an ordered select page by page until a short page, and return every row."""
        found: list[dict[str, Any]] = []
        while True:
            page = self._rows(query().range(len(found), len(found) + PAGE - 1))
            found += page
            if len(page) < PAGE:
                return found

    def _rpc(self, fn: str, params: dict[str, Any]) -> Appointment:
        """Call one of the write functions and return the appointment it answers with."""
        return rows.appointment(rows.record(self._call(fn, params)))

    def _call(self, fn: str, params: dict[str, Any]) -> object:
        """Call a SQL function and return its decoded JSON answer."""
        call: SyncRPCFilterRequestBuilder = self._db.rpc(fn, params)
        with rows.translated(self._key):
            return call.retry(False).execute().data
