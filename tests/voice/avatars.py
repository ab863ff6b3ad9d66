"""Stand-ins for the avatar providers, and a face that joins a room without a server.

`provider_api()` serves, on loopback, what the Bey and Tavus plugins call: Beyond
Presence's `POST /v1/sessions`, Tavus's `POST /v2/conversations` and its `.../end`, and
LiveKit's `RoomService/RemoveParticipant`. The real plugins (and livekit-api) are pointed
at it: it answers, refuses (401), fails (500) or stalls as a test asks, and keeps what it
was sent.

No LiveKit server runs here, so no provider's avatar can join a room: `AvatarStandIn` is
the rest of a provider. It is a LiveKit avatar plugin as Bey's and Tavus's are (LiveKit's
`AvatarSession` underneath): its start puts its own audio output under the session's
voice, and `join()` / `leave()` raise the room events a real avatar's arrival (with its
video) and departure raise. Its output, a `Speaker`, plays the voice as the avatar would.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from aiohttp import web
from livekit import api, rtc
from livekit.agents import AgentSession
from livekit.agents.job import JobContext, _JobContextVar
from livekit.agents.utils import http_context
from livekit.agents.voice.avatar import AvatarSession
from livekit.agents.voice.io import AudioOutput
from pydantic import SecretStr

from tests.voice.fakes import Caller, Speaker
from tests.voice.jobs import job_context
from voice.avatar import Face, LiveKitAccess, avatar_for
from voice.settings import VoiceSettings

Answer = Literal["ok", "refuse", "fail", "stall"]
LIVEKIT_KEY, LIVEKIT_SECRET = "lk-key", "lk-secret-of-32-characters-at-least"
LIVEKIT_URL = "wss://calls.example.livekit.cloud"
TAVUS_CONVERSATION = "c0ffee42"


@dataclass
class Sent:
    """One request the stand-in received."""

    path: str
    headers: dict[str, str]
    body: Any
    witnessed: object = None
    """What `ProviderApi.witness` returned when the request came in."""


@dataclass
class ProviderApi:
    """What the stand-in received, and how it answers the next requests."""

    url: str = ""
    answer: Answer = "ok"
    sent: list[Sent] = field(default_factory=list)
    stalled: asyncio.Event = field(default_factory=asyncio.Event)
    """Set while a stalled request is held (it is held until the stand-in closes)."""
    release: asyncio.Event = field(default_factory=asyncio.Event)
    witness: Callable[[], object] = lambda: None
    """Called as each request comes in (say, to note what the caller had heard by then)."""

    def to(self, path: str) -> list[Sent]:
        """Return the requests sent to `path`."""
        return [sent for sent in self.sent if sent.path == path]


@asynccontextmanager
async def provider_api() -> AsyncIterator[ProviderApi]:
    """Serve the providers' and LiveKit's endpoints on loopback for the test's length."""
    stand_in = ProviderApi()

    async def avatar_api(request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        body = json.loads(raw) if raw else None
        stand_in.sent.append(Sent(request.path, dict(request.headers), body, stand_in.witness()))
        if stand_in.answer == "stall":
            stand_in.stalled.set()
            await stand_in.release.wait()
        if stand_in.answer == "refuse":
            return web.json_response({"message": "Invalid API key"}, status=401)
        if stand_in.answer == "fail":
            return web.json_response({"message": "internal error"}, status=500)
        if request.path == "/v1/sessions":
            return web.json_response({"id": "bey-session-1"}, status=201)
        if request.path == "/v2/conversations":
            return web.json_response({"conversation_id": TAVUS_CONVERSATION, "status": "active"})
        return web.json_response({})  # an ended conversation

    async def remove_participant(request: web.Request) -> web.Response:
        sent = api.RoomParticipantIdentity.FromString(await request.read())
        stand_in.sent.append(Sent(request.path, dict(request.headers), sent))
        body = api.RemoveParticipantResponse().SerializeToString()
        return web.Response(body=body, content_type="application/protobuf")

    app = web.Application()
    app.router.add_post("/v1/sessions", avatar_api)
    app.router.add_post("/v2/conversations", avatar_api)
    app.router.add_post("/v2/conversations/{conversation}/end", avatar_api)
    app.router.add_post("/twirp/livekit.RoomService/RemoveParticipant", remove_participant)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    stand_in.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield stand_in
    finally:
        stand_in.release.set()
        await runner.cleanup()


def closed_port_url() -> str:
    """Return a loopback URL nothing listens on: a provider that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def avatar_settings(provider: str, api_url: str, *, wait: float = 2.0) -> VoiceSettings:
    """Return voice settings with `provider`'s avatar on, its API at `api_url`, dummy keys."""
    keys: dict[str, Any] = (
        {"bey_api_key": SecretStr("bey-dummy"), "bey_api_url": api_url, "bey_avatar_id": "av-7"}
        if provider == "bey"
        else {
            "tavus_api_key": SecretStr("tavus-dummy"),
            "tavus_api_url": f"{api_url}/v2",
            "tavus_face_id": "r-face-1",
            "tavus_pal_id": "p-pal-1",
        }
    )
    return VoiceSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        voice_avatar=provider,  # type: ignore[arg-type]  # "bey" or "tavus"
        voice_avatar_wait_seconds=wait,
        voice_avatar_usd_per_minute=0.3,
        livekit_url=LIVEKIT_URL,
        livekit_api_key=SecretStr(LIVEKIT_KEY),
        livekit_api_secret=SecretStr(LIVEKIT_SECRET),
        **keys,
    )


