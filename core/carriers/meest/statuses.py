"""Meest Express tracking events → canonical statuses (a plain table, no I/O).

Meest's openAPI v3.0 `tracking` answer gives each event an `eventCode` and its words in
three languages (`eventDescr.descrUA/descrRU/descrEN`). Meest publishes no code list, so
the codes seen in its answers are mapped here, and an unknown code falls back to the
words: fixed phrases of Meest's own, matched in Ukrainian and English.
"""

from __future__ import annotations

import re

from core.domain.statuses import Status

# eventCode → (canonical status or None for no news, canonical reason)
CODES: dict[str, tuple[Status | None, str | None]] = {
    "2": (None, None),  # waybill created by the sender, parcel not handed over yet
    "606": (Status.SHIPPED, None),  # accepted for carriage
    "8081": (Status.IN_TRANSIT, None),  # on its way to the recipient
    "1622": (Status.DELIVERED, None),  # handed to the recipient
    "1825": (Status.RETURNED, "returned_to_sender"),
    "3": (Status.EXCEPTION, "cancelled"),
    "5700": (Status.EXCEPTION, "disposed"),
}

# Fallback on the words, first match wins (Meest's phrases, lower-cased).
WORDS: tuple[tuple[re.Pattern[str], Status, str | None], ...] = (
    (re.compile(r"поверн|return"), Status.RETURNED, "returned_to_sender"),
    (re.compile(r"відмов|refus"), Status.EXCEPTION, "refused"),
    (re.compile(r"доручено|отримано|delivered|received by"), Status.DELIVERED, None),
    (re.compile(r"кур.?єр|courier|out for delivery"), Status.OUT_FOR_DELIVERY, None),
    (
        re.compile(r"поштомат|відділенн|очікує отримувача|ready for pickup|at the branch"),
        Status.READY_FOR_PICKUP,
        None,
    ),
    (re.compile(r"невдал|не вдалося|failed"), Status.ATTEMPTED_DELIVERY, "failed_attempt"),
    (re.compile(r"прийнят|accepted"), Status.SHIPPED, None),
    (
        re.compile(
            r"прям|сортув|транзит|залишил|прибу|поступ|надійш|перемі|"
            r"in transit|sorting|depart|arriv|left"
        ),
        Status.IN_TRANSIT,
        None,
    ),
)

FINAL = frozenset({Status.DELIVERED, Status.RETURNED})


def status_of(code: str | None, words: str = "") -> tuple[Status | None, str | None]:
    """The canonical status and reason of one Meest event: by code, else by its words."""
    if code and code in CODES:
        return CODES[code]
    lowered = words.lower()
    for pattern, status, reason in WORDS:
        if pattern.search(lowered):
            return status, reason
    return None, None
