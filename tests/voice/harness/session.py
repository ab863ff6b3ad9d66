"""Fully local speech for the voice pipeline: no network, no API keys, no LiveKit server.

    stt = PocketSphinxSTT(grammar=sentence_grammar(["yes", "book monday at ten am"]))
    session = AgentSession(
        stt=stt, tts=EspeakTTS(), vad=silero.VAD.load(), llm=...,
        turn_handling=OFFLINE_TURN_HANDLING, aec_warmup_duration=None,
    )
    caller, speaker = ClipAudioInput(), CapturingAudioOutput()
    use_offline_io(session, audio_in=caller, audio_out=speaker)
    await session.start(agent)
    await caller.say(espeak("book monday at ten a.m."))

- `PocketSphinxSTT` (pocketsphinx_stt): pocketsphinx's bundled en-us model, batch
  recognition (LiveKit runs it behind the session's VAD through `stt.StreamAdapter`), exact
  on espeak-ng speech when a JSGF grammar of the expected sentences constrains it; without
  one it decodes freely with the bundled language model (poorly: fine for a demo, not a test).
- `EspeakTTS` (espeak_tts): the espeak-ng binary (`apt-get install espeak-ng`), 22,050 Hz mono.
- `ClipAudioInput` / `CapturingAudioOutput` (clips, capture): the caller's microphone and
  speaker with no room. `use_offline_io()` attaches them before `session.start()`; clips
  from `espeak()` or `wav_frame()` play in real time, and every agent frame is kept with
  its arrival time and how much of it was heard.

Console mode: give the session these STT and TTS (free decoding, or a grammar of the
phrases you mean to say) and run LiveKit's `console` command, which supplies the computer's
microphone and speaker (Debian's `libportaudio2`): a whole call, fully local, with no server
and no keys. (This machine has no sound device, so that path is documented, not tested; the
same session runs in tests with the clip input and the capture instead.) Silero's VAD ships
its model in the wheel; don't use livekit-plugins-turn-detector, which downloads its model.
"""

from __future__ import annotations

from typing import Any

from livekit.agents import AgentSession
from livekit.agents.voice.transcription.synchronizer import TranscriptSynchronizer
from livekit.agents.voice.turn import TurnHandlingOptions

from tests.voice.harness.capture import CapturingAudioOutput
from tests.voice.harness.clips import ClipAudioInput

OFFLINE_TURN_HANDLING: TurnHandlingOptions = {
    "turn_detection": "vad",
    "interruption": {"mode": "vad", "min_duration": 0.3},
    "endpointing": {"min_delay": 0.3},
    # a speculative reply would run a checkpointed graph step the caller may never confirm
    "preemptive_generation": {"enabled": False},
}
"""End turns on the VAD (no model download) and let a barge-in cut the reply at once."""


def use_offline_io(
    session: AgentSession[Any], *, audio_in: ClipAudioInput, audio_out: CapturingAudioOutput
) -> TranscriptSynchronizer:
    """Make the clips the session's microphone and the capture its speaker.

    The speaker goes behind LiveKit's `TranscriptSynchronizer`, as a room's or the console's
    does, so an interrupted reply is stored as only the words played before the barge-in.
    """
    sync = TranscriptSynchronizer(next_in_chain_audio=audio_out, next_in_chain_text=None)
    session.input.audio = audio_in
    session.output.audio = sync.audio_output
    session.output.transcription = sync.text_output
    return sync
