"""The Supabase store at its HTTP seam: the requests it sends, the errors it maps, and a
short end-to-end run through the PostgREST emulator over a real Postgres database."""

from __future__ import annotations

import json
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from supabase import create_client
from supabase.lib.client_options import SyncClientOptions

from store.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    IdempotencyConflict,
    SlotUnavailable,
    StoreUnavailable,
)
from store.models import Busy, TranscriptLine
from store.supabase import SupabaseStore
from tests.store.postgrest_emulator import PostgrestEmulator
from tests.store.stored import appointment, appointments
from tests.store.supabase_backend import open_store

URL, KEY = "http://supabase.test", "sb-secret-service-role-key"
REST = f"{URL}/rest/v1"
LOCAL = timezone(timedelta(hours=2))
SLOT = datetime(2030, 5, 6, 10, 0, 0, 250_000, tzinfo=LOCAL)  # 08:00:00.25 UTC
UID, AID = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
APPT = {
    "id": AID,
    "user_id": UID,
    "start_at": "2030-05-06T08:00:00+00:00",
    "duration_min": 30,
    "status": "booked",
    "notes": "cut",
    "rescheduled_from": None,
    "service": "haircut",
    "staff": "maria",
    "buffer_min": 10,
}
USER = {
    "id": UID,
    "contact_number": "+15550000001",
    "name": "Al",
    "created_at": "2030-01-01T00:00:00+00:00",
}
SLOT_TAKEN = {"code": "23P01", "details": None, "hint": None, "message": "time already booked"}
Answer = httpx.Response | Exception


class Recorder:
    """A MockTransport handler that records requests and plays back canned answers."""

    def __init__(self, *answers: Answer) -> None:
        """Answer the n-th request with the n-th answer (the last one repeats)."""
        self.answers, self.requests = list(answers), list[httpx.Request]()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Record the request and return (or raise) the next answer."""
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def recorded(*answers: Answer) -> tuple[SupabaseStore, list[httpx.Request]]:
    """Return a store (in Berlin) whose HTTP goes to a Recorder, and the list it records into."""
    rec = Recorder(*answers)
    transport = httpx.MockTransport(rec)
    return SupabaseStore(URL, KEY, timezone="Europe/Berlin", transport=transport), rec.requests


def body(request: httpx.Request) -> Any:
    """Return a request's decoded JSON body."""
    return json.loads(request.content)


def ok(payload: Any, status: int = 200) -> httpx.Response:
    """Return a PostgREST-like JSON success."""
    return httpx.Response(status, json=payload)


