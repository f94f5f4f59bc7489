"""Colour arithmetic for the shop's brand colour: WCAG contrast, readable text on and in it.

Pure functions over `#rgb` / `#rrggbb` strings and (r, g, b) tuples, so the tracking page,
the preference centre and the app proxy draw one brand the same way.
"""

from __future__ import annotations

import re
from typing import Any

DEFAULT_COLOUR = "#0f766e"
WHITE = (255, 255, 255)
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")

RGB = tuple[int, int, int]


def hex_colour(value: Any, default: str = DEFAULT_COLOUR) -> str:
    """`value` when it is a `#rgb` or `#rrggbb` colour (trimmed), else `default`."""
    colour = value.strip() if isinstance(value, str) else ""
    return colour if _HEX.fullmatch(colour) else default


def rgb(colour: str) -> RGB:
    """The (r, g, b) of a `#rgb` or `#rrggbb` colour."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def luminance(colour: RGB) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""

    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(colour: RGB) -> str:
    """White or near-black, whichever reads on `colour` (at least 3:1 for white)."""
    return "#ffffff" if contrast(colour, WHITE) >= 3 else "#111827"


def ink(colour: RGB) -> str:
    """The colour darkened until it reads as text on white (WCAG AA, 4.5:1)."""
    r, g, b = colour
    while contrast((r, g, b), WHITE) < 4.5:
        r, g, b = int(r * 0.9), int(g * 0.9), int(b * 0.9)
    return f"#{r:02x}{g:02x}{b:02x}"
