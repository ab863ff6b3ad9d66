"""Voice settings from the environment (and `.env`), read only by `voice_bridge.py`.

The store, calendar and understanding settings are `booking.settings.Settings`; these are
the voice door's own. LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET are read here
and given to LiveKit's `AgentServer` (so `.env` works too); it registers the worker with
them and hands them to each job, whose `JobContext.delete_room()` hangs the call up.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from voice.options import AgentOptions, VoiceRates

AvatarProvider = Literal["none", "bey", "tavus"]


class AvatarMisconfigured(Exception):
    """VOICE_AVATAR names a provider without what it needs; the message names the setting.

    Not a ValueError, so pydantic does not wrap it (with the settings' values) into a
    ValidationError: the worker stops with this one sentence.
    """


class VoiceSettings(BaseSettings):
    """Every knob of the voice door; see the Voice section of .env.example."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    livekit_url: str = ""
    livekit_api_key: SecretStr | None = None
    livekit_api_secret: SecretStr | None = None
    """Never logged; LiveKit uses it to register the worker and to delete a call's room."""
    livekit_agent_name: str = "booking-agent"
    """The name rooms dispatch this worker by (the token API must use the same)."""

    deepgram_api_key: SecretStr | None = None
    deepgram_model: str = "nova-3"
    deepgram_language: str = "en-US"
    cartesia_api_key: SecretStr | None = None
    cartesia_model: str = "sonic-3"
    cartesia_voice: str = ""
    """A Cartesia voice id; empty for the plugin's default voice."""

    voice_filler_after_seconds: float = 1.2
    voice_step_timeout_seconds: float = 6.0
    """A graph step slower than this is apologised for, and its reply said when it is done."""
    voice_silence_prompt_seconds: float = 10.0
    """Silence on both sides before "Are you still there?" (LiveKit's user_away_timeout)."""
    voice_silence_hangup_seconds: float = 8.0
    voice_interruption_mode: Literal["vad", "adaptive"] = "vad"
    """"adaptive" needs LiveKit Cloud's inference; "vad" works anywhere."""
    voice_min_endpointing_seconds: float = 0.5
    voice_stt_usd_per_minute: float = 0.0077
    voice_tts_usd_per_1k_chars: float = 0.04
    voice_latency_turns_kept: int = 50

    voice_max_calls_per_worker: int = Field(default=10, ge=1)
    """Calls one worker takes at once; LiveKit sends the next elsewhere (`voice.load`).

    10, because with the thread executor every call of the worker shares one process: its
    two Postgres pools of 10 (a call holds at most one connection of each at a time, so 10
    never queue) and one core (the GIL), which the machine's CPU share under-reports. With
    the process executor (LiveKit's default on Linux) each call is a process of its own,
    about 220 MB once set up: 10 calls are about 2.2 GB.
    """
    voice_load_threshold: float = Field(default=0.7, gt=0, le=1)
    """The worker is full at this CPU share (0..1), or at its maximum of calls (LiveKit's
    production default; under `dev` LiveKit never marks a worker full)."""
    voice_drain_seconds: int = Field(default=1800, ge=1)
    """On SIGTERM, how long calls in progress may go on (no new ones come) before they end."""
    voice_connect_retries: int = Field(default=16, ge=0)
    """Times the worker tries LiveKit again (backing off up to 10 s) before it exits 1."""
    voice_transfer_to: str = ""
    """Where a phone caller who asks for a person is put through (LiveKit SIP transfer):
    "tel:+14155550100" or "sip:frontdesk@pbx.example.com"; empty: a message is taken."""
    voice_transfer_timeout_seconds: float = Field(default=20.0, gt=0)
    """How long the transfer may take before it counts as failed and a message is taken."""
    voice_avatar: AvatarProvider = "none"
    """A face for web callers: "bey" (Beyond Presence) or "tavus"; phone calls never get one."""
    voice_avatar_wait_seconds: float = Field(default=2.0, gt=0, le=10)
    """The longest the greeting waits for the avatar: its provider's answer and its video in
    the room. A provider that fails or is slower leaves the call voice-only (one warning);
    a face whose video comes later takes over the voice between two sentences."""
    voice_avatar_usd_per_minute: float | None = Field(default=None, ge=0)
    """Your plan's price of an avatar minute; required with an avatar (no default: the
    providers price by plan). Minutes run from the provider's yes to the call's end."""
    bey_api_key: SecretStr | None = None
    bey_avatar_id: str = ""
    """A Beyond Presence avatar id; empty: the provider's stock avatar."""
    bey_api_url: str = "https://api.bey.dev"
    tavus_api_key: SecretStr | None = None
    tavus_face_id: str = Field(
        default="", validation_alias=AliasChoices("tavus_face_id", "tavus_replica_id")
    )
    """The Tavus face (formerly replica) to show; empty: the PAL's own face."""
    tavus_pal_id: str = Field(
        default="", validation_alias=AliasChoices("tavus_pal_id", "tavus_persona_id")
    )
    """The Tavus PAL (formerly persona), made with the "echo" pipeline and LiveKit transport;
    empty: Tavus's stock PAL."""
    tavus_api_url: str = "https://tavusapi.com/v2"

    voice_job_executor: Literal["thread", "process"] = "thread"
    """How the worker runs its calls. "thread": all in its one process, sharing the
    receptionist (about 0.55 MB a call, `bench/voice_load.py`); "process": LiveKit's
    default, a process per call (about 224 MB each, its own pools)."""

    @model_validator(mode="after")
    def _avatar_needs_its_settings(self) -> VoiceSettings:
        if self.voice_avatar == "none":
            return self
        key = self.bey_api_key if self.voice_avatar == "bey" else self.tavus_api_key
        if not secret(key).strip():
            name = f"{self.voice_avatar.upper()}_API_KEY"
            raise AvatarMisconfigured(f"VOICE_AVATAR={self.voice_avatar} needs {name}")
        if self.voice_avatar_usd_per_minute is None:
            raise AvatarMisconfigured(
                f"VOICE_AVATAR={self.voice_avatar} needs VOICE_AVATAR_USD_PER_MINUTE, your"
                " plan's price of an avatar minute (0 if it costs nothing), for the calls'"
                " cost_breakdown"
            )
        return self

    def agent_options(self) -> AgentOptions:
        """Return the options `BookingAgent` runs on."""
        return AgentOptions(
            filler_after=self.voice_filler_after_seconds,
            step_timeout=self.voice_step_timeout_seconds,
            silence_hangup_after=self.voice_silence_hangup_seconds,
            rates=VoiceRates(
                stt_usd_per_minute=self.voice_stt_usd_per_minute,
                tts_usd_per_1k_chars=self.voice_tts_usd_per_1k_chars,
                avatar_usd_per_minute=self.voice_avatar_usd_per_minute or 0.0,
            ),
            latency_turns_kept=self.voice_latency_turns_kept,
        )


@lru_cache
def get_voice_settings() -> VoiceSettings:
    """Return the process-wide voice settings, read once."""
    return VoiceSettings()


def secret(value: SecretStr | None) -> str:
    """Unwrap a key at the last moment it is needed ("" when unset)."""
    return value.get_secret_value() if value is not None else ""