def web_room(name: str = "web-room") -> rtc.Room:
    """Return a real, unconnected room named as a call's room is before it connects."""
    room = rtc.Room()
    room._info.name = name  # as LiveKit's job names it before the entrypoint connects
    return room


@asynccontextmanager
async def in_a_job(room: str = "web-room") -> AsyncIterator[JobContext]:
    """Run the body as inside a call's job: its context (the plugins read it) and the HTTP
    session LiveKit opens for a job; LiveKit's API goes to LIVEKIT_URL (a test sets it)."""
    job = job_context(room=room)
    token = _JobContextVar.set(job)
    try:
        async with http_context.open():
            yield job
    finally:
        _JobContextVar.reset(token)


WEB_CALLER, PHONE_CALLER = Caller(), Caller(rtc.ParticipantKind.PARTICIPANT_KIND_SIP)


@dataclass
class Joined:
    """A participant in a room event: who it is."""

    identity: str


@dataclass
class Publication:
    """A track publication in a room event: its kind."""

    kind: int


class AvatarStandIn(AvatarSession[str]):
    """A provider's avatar as LiveKit's plugins make one, for a room with no server.

    `start` puts its `output` under the session's voice as the plugins do (and joins at
    once when `joins` is set); `join()` raises the room events of the avatar arriving
    with its video, `leave()` those of it leaving.
    """

    def __init__(
        self,
        room: rtc.Room,
        *,
        joins: bool = True,
        answer_after: float = 0.0,
        video_after: float = 0.0,
        output: AudioOutput | None = None,
    ) -> None:
        """Stand for an avatar in `room`; `joins`: its video comes once it has started.

        `answer_after`: seconds the provider takes to say yes; `video_after`: seconds
        after that before its video is in the room; `output`: what plays the voice it is
        given (default: a `Speaker`, as `self.speaker`).
        """
        super().__init__()
        self.room = room
        self.answer_after = answer_after
        self.video_after = video_after
        self.speaker = Speaker()
        self.output: AudioOutput = output or self.speaker
        """Where the voice goes once the face has it: the avatar's lips and audio."""
        self.joins = joins
        self.started_with: dict[str, str] = {}

    @property
    def avatar_identity(self) -> str:
        """The avatar's participant identity."""
        return "stand-in-avatar"

    async def start(
        self,
        agent_session: AgentSession[Any],
        room: rtc.Room,
        *,
        livekit_url: str = "",
        livekit_api_key: str = "",
        livekit_api_secret: str = "",
    ) -> None:
        """Start as a plugin does: its output goes under the session's voice."""
        await super().start(agent_session, room)
        if self.answer_after:
            await asyncio.sleep(self.answer_after)
        self.started_with = {"url": livekit_url, "key": livekit_api_key}
        agent_session.output.replace_audio_tail(self.output)
        if self.joins and self.video_after:
            asyncio.get_running_loop().call_later(self.video_after, self.join)
        elif self.joins:
            self.join()

    def join(self) -> None:
        """Raise the room's events for the avatar joining and publishing its video."""
        avatar = Joined(self.avatar_identity)
        self.room.emit("participant_connected", avatar)
        self.room.emit("track_published", Publication(rtc.TrackKind.KIND_AUDIO), avatar)
        self.room.emit("track_published", Publication(rtc.TrackKind.KIND_VIDEO), avatar)

    def leave(self) -> None:
        """Raise the room's event for the avatar leaving."""
        self.room.emit("participant_disconnected", Joined(self.avatar_identity))


def web_face(
    provider: str, api_url: str, *, call: str, wait: float = 2.0, room: rtc.Room | None = None
) -> Face:
    """Return the face the worker makes for a web call with `provider`'s avatar on, its API
    at `api_url` (made inside a job: `in_a_job`)."""
    settings = avatar_settings(provider, api_url, wait=wait)
    face = avatar_for(WEB_CALLER, settings, room=room or web_room(), call=call)
    assert face is not None
    return face


def face_of(
    avatar: AvatarStandIn,
    *,
    call: str,
    wait: float = 5.0,
    provider: str = "stand-in",
    clock: Callable[[], float] = time.monotonic,
) -> Face:
    """Return the face a call shows with `avatar`, as the worker makes one for a web call."""
    access = LiveKitAccess(LIVEKIT_URL, LIVEKIT_KEY, LIVEKIT_SECRET)
    return Face(
        avatar, provider=provider, room=avatar.room, livekit=access, wait=wait, call=call,
        clock=clock,
    )  # fmt: skip


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the time."""
        return self.now


def livekit_at(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the job's LiveKit API (LIVEKIT_URL, key, secret) at `url`."""
    monkeypatch.setenv("LIVEKIT_URL", url)
    monkeypatch.setenv("LIVEKIT_API_KEY", LIVEKIT_KEY)
    monkeypatch.setenv("LIVEKIT_API_SECRET", LIVEKIT_SECRET)
