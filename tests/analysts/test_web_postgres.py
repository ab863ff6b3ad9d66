"""The analysts' page on Postgres store and checkpoints (DATABASE_URL), as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from analysts.web import create_app
from booking.databases import Database
from tests.analysts.test_web import callgraph, visited
from tests.conftest import BOOKING_CALL, record_booking
from tests.pg import throwaway_database

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """Serve a Postgres database holding one booked call."""
    with throwaway_database() as url:
        backend = Database(database_url=url)
        record_booking(backend, "pg-call")
        with TestClient(create_app(backend)) as opened:
            yield opened


def test_list_and_call_page_on_postgres(client: TestClient) -> None:
    """The list and the call page read Postgres: outcome, transcript and the path taken."""
    listed = client.get("/")
    assert listed.status_code == 200
    assert "pg-call" in listed.text and "booked" in listed.text
    assert "***23" in listed.text and "5550123" not in listed.text
    page = client.get("/calls/pg-call")
    assert page.status_code == 200
    assert all(line.replace("'", "&#39;") in page.text for line in BOOKING_CALL)
    nodes = visited(callgraph(page.text), "node")
    assert nodes["book"] == 1 and nodes["listen"] == 4 and "cancel" not in nodes
