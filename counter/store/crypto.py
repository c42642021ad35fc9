"""Health information encrypted at rest (AES-256-GCM), bound to its member.

The member id is the associated data, so a ciphertext copied onto another member's
row fails to decrypt instead of showing the wrong person's allergies.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from counter.errors import KnownError
from counter.keystore import SecretStore

KEY_NAME = "health_key"
_VERSION = b"\x01"
# One encoder, made once: json.dumps with options builds a new one per call (a first
# sync encrypts the health records of a few hundred thousand members).
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


class HealthDataUnreadable(KnownError):
    code = "health_data_unreadable"


class HealthCipher:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        # Kept for the worker processes of a first sync, which encrypt as they build rows.
        self.key = key

    def encrypt(self, member_id: str, data: dict[str, Any]) -> bytes:
        nonce = os.urandom(12)
        plain = _encode(data).encode("utf-8")
        return _VERSION + nonce + self._aead.encrypt(nonce, plain, member_id.encode())

    def decrypt(self, member_id: str, blob: bytes) -> dict[str, Any]:
        if len(blob) < 1 + 12 + 16 or blob[:1] != _VERSION:
            raise HealthDataUnreadable("健康信息无法读取。", "The health record cannot be read.")
        try:
            plain = self._aead.decrypt(blob[1:13], blob[13:], member_id.encode())
        except InvalidTag:
            raise HealthDataUnreadable(
                "健康信息无法解密（密钥不符或数据被改动）。",
                "The health record cannot be decrypted.",
            ) from None
        value = json.loads(plain)
        if not isinstance(value, dict):
            raise HealthDataUnreadable("健康信息格式有误。", "The health record is malformed.")
        return value


def load_cipher(secrets: SecretStore) -> HealthCipher:
    """The cache's health key, created on first use (once, however many processes start)."""
    encoded = secrets.get_or_create(
        KEY_NAME, lambda: base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
    )
    return HealthCipher(base64.b64decode(encoded))