# requests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "fn", "params"),
    [
        (
            lambda s: s.book(
                user_id=UID,
                start=SLOT,
                duration_min=30,
                idempotency_key="k1",
                notes="cut",
                service="haircut",
                staff="maria",
                buffer_min=10,
            ),
            "book_appointment",
            {"p_user_id": UID, "p_start": "2030-05-06T08:00:00+00:00", "p_duration_min": 30}
            | {"p_key": "k1", "p_timezone": "Europe/Berlin", "p_notes": "cut"}
            | {"p_service": "haircut", "p_staff": "maria", "p_buffer_min": 10},
        ),
        (
            lambda s: s.book(user_id=UID, start=SLOT, duration_min=30, idempotency_key="k1"),
            "book_appointment",
            {"p_user_id": UID, "p_start": "2030-05-06T08:00:00+00:00", "p_duration_min": 30}
            | {"p_key": "k1", "p_timezone": "Europe/Berlin", "p_notes": None}
            | {"p_service": None, "p_staff": "main", "p_buffer_min": 0},
        ),
        (
            lambda s: s.cancel(user_id=UID, appointment_id=AID, idempotency_key="c1"),
            "cancel_appointment",
            {"p_user_id": UID, "p_appointment_id": AID, "p_key": "c1"},
        ),
        (
            lambda s: s.reschedule(
                user_id=UID, appointment_id=AID, new_start=SLOT, idempotency_key="r1"
            ),
            "reschedule_appointment",
            {"p_user_id": UID, "p_appointment_id": AID}
            | {"p_new_start": "2030-05-06T08:00:00+00:00", "p_key": "r1"}
            | {"p_timezone": "Europe/Berlin", "p_staff": None, "p_duration_min": None}
            | {"p_buffer_min": None, "p_service": None, "p_set_service": False},
        ),
        (
            lambda s: s.reschedule(
                user_id=UID,
                appointment_id=AID,
                new_start=SLOT,
                idempotency_key="r1",
                service=None,
                staff="raj",
                duration_min=60,
                buffer_min=0,
            ),
            "reschedule_appointment",
            {"p_user_id": UID, "p_appointment_id": AID}
            | {"p_new_start": "2030-05-06T08:00:00+00:00", "p_key": "r1"}
            | {"p_timezone": "Europe/Berlin", "p_staff": "raj", "p_duration_min": 60}
            | {"p_buffer_min": 0, "p_service": None, "p_set_service": True},
        ),
        (
            lambda s: s.close_appointment(AID, "no_show", now=SLOT),
            "close_appointment",
            {"p_appointment_id": AID, "p_status": "no_show"}
            | {"p_now": "2030-05-06T08:00:00.250000+00:00"},
        ),
    ],
)
def test_atomic_writes_are_one_rpc_each(
    call: Callable[[SupabaseStore], Any], fn: str, params: dict[str, Any]
) -> None:
    """book/cancel/reschedule/close each POST exactly one rpc with UTC arguments (whole
    seconds for a start) and the store's business timezone; the row comes back whole."""
    store, sent = recorded(ok(APPT))
    appt = call(store)
    assert [(r.method, str(r.url)) for r in sent] == [("POST", f"{REST}/rpc/{fn}")]
    assert body(sent[0]) == params
    assert sent[0].headers["apikey"] == KEY
    assert sent[0].headers["authorization"] == f"Bearer {KEY}"
    assert appt.start == datetime(2030, 5, 6, 8, tzinfo=UTC)
    assert appt.start.utcoffset() == timedelta(0)
    assert (appt.service, appt.staff, appt.buffer_min) == ("haircut", "maria", 10)


def test_find_user_by_phone_encodes_the_plus() -> None:
    """find_user_by_phone GETs users filtered on contact_number=eq.%2B... and maps the row."""
    store, sent = recorded(ok([USER]))
    user = store.find_user_by_phone("+15550000001")
    assert sent[0].method == "GET"
    assert sent[0].url.path == "/rest/v1/users"
    assert b"contact_number=eq.%2B15550000001" in sent[0].url.query
    assert sent[0].url.params["select"] == "id,contact_number,name,created_at,email"
    assert user is not None
    assert (user.id, user.name, user.created_at.tzinfo) == (UID, "Al", UTC)


def test_busy_query_and_paging() -> None:
    """busy filters booked time still running after start and begun before end, of the
    people asked for, and pages past 1000 rows."""
    row = {"staff": "maria", "blocked_until": "2030-05-06T09:00:00+00:00"}
    page = [row | {"start_at": f"2030-05-06T08:00:{i % 60:02d}+00:00"} for i in range(1000)]
    last = row | {"start_at": "2030-05-06T08:30:00+00:00"}
    store, sent = recorded(ok(page), ok([last]))
    busy = store.busy(SLOT, SLOT + timedelta(hours=1), staff=["maria", "dr. o'neil, jr"])
    assert len(sent) == 2
    assert sent[0].url.params.multi_items() == [
        ("select", "staff,start_at,blocked_until"),
        ("status", "eq.booked"),
        ("blocked_until", "gt.2030-05-06T08:00:00.250000+00:00"),
        ("start_at", "lt.2030-05-06T09:00:00.250000+00:00"),
        ("staff", 'in.(maria,"dr. o\'neil, jr")'),
        ("order", "start_at.asc,staff.asc"),
        ("offset", "0"),
        ("limit", "1000"),
    ]
    assert sent[1].url.params["offset"] == "1000"
    assert len(busy) == 1001
    assert busy[-1] == Busy(
        "maria", datetime(2030, 5, 6, 8, 30, tzinfo=UTC), datetime(2030, 5, 6, 9, tzinfo=UTC)
    )


