"""A voice call with no room, no keys and no network, for the tests and the latency bench.

Test code, not the product: it needs the dev extras (pocketsphinx) and Debian's espeak-ng.

- `pocketsphinx_stt`: `PocketSphinxSTT`, offline recognition held to a grammar of the lines.
- `espeak_tts`: `EspeakTTS` and `espeak()`, the local espeak-ng binary behind LiveKit's TTS.
- `clips`, `capture`: the caller's microphone (clips played in real time) and speaker
  (every agent frame kept, with how much of it was heard).
- `session`: the turn handling and I/O wiring of such a session; `call`: a whole spoken call.
"""
