"""HS256 JSON Web Tokens, byte for byte as PyJWT's jwt.encode() writes them.

On every call PyJWT checks that the secret is no asymmetric key in disguise (trying it as
PEM, SSH, JWK JSON and DER, the last with `cryptography`): a defence for verifiers, whose
token header an attacker writes, and costlier than the HMAC itself. We only sign, with one
configured secret checked at start-up (tokens/strength.py), so the token server signs
here; tests/token_api/test_claims.py checks the output against PyJWT's and livekit-api's.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Mapping
from typing import Any


def sign_hs256(claims: Mapping[str, Any], secret: bytes) -> str:
    """Return the compact HS256 JWT of `claims` signed with `secret`."""
    payload = json.dumps(claims, separators=(",", ":")).encode("utf-8")
    signing_input = HEADER + b"." + _base64url(payload)
    signature = hmac.digest(secret, signing_input, "sha256")
    return (signing_input + b"." + _base64url(signature)).decode("ascii")


def _base64url(data: bytes) -> bytes:
    """Encode without padding, as JWTs are."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


HEADER = _base64url(b'{"alg":"HS256","typ":"JWT"}')
"""PyJWT's header for HS256, keys sorted, no spaces."""
