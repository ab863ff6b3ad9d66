"""The analysts' web page as an analyst meets it, over SQLite files holding real calls."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from analysts.web import UnsafeHost, create_app, is_loopback, serve
from booking.compose import fixed_clock, open_receptionist
from booking.databases import Database
from booking.devtools.scenarios import load, run_paths
from business.calendar import BusinessCalendar
from tests.conftest import NOW, SAM

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BOOKED = "scenario-book_known_caller"
CUT_REPLY = "Thanks for calling. I can book"
STRONG = "pX4r9Lq2Vb7Zt1Wm8Ks3Nd6Hf0Jc5Ya2Eu"
"""An analysts' secret strong enough to be accepted (34 random characters)."""


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run two scenarios and one barged-in call, each into its own SQLite file."""
    folder = tmp_path_factory.mktemp("calls")
    names = ("book_known_caller", "hangup_mid_flow", "human_request")
    wanted = [str(SCENARIOS / f"{name}.yaml") for name in names]
    assert run_paths(wanted, keep=folder) == 0
    with open_receptionist(
        folder / "interrupted.db", calendar=BusinessCalendar(), clock=fixed_clock(NOW)
    ) as agent:
        user = agent.store.create_user(phone=SAM)
        agent.store.set_user_name(user.id, "Sam Lee")
        call = agent.conversation("barged-in")
        call.start(caller_id=SAM)
        call.say("book Thursday afternoon", heard=CUT_REPLY)
    return folder


@pytest.fixture
def client(calls: Path) -> Iterator[TestClient]:
    """Serve the booked call's file without a secret."""
    with TestClient(create_app(Database(sqlite_path=calls / "book_known_caller.db"))) as opened:
        yield opened


def page_of(calls: Path, db: str, path: str) -> str:
    """Return the HTML the app serves at `path` for the calls in `db`."""
    with TestClient(create_app(Database(sqlite_path=calls / db))) as opened:
        response = opened.get(path)
    assert response.status_code == 200
    return response.text


def callgraph(html: str) -> ET.Element:
    """Return the call graph SVG of a page, parsed."""
    found = re.search(r'<svg class="callgraph".*?</svg>', html, re.S)
    assert found, "no call graph on the page"
    return ET.fromstring(found.group())


def visited(svg: ET.Element, kind: str) -> dict[str, int]:
    """Return the visited nodes (or edges) of the graph with their visit counts."""
    out: dict[str, int] = {}
    for group in svg.iter("g"):
        classes = group.get("class", "").split()
        if kind in classes and "visited" in classes:
            name = group.get("data-node") or group.get("data-edge") or ""
            title = group.findtext("title") or ""
            out[name] = 1 if "once" in title else int(re.findall(r"(\d+) times", title)[0])
    return out


def test_list_shows_the_call_with_outcome_and_masked_number(client: TestClient) -> None:
    """The list links the call, with its outcome and turns, and never the caller's number."""
    html = client.get("/").text
    row = re.search(
        r"<tr>\s*<td><a href=\"/calls/scenario-book_known_caller\">.*?</tr>", html, re.S
    )
    assert row, html
    assert "***23" in row.group() and "booked" in row.group()
    assert re.search(r'class="num">4<', row.group())
    assert "5550123" not in html and "555 0123" not in html


def test_list_filters_by_outcome_caller_and_date(client: TestClient) -> None:
    """Outcome, caller and the start days narrow the list; a bad date is a 400 with a reason."""
    assert BOOKED in client.get("/", params={"outcome": "booked"}).text
    assert BOOKED not in client.get("/", params={"outcome": "cancelled"}).text
    assert BOOKED in client.get("/", params={"caller": "415 555 0123"}).text
    assert BOOKED not in client.get("/", params={"caller": "+1 212 555 0000"}).text
    assert BOOKED in client.get("/", params={"since": "2026-01-01"}).text
    late = client.get("/", params={"since": "2999-01-01"})
    assert BOOKED not in late.text and "No calls match" in late.text
    day = {"since": "2026-11-25", "until": "2026-11-25"}  # the scenario's call is that day
    assert BOOKED in client.get("/", params=day).text
    assert BOOKED not in client.get("/", params={"until": "2026-11-24"}).text
    bad = client.get("/", params={"since": "yesterday"})
    assert bad.status_code == 400 and "is not a date" in bad.text


