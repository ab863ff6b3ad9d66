"""Why the token server refuses a well-formed request; token_api answers each with a status.

ValueError
└── ChoiceNotAllowed   the request names a room, identity or agent this server picks itself
"""

from __future__ import annotations


class ChoiceNotAllowed(ValueError):
    """The request chooses something the settings keep for the server; answered 403."""
