"""The analysts' page on Postgres store and checkpoints (DATABASE_URL), as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from analysts.web import create_app
from booking.app import fixed_clock, open_agent
from booking.backends import Backend
from business.calendar import BusinessCalendar
from tests.analysts.test_web import callgraph, visited
from tests.conftest import NOW, SAM
from tests.pg import throwaway_database

LINES = ["I'd like to book an appointment on Thursday afternoon", "the second one", "yes"]
LINES += ["no, that's all"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """Serve a Postgres database holding one booked call."""
    with throwaway_database() as url:
        backend = Backend(database_url=url)
        with open_agent(backend, calendar=BusinessCalendar(), clock=fixed_clock(NOW)) as agent:
            user = agent.store.create_user(phone=SAM)
            agent.store.set_user_name(user.id, "Sam Lee")
            call = agent.conversation("pg-call")
            call.start(caller_id=SAM)
            for line in LINES:
                call.say(line)
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
    assert all(line.replace("'", "&#39;") in page.text for line in LINES)
    nodes = visited(callgraph(page.text), "node")
    assert nodes["book"] == 1 and nodes["understand"] == 4 and "cancel" not in nodes