def test_busy_of_nobody_asks_nothing() -> None:
    """busy with an empty list of people is empty without a request."""
    store, sent = recorded(ok([]))
    assert store.busy(SLOT, SLOT + timedelta(hours=1), staff=[]) == []
    assert sent == []


def test_complete_past_answers_the_count() -> None:
    """complete_past is one rpc whose bare number is the count of appointments closed."""
    store, sent = recorded(ok(3))
    assert store.complete_past(before=SLOT) == 3
    assert body(sent[0]) == {"p_before": "2030-05-06T08:00:00.250000+00:00"}
    assert sent[0].url.path == "/rest/v1/rpc/complete_past"


def test_create_user_with_taken_phone_returns_existing() -> None:
    """A 23505 on inserting the user means the number exists: the store reads that user."""
    taken = {"code": "23505", "details": "Key (contact_number)=(+15550000001) already exists."}
    store, sent = recorded(
        httpx.Response(409, json=taken | {"hint": None, "message": "dup"}), ok([USER])
    )
    user = store.create_user(phone="+15550000001", name="Someone Else")
    assert [(r.method, r.url.path) for r in sent] == [
        ("POST", "/rest/v1/users"),
        ("GET", "/rest/v1/users"),
    ]
    assert body(sent[0]) == {"contact_number": "+15550000001", "name": "Someone Else"}
    assert user.name == "Al"


def test_conversation_writes_are_repeatable_upserts() -> None:
    """start is insert-or-ignore on thread_id; a turn's lines are one upsert on (thread_id, idx)."""
    store, sent = recorded(httpx.Response(201))
    store.start_conversation(conversation_id="t1", started_at=SLOT)
    store.append_turn(conversation_id="t1", lines=[TranscriptLine(0, "caller", "hi", SLOT)])
    start, turn = sent
    assert (start.url.path, start.url.params["on_conflict"]) == (
        "/rest/v1/conversations",
        "thread_id",
    )
    assert set(start.headers["prefer"].split(",")) == {
        "return=minimal",
        "resolution=ignore-duplicates",
    }
    assert body(start) == {"thread_id": "t1", "started_at": "2030-05-06T08:00:00.250000+00:00"}
    assert turn.url.params["on_conflict"] == "thread_id,idx"
    assert "resolution=merge-duplicates" in turn.headers["prefer"]
    assert body(turn) == [  # a turn's lines in one request
        {
            "thread_id": "t1",
            "idx": 0,
            "role": "caller",
            "text": "hi",
            "at": "2030-05-06T08:00:00.250000+00:00",
            "interrupted": False,
        }
    ]


def test_bad_input_is_refused_before_any_request() -> None:
    """Naive datetimes, non-E.164 numbers and non-uuid ids fail without touching the API."""
    store, sent = recorded(ok([]))
    with pytest.raises(ValueError):
        store.book(
            user_id=UID, start=datetime(2030, 5, 6, 10), duration_min=30, idempotency_key="k"
        )
    with pytest.raises(ValueError):
        store.create_user(phone="555-1234")
    with pytest.raises(AppointmentNotFound):
        store.reschedule(
            user_id=UID, appointment_id="no-such-id", new_start=SLOT, idempotency_key="r"
        )
    with pytest.raises(AppointmentNotFound):
        store.cancel(user_id=UID, appointment_id="no-such-id", idempotency_key="c")
    assert sent == []


# errors ------------------------------------------------------------------------------


