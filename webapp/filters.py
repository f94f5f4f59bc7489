"""Template helpers of the operator's pages: clickable links in plain text, UTC clock times."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from markupsafe import Markup, escape

_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str | None) -> Markup:
    """Plain text with its http(s) links made clickable; everything else escaped."""
    text = text or ""
    out: list[Markup] = []
    at = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)»")
        out += [
            escape(text[at : match.start()]),
            Markup('<a href="{0}" target="_blank" rel="noopener noreferrer">{0}</a>').format(url),
        ]
        at = match.start() + len(url)
    out.append(escape(text[at:]))
    return Markup("").join(out)


def clock(value: datetime | None) -> str:
    """A UTC time for the operator's pages: '14:03:22', with the date when not today."""
    if value is None:
        return ""
    value = value.astimezone(UTC)
    if value.date() == datetime.now(UTC).date():
        return value.strftime("%H:%M:%S")
    return value.strftime("%d %b %H:%M")
