"""The voice door: LiveKit Agents around the booking graph (`voice_bridge.py` composes it).

- `agent`: `BookingAgent`, whose replies come from the graph (one caller turn, one step).
- `session`: the `AgentSession` with Deepgram, Cartesia and Silero, built from settings.
- `settings`, `options`: the voice settings and the plain options the agent runs on.
- `delivery`, `latency`, `costs`, `silence`, `calls`: what was heard, per-turn latency,
  the call's cost, a silent caller, caller ID and hanging up.
"""
