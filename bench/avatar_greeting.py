"""Benchmark what a web caller's avatar adds before the greeting, against voice-only calls.

    python -m bench.avatar_greeting                 # 30 calls a case, VOICE_AVATAR_WAIT 0.5 s
    python -m bench.avatar_greeting --calls 50 --wait 2

Each call runs in LiveKit's `AgentSession` around `BookingAgent` on one embedded (SQLite)
receptionist, with the audio stand-ins of `tests/voice` (a silent TTS, a real-time
speaker), and is timed from `session.start()` until the greeting has played. The cases
run interleaved, call by call, so a busy machine slows them alike:
- voice-only: the baseline, no avatar;
- at once: a provider that says yes and shows its video at once (the face's own cost);
- slow provider: yes after 250 ms, video 150 ms later (the graph opens the call
  meanwhile, so the greeting should wait about 400 ms, not 400 ms plus the opening);
- no video: the real Bey plugin on a local stand-in of its API, which says yes at once
  but whose avatar never joins (no LiveKit server): the greeting waits the whole wait;
- stalled: the real Bey plugin on a stand-in that never answers: the same bound.

Printed: the median and p90 per case, and the median against voice-only's. Providers'
real join times are not measured here: no provider is reachable from this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from booking.compose import Receptionist, open_receptionist
from business.calendar import BusinessCalendar
from tests.voice.avatars import (
    AvatarStandIn,
    ProviderApi,
    face_of,
    in_a_job,
    provider_api,
    web_face,
    web_room,
)
from tests.voice.conftest import audio_session, said
from voice.agent import BookingAgent
from voice.avatar import Face

CASES = ("voice-only", "at once", "slow provider", "no video", "stalled")
Faces = Callable[[str], Face | None]


async def greet(agent: Receptionist, thread: str, face: Face | None) -> tuple[float, str]:
    """Open one call, hang up; return the milliseconds until its greeting was said, and
    how it went for its face."""
    audio = audio_session()  # LiveKit's audio path: a silent TTS, a real-time speaker
    audio.tts.seconds_per_char = 0.0001  # the greeting plays in about 10 ms
    session = audio.session
    call = BookingAgent(agent.conversation(thread), caller_id="+14155550123", face=face)
    async with session:
        began = time.perf_counter()
        started = await session.start(call, capture_run=True)
        elapsed = (time.perf_counter() - began) * 1000
        assert said(started), "no greeting"
    return elapsed, face.usage().outcome if face is not None else "none"


def faces(wait: float, bey_api: ProviderApi, stalled_api: ProviderApi) -> dict[str, Faces]:
    """Return how each case makes a call's face (None: voice-only)."""

    def stand_in(answer_after: float, video_after: float) -> Faces:
        def make(thread: str) -> Face:
            avatar = AvatarStandIn(web_room(), answer_after=answer_after, video_after=video_after)
            return face_of(avatar, call=thread, wait=wait)

        return make

    def bey(api: ProviderApi) -> Faces:
        return lambda thread: web_face("bey", api.url, wait=wait, call=thread)

    return {
        "voice-only": lambda _: None,
        "at once": stand_in(0.0, 0.0),
        "slow provider": stand_in(0.25, 0.15),
        "no video": bey(bey_api),
        "stalled": bey(stalled_api),
    }


async def run(calls: int, wait: float) -> tuple[dict[str, list[float]], dict[str, Counter[str]]]:
    """Time `calls` greetings per case, interleaved; return the milliseconds per case and
    how the faces went."""
    timed: dict[str, list[float]] = {case: [] for case in CASES}
    outcomes: dict[str, Counter[str]] = {case: Counter() for case in CASES}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with open_receptionist(db, calendar=BusinessCalendar()) as agent:
            user = agent.store.create_user(phone="+14155550123")
            agent.store.set_user_name(user.id, "Sam Lee")
            async with provider_api() as bey_api, provider_api() as stalled_api, in_a_job():
                stalled_api.answer = "stall"
                make = faces(wait, bey_api, stalled_api)
                await greet(agent, "warm-up", None)
                for number in range(calls):
                    for case in CASES:
                        thread = f"{case}-{number}"
                        # closing the session closes its face (BookingAgent.on_exit)
                        ms, outcome = await greet(agent, thread, make[case](thread))
                        timed[case].append(ms)
                        outcomes[case][outcome] += 1
    return timed, outcomes


def main() -> None:
    """Run every case and print the medians against voice-only's."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=30, help="calls per case")
    parser.add_argument("--wait", type=float, default=0.5, help="VOICE_AVATAR_WAIT_SECONDS")
    args = parser.parse_args()
    # the faces' warnings are the point of two cases; the tests' transcript synchronisers
    # are left to the garbage collector, which asyncio reports, task by task
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    timed, outcomes = asyncio.run(run(args.calls, args.wait))
    base = statistics.median(timed["voice-only"])
    print(f"greeting after session.start(), {args.calls} calls a case, wait {args.wait:g} s")
    for case in CASES:
        ms = sorted(timed[case])
        median, p90 = statistics.median(ms), ms[int(0.9 * (len(ms) - 1))]
        went = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes[case].items()))
        print(
            f"  {case:14} median {median:7.1f} ms   p90 {p90:7.1f} ms"
            f"   {median / base:5.2f}x   face: {went}"
        )


if __name__ == "__main__":
    main()