def test_call_page_has_the_transcript_in_order(client: TestClient) -> None:
    """The call page shows the greeting and each caller line with the agent's reply."""
    html = client.get(f"/calls/{BOOKED}").text
    spec = load(SCENARIOS / "book_known_caller.yaml")
    said = [str(turn["caller"]) for turn in spec["turns"] if "caller" in turn]
    shown = re.findall(
        r'class="line caller"><span class="who">Caller</span>'
        r'<span class="text">(.*?)</span>',
        html,
    )
    assert [line.replace("&#39;", "'") for line in shown] == said
    assert "Welcome back, Sam Lee" in html and "You&#39;re booked" in html
    assert "5550123" not in html


def test_graph_highlights_the_path_the_call_took(client: TestClient) -> None:
    """Nodes and edges the call ran are marked visited, with counts; others are not."""
    svg = callgraph(client.get(f"/calls/{BOOKED}").text)
    nodes, edges = visited(svg, "node"), visited(svg, "edge")
    assert {"greet", "identify", "search", "confirm", "book", "goodbye", "summarize"} <= set(nodes)
    assert not {"cancel", "reschedule", "register", "clarify"} & set(nodes)
    assert nodes["listen"] == 4 and nodes["book"] == 1
    assert edges["listen>book"] == 1 and edges["book>listen"] == 1  # said, then the next turn
    assert sum(n for edge, n in edges.items() if edge.endswith(">listen")) == 4
    assert "listen>cancel" not in edges and "summarize>__end__" in edges


def test_latency_and_cost_are_shown(client: TestClient) -> None:
    """Each turn has a latency bar split by step, and the stored cost breakdown is listed."""
    html = client.get(f"/calls/{BOOKED}").text
    chart = re.search(r'<svg class="latency".*?</svg>', html, re.S)
    assert chart
    bars = ET.fromstring(chart.group()).findall("a")
    assert [bar.get("href") for bar in bars] == [f"#turn-{n}" for n in range(5)]
    book = [r for r in bars[3].iter("rect") if (r.findtext("title") or "").startswith("book")]
    assert book and float(book[0].get("width", "0")) > 0
    assert re.search(r"<th>total_usd</th><td>\$0\.000000</td>", html)
    assert re.search(r"<th>understanding</th><td>rules</td>", html)


def test_state_changes_per_turn_are_marked(client: TestClient) -> None:
    """After the slot is picked, the pending booking shows as changed from nothing."""
    html = client.get(f"/calls/{BOOKED}").text
    turn2 = html[html.index('id="turn-2"') : html.index('id="turn-3"')]
    changed = re.search(r'<tr class="changed"><th>pending</th><td><del>—</del> → (.*?)</td>', turn2)
    assert changed and "&#39;kind&#39;: &#39;book&#39;" in changed.group(1)
    assert "<tr><th>caller_name</th><td>Sam Lee</td>" in turn2


def test_interrupted_reply_is_marked(calls: Path) -> None:
    """A reply the caller barged into shows what they heard, the rest struck, and a flag."""
    html = page_of(calls, "interrupted.db", "/calls/barged-in")
    greeting = html[html.index('id="turn-0"') : html.index('id="turn-1"')]
    assert 'class="line agent cut"' in greeting
    assert f'<span class="heard">{CUT_REPLY}</span>' in greeting
    assert '<span class="unheard"' in greeting and "move or cancel appointments" in greeting
    assert '<span class="flag">interrupted</span>' in greeting
    turn1 = html[html.index('id="turn-1"') :]
    assert "interrupted</span>" not in turn1


def test_a_hang_up_shows_as_abandoned(calls: Path) -> None:
    """A call the caller left is listed as abandoned and its graph ends at summarize."""
    assert "abandoned" in page_of(calls, "hangup_mid_flow.db", "/")
    svg = callgraph(page_of(calls, "hangup_mid_flow.db", "/calls/scenario-hangup_mid_flow"))
    assert "listen>summarize" in visited(svg, "edge")


