"""17TRACK's push webhooks: the signature check and the payload (pure: bytes in).

17TRACK signs each push with a `sign` header, the hex SHA-256 of the raw body, a slash
and the account's API key: sha256(body + "/" + key).

    {"event": "TRACKING_UPDATED", "data": {"number": …, "carrier": 3011, "track_info": {…}}}
    {"event": "TRACKING_STOPPED", "data": {"number": …, "carrier": 3011}}
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from core.carriers.base import ParcelUpdate
from core.carriers.seventeentrack.parse import update_of
from core.errors import InvalidSignature, MalformedPayload


def expected_sign(body: bytes, api_key: str) -> str:
    """The `sign` 17TRACK sends with `body` for the account whose key is `api_key`."""
    return hashlib.sha256(body + b"/" + api_key.encode()).hexdigest()


def header(headers: Mapping[str, str], name: str) -> str:
    """A header's value whatever the case of its name ("" when absent)."""
    lowered = name.lower()
    return next((str(v) for k, v in headers.items() if k.lower() == lowered), "")


def verify(body: bytes, headers: Mapping[str, str], api_key: str) -> None:
    """Raise InvalidSignature unless `sign` matches (constant-time compare)."""
    sign = header(headers, "sign").strip().lower()
    if not api_key or not sign:
        raise InvalidSignature("17TRACK push without a sign header or without a key to check it")
    if not hmac.compare_digest(sign.encode(), expected_sign(body, api_key).encode()):
        raise InvalidSignature("17TRACK push sign does not match")


def parse(body: bytes) -> list[ParcelUpdate]:
    """The updates in a verified push: one for TRACKING_UPDATED, none for TRACKING_STOPPED."""
    try:
        payload: Any = json.loads(body)
    except ValueError as exc:
        raise MalformedPayload("17TRACK push is not JSON") from exc
    if not isinstance(payload, Mapping) or not isinstance(payload.get("data"), Mapping):
        raise MalformedPayload("17TRACK push has no data object")
    event, data = payload.get("event"), payload["data"]
    number = str(data.get("number") or "")
    if not number:
        raise MalformedPayload("17TRACK push names no number", {"data.number": "missing"})
    if event == "TRACKING_STOPPED":
        return []  # 17TRACK stopped following it; polling notices the end by itself
    if event != "TRACKING_UPDATED":
        raise MalformedPayload(f"17TRACK push event {event!r} is not one Wismo knows")
    if not isinstance(data.get("track_info"), Mapping):
        raise MalformedPayload("17TRACK push has no track_info", {"data.track_info": "missing"})
    return [update_of(number, data["track_info"])]
