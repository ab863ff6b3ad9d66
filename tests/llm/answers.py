"""Model answers for the LLM engine's tests, built from the `Heard` schema itself."""

from __future__ import annotations

from nodes.understanding.schema import Heard


def heard_json(**fields: object) -> str:
    """Return a valid Heard JSON object; fields not named are null (flags false)."""
    base = {
        name: (False if info.annotation is bool else None)
        for name, info in Heard.model_fields.items()
    }
    return Heard.model_validate({**base, **fields}).model_dump_json()
