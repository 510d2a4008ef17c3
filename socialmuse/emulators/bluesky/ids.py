"""Identifiers as a PDS shapes them: TIDs, CIDs, AT-URIs and (HMAC-signed) session JWTs.

CIDs are real CIDv1 strings over a SHA-256 of the canonical JSON (not DAG-CBOR), so they
look and sort like the network's (``bafyrei…`` for records, ``bafkrei…`` for raw blobs)
and change exactly when the record's bytes change.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid(micros: int, clock_id: int = 0) -> str:
    """A 13-char base32-sortable timestamp id (53-bit microseconds, 10-bit clock id)."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_tid(value: str) -> bool:
    return (
        len(value) == 13 and all(c in TID_ALPHABET for c in value) and value[0] in TID_ALPHABET[:16]
    )


def canonical(record: Any) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _cid(codec: int, data: bytes) -> str:
    raw = bytes([0x01, codec, 0x12, 0x20]) + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def record_cid(record: Any) -> str:
    """``bafyrei…``: CIDv1, dag-cbor codec, sha2-256."""
    return _cid(0x71, canonical(record))


def blob_cid(data: bytes) -> str:
    """``bafkrei…``: CIDv1, raw codec, sha2-256."""
    return _cid(0x55, data)


def at_uri(did: str, collection: str, rkey: str) -> str:
    return f"at://{did}/{collection}/{rkey}"


def parse_at_uri(uri: str) -> tuple[str, str, str] | None:
    if not uri.startswith("at://"):
        return None
    parts = uri[len("at://") :].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Claims:
    typ: str
    scope: str
    sub: str
    iat: int
    exp: int
    jti: str | None = None


class Signer:
    """Issues and checks the session JWTs (HS256 with a per-emulator secret)."""

    def __init__(self) -> None:
        self.secret = secrets.token_bytes(32)

    def issue(self, claims: Claims) -> str:
        header = _b64(json.dumps({"typ": claims.typ, "alg": "HS256"}).encode())
        body: dict[str, Any] = {
            "scope": claims.scope,
            "sub": claims.sub,
            "iat": claims.iat,
            "exp": claims.exp,
        }
        if claims.jti:
            body["jti"] = claims.jti
        payload = _b64(json.dumps(body).encode())
        signature = hmac.new(self.secret, f"{header}.{payload}".encode(), "sha256").digest()
        return f"{header}.{payload}.{_b64(signature)}"

    def verify(self, token: str) -> Claims | None:
        """The claims of a token this emulator signed, or None (expiry is checked by callers)."""
        try:
            header, payload, signature = token.split(".")
            expected = hmac.new(self.secret, f"{header}.{payload}".encode(), "sha256").digest()
            if not hmac.compare_digest(expected, _unb64(signature)):
                return None
            head = json.loads(_unb64(header))
            body = json.loads(_unb64(payload))
            return Claims(
                typ=head["typ"],
                scope=body["scope"],
                sub=body["sub"],
                iat=int(body["iat"]),
                exp=int(body["exp"]),
                jti=body.get("jti"),
            )
        except (ValueError, KeyError, TypeError):
            return None
