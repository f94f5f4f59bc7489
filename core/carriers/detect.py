"""Which carrier carries a parcel: from the name the shop gave it, else from its number.

Pure: it takes the carrier classes (the loaded `wismo.carriers` plug-ins) as an argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def normalise(name: str | None) -> str:
    """A carrier name as letters and digits only, case-folded ("Nova-Poshta" → novaposhta)."""
    return "".join(ch for ch in (name or "").casefold() if ch.isalnum())


def by_name(name: str | None, carriers: Mapping[str, Any]) -> str | None:
    """The slug of the carrier `name` means (its slug, label or one of its aliases), if any."""
    wanted = normalise(name)
    if not wanted:
        return None
    for slug, cls in carriers.items():
        meta = cls.metadata
        names = (slug, meta.label, *getattr(meta, "aliases", ()))
        if wanted in {normalise(n) for n in names}:
            return slug
    return None


def by_number(number: str, carriers: Mapping[str, Any], country: str | None = None) -> list[str]:
    """The carriers that recognise `number`, most likely first; the shop's country breaks ties."""
    scored = []
    for slug, cls in carriers.items():
        try:
            score = float(cls.recognise(number))
        except Exception:  # a plug-in's recogniser failing must not stop detection
            score = 0.0
        if score > 0:
            local = bool(country) and country in getattr(cls.metadata, "countries", ())
            scored.append((-score, not local, slug))
    return [slug for _, _, slug in sorted(scored)]


@dataclass(frozen=True)
class Detected:
    """The carrier to ask first, how it was found, and the others to try after it."""

    carrier: str | None
    how: str | None  # "name" | "number" | None
    others: tuple[str, ...] = ()


def detect(
    name: str | None, number: str, carriers: Mapping[str, Any], country: str | None = None
) -> Detected:
    """The shop's carrier name wins; otherwise the number's likeliest carriers, in order."""
    named = by_name(name, carriers)
    ranked = by_number(number, carriers, country)
    if named is not None:
        return Detected(named, "name", tuple(s for s in ranked if s != named))
    if ranked:
        return Detected(ranked[0], "number", tuple(ranked[1:]))
    return Detected(None, None)
