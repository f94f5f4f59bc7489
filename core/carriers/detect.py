"""Which carrier carries a parcel: from the name the shop gave it, else from its number.

Pure: it takes the carrier classes (the loaded `wismo.carriers` plug-ins) as an argument.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from core.carriers import numbers

LOCAL_BONUS = 0.1  # a carrier of the shop's own country is that much likelier


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


def by_number(
    number: str,
    carriers: Mapping[str, Any],
    country: str | None = None,
    connected: Collection[str] | None = None,
) -> list[str]:
    """The carriers that recognise `number`, the likeliest for this shop first.

    The number is read in its one normal form (`numbers.clean`). The shop's connected
    carriers come before the others (only they can be asked); within each, the higher
    score first, a carrier of the shop's country counting `LOCAL_BONUS` more.
    """
    value = numbers.clean(number)
    if not value:
        return []
    ours = connected or ()
    scored = []
    for slug, cls in carriers.items():
        try:
            score = float(cls.recognise(value))
        except Exception:  # a plug-in's recogniser failing must not stop detection
            score = 0.0
        if score > 0:
            local = bool(country) and country in getattr(cls.metadata, "countries", ())
            likely = score + (LOCAL_BONUS if local else 0.0)
            scored.append((slug not in ours, -likely, not local, slug))
    return [slug for *_, slug in sorted(scored)]


def is_fallback(cls: Any) -> bool:
    """True for a carrier that follows any carrier's numbers (17TRACK): `any_carrier`."""
    meta = getattr(cls, "metadata", None)
    return "any_carrier" in getattr(meta, "capabilities", ())


def _plausible(cls: Any, number: str) -> bool:
    """Whether a fallback could follow the number at all (its own `plausible`, if it has one)."""
    check = getattr(cls, "plausible", None)
    try:
        return True if check is None else bool(check(numbers.clean(number)))
    except Exception:  # a plug-in's check failing must not stop detection
        return False


@dataclass(frozen=True)
class Detected:
    """The carrier to ask first, how it was found, and the others to try after it."""

    carrier: str | None
    how: str | None  # "name" | "number" | "fallback" | None
    others: tuple[str, ...] = ()


def detect(
    name: str | None,
    number: str,
    carriers: Mapping[str, Any],
    country: str | None = None,
    connected: Collection[str] | None = None,
) -> Detected:
    """The shop's carrier name wins; otherwise the number's likeliest carriers, in order.

    With `connected` (the slugs the shop has connected), those carriers come first, then
    the connected fallbacks (17TRACK); an unconnected guess is kept ("not connected") only
    when nothing connected can take the number.
    """
    named = by_name(name, carriers)
    ranked = by_number(number, carriers, country, connected)
    if connected is not None:
        spare = tuple(
            s
            for s, cls in carriers.items()
            if s in connected and is_fallback(cls) and _plausible(cls, number)
        )
        if named is not None and named in connected:
            return Detected(named, "name", tuple(s for s in spare if s != named))
        if named is None:
            ours = [s for s in ranked if s in connected and s not in spare]
            if ours:
                return Detected(ours[0], "number", (*ours[1:], *spare))
        if spare:  # a name the shop has not connected, or a number no connected carrier knows
            return Detected(spare[0], "fallback", spare[1:])
    if named is not None:
        return Detected(named, "name", tuple(s for s in ranked if s != named))
    if ranked:
        return Detected(ranked[0], "number", tuple(ranked[1:]))
    return Detected(None, None)


def likeliest(
    name: str | None,
    number: str,
    carriers: Mapping[str, Any],
    country: str | None = None,
    connected: Collection[str] | None = None,
) -> str | None:
    """The carrier that most likely carries the parcel itself (never a fallback such as 17TRACK).

    What a shopper is told to call: the carrier the shop named, connected or not; else the
    number's likeliest carrier for this shop, its connected carriers and country first.
    """
    named = by_name(name, carriers)
    if named is not None and not is_fallback(carriers[named]):
        return named
    ranked = by_number(number, carriers, country, connected)
    return next((s for s in ranked if not is_fallback(carriers[s])), None)
