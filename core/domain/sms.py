"""SMS length: which encoding a text needs and how many segments it is billed as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# GSM 03.38 default alphabet (one septet each); ESC (0x1B) is left out on purpose.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each character costs an escape plus itself, two septets.
GSM_EXTENDED = frozenset("\f^{}\\[~]|€")

Encoding = Literal["GSM-7", "UCS-2"]
LIMITS: dict[str, tuple[int, int]] = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


@dataclass(frozen=True)
class SmsInfo:
    """How an SMS text is encoded and billed."""

    encoding: Encoding
    characters: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    per_segment: int  # the capacity of each segment at this length


def is_gsm7(text: str) -> bool:
    """True when every character fits the GSM 03.38 alphabet (basic or extension)."""
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def _units(text: str, encoding: Encoding) -> list[int]:
    if encoding == "GSM-7":
        return [2 if ch in GSM_EXTENDED else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]  # astral chars are surrogate pairs


def count_segments(text: str) -> SmsInfo:
    """The encoding, length and segment count of `text` as a carrier would bill it."""
    encoding: Encoding = "GSM-7" if is_gsm7(text) else "UCS-2"
    units = _units(text, encoding)
    total = sum(units)
    single, multi = LIMITS[encoding]
    if total == 0:
        return SmsInfo(encoding, 0, 0, single)
    if total <= single:
        return SmsInfo(encoding, total, 1, single)
    # Fill segments greedily; an escape pair or a surrogate pair is never split.
    segments, used = 1, 0
    for size in units:
        if used + size > multi:
            segments, used = segments + 1, 0
        used += size
    return SmsInfo(encoding, total, segments, multi)
