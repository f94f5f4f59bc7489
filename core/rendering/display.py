"""Small display rules every shopper and operator page shares: status words and colours,
safe links, first names. Pure: no Flask, no database."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from core.domain.statuses import RETURN_PATH, Status

from .catalogue import status_label


def family(status: str | None) -> str:
    """The badge colour family of a status: progress, delivered, problem or cancelled."""
    if status == Status.DELIVERED:
        return "delivered"
    if status in (Status.DELAYED, Status.EXCEPTION, Status.ATTEMPTED_DELIVERY):
        return "problem"
    if status == Status.CANCELLED or status in RETURN_PATH:
        return "cancelled"
    return "progress"


def label(status: str | None, locale: str = "en") -> str:
    """The status in words, tolerating unknown or missing values."""
    try:
        return status_label(Status(status or ""), locale)
    except ValueError:
        return status or "—"


def as_status(value: str | None) -> Status | None:
    """`value` as a Status, or None when it is empty or unknown."""
    try:
        return Status(value) if value else None
    except ValueError:
        return None


def safe_url(url: Any) -> str | None:
    """`url` when it is a plain http(s) link; never javascript: or data:."""
    if isinstance(url, str) and urlsplit(url.strip()).scheme in ("http", "https"):
        return url.strip()
    return None


def https_origin(url: Any) -> str | None:
    """The https origin a link points to (for a CSP source), or None if it is not https."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc or re.search(r"[\s;,']", parts.netloc):
        return None
    return f"https://{parts.netloc}"


def first_name(name: str | None) -> str | None:
    """Only the first name: pages show no more personal data than they need."""
    return name.split()[0] if name and name.split() else None
