"""What the worker hands a channel, and what a channel promises: send, or say why not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from booking.notify.settings import Channel as ChannelName
from business.notices import Message, NoticeKind


@dataclass(frozen=True)
class Contact:
    """Where a caller can be reached."""

    phone: str
    """E.164, as the store keeps it."""
    name: str | None
    email: str | None


@dataclass(frozen=True)
class Outgoing:
    """One notice in words, with its calendar file for an e-mail (None for a reminder)."""

    kind: NoticeKind | Literal["callback"]
    message: Message
    ics: bytes | None = None
    ics_method: str = "REQUEST"


class DeliveryFailed(Exception):
    """A channel could not deliver; the message is recorded, so it holds no secret."""


class Channel(Protocol):
    """A way of sending a notice to a caller (SMS, e-mail)."""

    @property
    def name(self) -> ChannelName:
        """Return the channel's name in NOTIFY_CHANNELS and in the deliveries recorded."""
        ...

    def reaches(self, contact: Contact) -> bool:
        """Return True when this channel has an address for the caller."""
        ...

    def send(self, contact: Contact, outgoing: Outgoing) -> str:
        """Send and return the provider's id of the message; DeliveryFailed when it fails."""
        ...
