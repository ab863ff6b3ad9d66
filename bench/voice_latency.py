"""Benchmark the voice turn: end of the caller's speech → first agent audio frame.

    python -m bench.voice_latency            # one 8-turn call, ~70 s of real-time audio

A real-audio call with no room (`tests/voice/harness/call.py`: needs the dev extras and
espeak-ng): espeak-ng speaks the caller's lines into LiveKit's `AgentSession` in real time;
Silero's VAD ends each turn, pocketsphinx (held to a grammar of the lines) recognises it,
`BookingAgent` runs one graph step on an embedded SQLite agent, espeak-ng speaks the reply
into a capturing output. Reports, over all turns:
- the median time from the caller's last audible sample to the first agent frame captured,
- the median graph step (time inside `Conversation.say`) and its share of that time,
- the same latency from the end of each played clip (espeak-ng leaves ~0.3 s of silence).
The VAD's silence window (`--min-silence`, Silero's default 0.55 s) is most of the wait.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

from livekit.plugins import silero

from bench.graph_step import NOW, PHONE
from booking.compose import fixed_clock, open_receptionist
from booking.databases import Database
from business.calendar import BusinessCalendar
from tests.voice.harness.call import CallerLine, Turn, run_offline_call

LINES = [
    CallerLine("book monday at ten a.m."),
    CallerLine("yes"),
    CallerLine("what do i have booked"),
    CallerLine("book tuesday at two p.m."),
    CallerLine("no"),
    CallerLine("can you repeat that"),
    CallerLine("cancel my appointment"),
    CallerLine("yes"),
]
"""Eight turns: two reads, two read-backs, two writes, a refusal and a repeat."""


def timed_call(db: Path, *, thread: str, min_silence: float) -> list[Turn]:
    """Run one spoken call on a fresh SQLite agent and return its timed turns."""
    with open_receptionist(
        Database(sqlite_path=db), calendar=BusinessCalendar(), clock=fixed_clock(NOW)
    ) as app:
        app.store.create_user(phone=PHONE, name="Sam Lee")
        vad = silero.VAD.load(min_silence_duration=min_silence)
        call = asyncio.run(run_offline_call(app, LINES, thread_id=thread, caller_id=PHONE, vad=vad))
    return call.turns


def ms(values: list[float]) -> float:
    """Median in milliseconds."""
    return statistics.median(values) * 1000


def main() -> None:
    """Run the benchmark and print a small report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1, help="8-turn calls to time")
    parser.add_argument(
        "--min-silence", type=float, default=0.55, help="VAD silence that ends a turn (s)"
    )
    args = parser.parse_args()
    turns: list[Turn] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.calls):
            turns += timed_call(
                Path(tmp) / f"c{n}.db", thread=f"call-{n}", min_silence=args.min_silence
            )
    latency = [t.latency for t in turns]
    graph = [t.graph_seconds for t in turns]
    clip_end = [t.reply.started_at - t.utterance.ended_at for t in turns]
    share = [t.graph_seconds / t.latency for t in turns]
    print(f"{len(turns)} turns, VAD min silence {args.min_silence:.2f} s")
    print(f"end of speech -> first agent frame: median {ms(latency):6.0f} ms")
    print(f"  (range {min(latency) * 1000:.0f}-{max(latency) * 1000:.0f} ms)")
    print(f"graph step (Conversation.say):       median {ms(graph):6.1f} ms")
    print(f"graph share of the turn:             median {statistics.median(share):6.1%}")
    print(f"end of clip -> first agent frame:    median {ms(clip_end):6.0f} ms")
    for t in turns:
        graph_ms = t.graph_seconds * 1000
        print(f"  {t.line.text:<28} {t.latency * 1000:5.0f} ms  graph {graph_ms:6.1f} ms")


if __name__ == "__main__":
    main()
