"""Every setting of the notices is explained in .env.example, where a business looks."""

from __future__ import annotations

import re
from pathlib import Path

from booking.notify.settings import NotifySettings


def test_every_notify_setting_is_in_env_example() -> None:
    """A business configuring confirmations sees each knob, SMTP and Twilio included."""
    example = (Path(__file__).parents[2] / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert {name.upper() for name in NotifySettings.model_fields} <= documented
