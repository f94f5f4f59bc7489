"""Shop secrets encrypted at rest (Fernet keys derived from WISMO_SECRET_KEY)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import ConfigError


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"wismo secrets at rest")
    return Fernet(base64.urlsafe_b64encode(key.derive(secret_key.encode())))


class SecretBox:
    """Encrypts with the current key; decrypts with it or any previous one (key rotation)."""

    def __init__(self, secret_key: str, previous: tuple[str, ...] = ()) -> None:
        self._box = MultiFernet([_fernet(k) for k in (secret_key, *previous)])

    def seal(self, data: dict[str, Any]) -> str:
        """Encrypt a JSON-able dict."""
        return self._box.encrypt(json.dumps(data, sort_keys=True).encode()).decode()

    def open(self, token: str | None) -> dict[str, Any]:
        """Decrypt what `seal` made; {} for nothing."""
        if not token:
            return {}
        try:
            return dict(json.loads(self._box.decrypt(token.encode())))
        except InvalidToken:
            raise ConfigError(
                "a stored secret cannot be decrypted: was WISMO_SECRET_KEY changed "
                "without listing the old one in WISMO_SECRET_KEY_PREVIOUS?"
            ) from None


def new_token(nbytes: int = 24) -> str:
    """A random URL-safe token."""
    return secrets.token_urlsafe(nbytes)


def hash_api_key(api_key: str) -> str:
    """How an API key is stored: high-entropy keys need a fast hash, not a password hash."""
    return hashlib.sha256(api_key.encode()).hexdigest()