def _payload(code: str, message: str) -> dict[str, Any]:
    """Return a PostgREST error body as a RAISE ... USING ERRCODE produces it."""
    return {"code": code, "details": None, "hint": None, "message": message}


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(409, json=SLOT_TAKEN), SlotUnavailable),
        (httpx.Response(400, json=_payload("BK404", "appointment not found")), AppointmentNotFound),
        (httpx.Response(400, json=_payload("BK409", "key reused")), IdempotencyConflict),
        (httpx.Response(400, json=_payload("BK410", "not booked")), AppointmentNotActive),
        (httpx.Response(409, json=_payload("23503", "violates foreign key")), ValueError),
        (httpx.Response(503, json=_payload("PGRST000", "Could not connect")), StoreUnavailable),
        (httpx.Response(502, text="<html>Bad Gateway</html>"), StoreUnavailable),
        (httpx.Response(401, json={"message": "Invalid API key"}), StoreUnavailable),
    ],
)
def test_postgrest_errors_become_domain_errors(
    response: httpx.Response, error: type[Exception]
) -> None:
    """Each recorded PostgREST error payload maps to its domain error."""
    store, _ = recorded(response)
    with pytest.raises(error):
        store.book(user_id=UID, start=SLOT, duration_min=30, idempotency_key="k1")


def _all_text(exc: BaseException) -> str:
    """Return everything a log would show of an exception, causes included."""
    return "".join(traceback.format_exception(exc))


def test_unreachable_api_fails_fast_without_the_key() -> None:
    """A refused connection is StoreUnavailable within 2 s (no retries), and never shows the key."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with SupabaseStore(f"http://127.0.0.1:{port}", KEY, timeout=1.0) as store:
        began = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught:
            store.find_user_by_phone("+15550000001")  # a GET: postgrest would retry it
    assert time.monotonic() - began < 2
    assert KEY not in _all_text(caught.value)


def test_silent_server_times_out_fast_without_the_key() -> None:
    """A server that accepts but never answers is StoreUnavailable after the short timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel accepts the connection; nobody ever answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with SupabaseStore(url, KEY, timeout=0.3) as store:
            began = time.monotonic()
            with pytest.raises(StoreUnavailable) as caught:
                store.book(user_id=UID, start=SLOT, duration_min=30, idempotency_key="k1")
    assert time.monotonic() - began < 2
    assert KEY not in _all_text(caught.value)


def test_passed_in_client_is_not_retried() -> None:
    """Even a client built with postgrest retries on fails at the first network error."""
    rec = Recorder(httpx.ConnectError(f"refused (apikey {KEY})"))
    http = httpx.Client(transport=httpx.MockTransport(rec))
    client = create_client(URL, KEY, options=SyncClientOptions(httpx_client=http))
    began = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        SupabaseStore(URL, KEY, client=client).find_user_by_phone("+15550000001")
    assert time.monotonic() - began < 2
    assert len(rec.requests) == 1
    assert KEY not in str(caught.value)
    http.close()


# end to end through the emulator -----------------------------------------------------


@pytest.fixture
def emulated(clean_postgres_url: str) -> Iterator[SupabaseStore]:
    """Yield an emulator-backed store on the emptied session database."""
    with open_store(clean_postgres_url) as store:
        yield store


def test_emulated_book_double_book_and_atomic_reschedule(emulated: SupabaseStore) -> None:
    """Through real SQL: a slot books once, and a move into a taken slot changes nothing."""
    alice = emulated.create_user(phone="+15550000001", name="Alice")
    bob = emulated.create_user(phone="+15550000002", name="Bob")
    mine = emulated.book(user_id=alice.id, start=SLOT, duration_min=30, idempotency_key="a")
    with pytest.raises(SlotUnavailable):
        emulated.book(user_id=bob.id, start=SLOT, duration_min=30, idempotency_key="b")
    later = SLOT + timedelta(hours=1)
    emulated.book(user_id=bob.id, start=later, duration_min=30, idempotency_key="b2")
    with pytest.raises(SlotUnavailable):
        emulated.reschedule(
            user_id=alice.id, appointment_id=mine.id, new_start=later, idempotency_key="r"
        )
    assert appointments(emulated, alice.id) == [mine]
    free = later + timedelta(hours=1)
    moved = emulated.reschedule(
        user_id=alice.id, appointment_id=mine.id, new_start=free, idempotency_key="r2"
    )
    assert (moved.start, moved.rescheduled_from) == (free.replace(microsecond=0), mine.id)
    assert appointment(emulated, mine.id).status == "rescheduled"