def test_callbacks_owed_head_the_list_and_show_on_their_call(calls: Path) -> None:
    """A message left for a callback is listed at the top of the calls page and on its call's
    page, with what the caller needs and their number masked; a call with none shows none."""
    listing = page_of(calls, "human_request.db", "/")
    owed = listing[listing.index("Callbacks owed (1)") :]
    assert "question about my bill" in owed and "***23" in owed and "5550123" not in listing
    assert 'href="/calls/scenario-human_request"' in owed
    page = page_of(calls, "human_request.db", "/calls/scenario-human_request")
    assert "Callback owed (message, open)" in page and "question about my bill" in page
    assert "Callbacks owed" not in page_of(calls, "book_known_caller.db", "/")


def test_unknown_thread_is_a_404_page(client: TestClient) -> None:
    """An unknown call id gets a 404 page that names it, escaped."""
    response = client.get("/calls/<script>alert(1)</script>")
    assert response.status_code == 404
    assert "No call with the id" in response.text
    assert "<script>alert" not in response.text and "&lt;script&gt;alert" in response.text


def test_secret_is_required_when_set(calls: Path) -> None:
    """With a secret, pages and files need it as the Basic password; any user name will do."""
    app = create_app(Database(sqlite_path=calls / "book_known_caller.db"), secret=STRONG)
    with TestClient(app) as client:
        refused = client.get("/")
        assert refused.status_code == 401 and "Basic" in refused.headers["www-authenticate"]
        assert client.get("/static/style.css").status_code == 401
        assert client.get("/", auth=("analyst", "wrong")).status_code == 401
        assert client.get("/", headers={"Authorization": "Basic !!"}).status_code == 401
        assert client.get("/", auth=("anyone", STRONG)).status_code == 200
        assert client.get(f"/calls/{BOOKED}", auth=("x", STRONG)).status_code == 200


def test_security_headers_and_read_only(client: TestClient) -> None:
    """Every response forbids caching, sniffing and foreign code; only GET is served."""
    for path in ("/", f"/calls/{BOOKED}", "/calls/nope", "/static/call.js"):
        headers = client.get(path).headers
        assert headers["cache-control"] == "no-store"
        assert headers["x-content-type-options"] == "nosniff"
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self';" in policy
        assert "unsafe-inline" not in policy
    assert client.post("/").status_code == 405
    assert client.delete(f"/calls/{BOOKED}").status_code == 405
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404


def test_pages_work_offline(client: TestClient) -> None:
    """Pages reference no other origin: every stylesheet and script comes from the app."""
    for path in ("/", f"/calls/{BOOKED}", "/calls/nope"):
        html = client.get(path).text
        assert not re.search(r"(?:https?:)?//[a-z0-9]", html, re.I), path
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert ref.startswith(("/", "#")), ref
            if ref.startswith("/static/"):
                assert client.get(ref).status_code == 200
    assert "style=" not in client.get(f"/calls/{BOOKED}").text  # the policy forbids inline style
    assert "url(" not in client.get("/static/style.css").text


def test_serving_beyond_loopback_needs_a_secret(calls: Path) -> None:
    """serve() refuses a public interface without a secret, before anything listens."""
    backend = Database(sqlite_path=calls / "book_known_caller.db")
    with pytest.raises(UnsafeHost, match="ANALYSTS_SECRET"):
        serve(backend, host="0.0.0.0", port=0)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("analysts.example.com")


@pytest.mark.parametrize(
    "weak",
    [
        " ",
        "a",
        "s3cret-pass",
        "x" * 40,
        "ab" * 20,
        f" {STRONG} ",
        "changeme-changeme-changeme-123456",
    ],
)
def test_weak_secret_is_refused_before_serving(
    calls: Path, weak: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blank, short or patterned secret is refused, saying how to make one, never echoing it."""
    served: list[object] = []
    monkeypatch.setattr("analysts.web.uvicorn.run", lambda app, **_: served.append(app))
    backend = Database(sqlite_path=calls / "book_known_caller.db")
    with pytest.raises(UnsafeHost, match="ANALYSTS_SECRET") as refused:
        serve(backend, host="0.0.0.0", port=0, secret=weak)
    assert served == []
    assert "secrets.token_urlsafe(32)" in str(refused.value)
    if len(weak.strip()) >= 6:  # shorter ones occur in any sentence
        assert weak.strip() not in str(refused.value)