def test_emulated_people_are_booked_apart(emulated: SupabaseStore) -> None:
    """Through real SQL: two people at one time are both booked, and busy of one of them
    (a name with reserved characters) is theirs only, buffer included."""
    alice = emulated.create_user(phone="+15550000001", name="Alice")
    bob = emulated.create_user(phone="+15550000002", name="Bob")
    people = ('Dr. "Raj", DDS', "maria")
    for user, person in zip((alice, bob), people, strict=True):
        emulated.book(
            user_id=user.id,
            start=SLOT,
            duration_min=30,
            buffer_min=15,
            staff=person,
            idempotency_key=user.id,
        )
    start = SLOT.replace(microsecond=0)
    hour = SLOT + timedelta(hours=1)
    assert emulated.busy(SLOT, hour, staff=[people[0]]) == [
        Busy(people[0], start, start + timedelta(minutes=45))
    ]
    assert [b.staff for b in emulated.busy(SLOT, hour)] == sorted(people)


def test_emulator_answers_like_postgrest(clean_postgres_url: str) -> None:
    """The emulator answers with PostgREST's statuses and error bodies, within its allow-list."""
    emulator = PostgrestEmulator(clean_postgres_url, key=KEY)
    auth = {"apikey": KEY, "authorization": f"Bearer {KEY}"}
    with httpx.Client(transport=emulator, base_url=REST, headers=auth) as http:
        args = {"p_user_id": UID, "p_appointment_id": AID, "p_key": "c"}
        missing = http.post("/rpc/cancel_appointment", json=args)
        assert missing.status_code == 400
        assert missing.json() == _payload("BK404", "appointment not found")
        made = http.post("/users", json={"contact_number": "+15550000001"})
        assert made.status_code == 201
        again = http.post("/users", json={"contact_number": "+15550000001"})
        assert (again.status_code, again.json()["code"]) == (409, "23505")
        assert http.get("/users?select=password").status_code == 400
        assert http.post("/rpc/pg_sleep", json={"seconds": 1}).status_code == 404
        assert http.get("/secrets").status_code == 404
        assert http.get("/users", headers={"apikey": "wrong"}).status_code == 401


def test_emulated_conversation_round_trip(emulated: SupabaseStore) -> None:
    """A call's lines, summary and retention lookup survive the trip through PostgREST."""
    emulated.start_conversation(conversation_id="t1", started_at=SLOT)
    emulated.append_turn(conversation_id="t1", lines=[TranscriptLine(0, "caller", "hel", SLOT)])
    emulated.append_turn(conversation_id="t1", lines=[TranscriptLine(0, "caller", "hello", SLOT)])
    ended = SLOT + timedelta(minutes=5)
    emulated.finish_conversation(
        conversation_id="t1",
        ended_at=ended,
        outcome="booked",
        summary="s",
        appointments_discussed=[],
        preferences_mentioned=["mornings"],
        cost_breakdown={"llm_usd": 0.01},
    )
    conv = emulated.get_conversation("t1")
    assert conv is not None
    assert (conv.ended_at, conv.preferences_mentioned) == (ended, ["mornings"])
    assert [t["text"] for t in conv.transcript] == ["hello"]
    assert emulated.ended_before(ended + timedelta(seconds=1)) == ["t1"]
    assert emulated.ended_before(ended) == []
