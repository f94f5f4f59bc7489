"""The demo carrier (entry point `demo`): a stand-in that answers as a real carrier does.

It needs no network: a parcel's scans follow from the time Wismo started following it and
the clock (`step_seconds` apart): numbers ending in 0-4 go to a branch (in transit, at the
branch, delivered), numbers ending in 5-9 to the door (in transit, with the courier and a
two-hour delivery window, a missed attempt, the courier again, delivered), so `wismo demo`
shows carrier-driven progress and every run tells the same story. It also takes pushes,
signed with HMAC-SHA256 of the body (`X-Demo-Signature`, hex) under the shop's
`push_secret`, as an example for carriers that push.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

from core.adapters import InboundRequest
from core.carriers import numbers
from core.carriers.base import (
    CarrierContext,
    CarrierMetadata,
    Parcel,
    ParcelUpdate,
    PickupPoint,
    Scan,
)
from core.carriers.httpcall import required
from core.domain.events import utc_instant
from core.errors import ConfigError, InvalidSignature, MalformedPayload
from core.i18n import N_
from core.plugins import ConfigField

from .statuses import STATUS_CODES

_NUMBER = re.compile(r"WD\d{10}")
BRANCH = PickupPoint(
    name="Demo Post branch No. 7",
    address="Kyiv, 22 Khreshchatyk St",
    hours="Mon–Sat 09:00-20:00, Sun 10:00-18:00",
    schedule=("09:00-20:00",) * 6 + ("10:00-18:00",),
)
JOURNEY = (  # (code, the carrier's words, place): numbers ending in 0-4
    ("transit", "Left the sorting centre", "Lviv"),
    ("branch", "Arrived at the branch", "Kyiv"),
    ("delivered", "Received by the recipient", "Kyiv"),
)
COURIER_JOURNEY = (  # numbers ending in 5-9: to the door, one missed attempt on the way
    ("transit", "Left the sorting centre", "Lviv"),
    ("courier", "With the courier", "Kyiv"),
    ("missed", "The courier could not reach the recipient", "Kyiv"),
    ("courier", "With the courier again", "Kyiv"),
    ("delivered", "Received by the recipient", "Kyiv"),
)
PLAYED = "WD9"
"""Numbers the demo's simulator ships: known to the carrier, their news played by the
simulator (as a platform that reports its carrier's scans), so the carrier adds none."""
KEEP_DAYS = 5
STALLS, WAITS = "97", "98"
"""Numbers ending so stop moving: after the first scan (a stall), at the branch (uncollected);
the demo shows proactive care with them."""
WINDOW = timedelta(hours=2)  # the courier's delivery window, from the next full hour


class DemoCarrier:
    """Follows `WD` + 10-digit numbers through a journey that advances with the clock."""

    metadata: ClassVar[CarrierMetadata] = CarrierMetadata(
        slug="demo",
        label="Wismo Demo Post",
        kind="carrier",
        fields=(
            # required: the demo carrier follows only the shops that connected it (the demo
            # shop does), never a real shop's parcel whose number happens to look like WD…
            ConfigField("step_seconds", N_("Seconds between scans"), kind="number", required=True),
            ConfigField("push_secret", N_("Push signing secret"), secret=True),
        ),
        capabilities=frozenset({"track", "pushes", "pickup_points"}),
        phone="+380440000000",
        site="https://demo-post.example",
        tracking_url="https://demo-post.example/track/{number}",
        countries=("UA",),
        batch_size=50,
        rate_limit=10.0,
        pushes=True,
        aliases=("Demo Post", "Wismo Demo"),
    )

    def __init__(self, step: timedelta, context: CarrierContext) -> None:
        self.step = step
        self.context = context

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: CarrierContext) -> DemoCarrier:
        """`step_seconds` between one scan and the next (required: see the field)."""
        (step,) = required(config, "demo", "step_seconds")
        try:
            seconds = float(step)
        except ValueError:
            raise ConfigError(
                f"demo needs a number of seconds in 'step_seconds', not {step!r}"
            ) from None
        return cls(timedelta(seconds=seconds), context)

    @classmethod
    def recognise(cls, number: str) -> float:
        """Certain of WD + 10 digits; nothing else is ours."""
        return 1.0 if _NUMBER.fullmatch(numbers.clean(number)) else 0.0

    @classmethod
    def tracking_link(cls, number: str, locale: str | None = None) -> str | None:
        """The demo carrier's (made-up) public tracking page."""
        return cls.metadata.tracking_url.format(number=number)

    def track(self, parcels: Sequence[Parcel]) -> list[ParcelUpdate]:
        """Each parcel's scans up to now, `step` apart from when it was first followed."""
        now = self.context.now()
        return [self._update(p, now) for p in parcels]

    def _update(self, parcel: Parcel, now: datetime) -> ParcelUpdate:
        if not self.recognise(parcel.number):
            return ParcelUpdate(number=parcel.number, found=False)
        if parcel.number.strip().upper().startswith(PLAYED):
            return ParcelUpdate(number=parcel.number)  # followed; its news is the simulator's
        number = numbers.clean(parcel.number)  # answered as printed, like a real carrier
        start = parcel.shipped_at or now
        scans = []
        ending = number[-2:]
        courier = number[-1] in "56789" and ending not in (STALLS, WAITS)
        journey = COURIER_JOURNEY if courier else JOURNEY
        stop = {STALLS: 1, WAITS: 2}.get(ending, len(journey))
        for k, (code, words, place) in enumerate(journey[:stop], start=1):
            at = start + self.step * k
            if at > now:
                break
            scans.append(_scan(number, k, code, words, place, at))
        return _as_update(number, scans, start + self.step * (4 if courier else 2))

    def verify_push(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """HMAC-SHA256 of the raw body under the shop's push secret, hex, constant-time."""
        secret = str(((secrets.get("carriers") or {}).get("demo") or {}).get("push_secret") or "")
        given = {k.lower(): v for k, v in request.headers.items()}.get("x-demo-signature", "")
        expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        if not secret or not hmac.compare_digest(given.encode(), expected.encode()):
            raise InvalidSignature("the demo carrier's push signature does not match")

    def parse_push(self, request: InboundRequest) -> list[ParcelUpdate]:
        """`{"number": ..., "scans": [{"id", "at", "code", "description", "location"}]}`;
        a `courier` scan may carry its delivery window, `"window": {"from", "to"}`."""
        try:
            body = json.loads(request.body)
        except ValueError:
            raise MalformedPayload("the body is not JSON", {"body": "not JSON"}) from None
        if not isinstance(body, dict) or not isinstance(body.get("number"), str):
            raise MalformedPayload("no parcel number", {"number": "required"})
        raw_scans = body.get("scans")
        if not isinstance(raw_scans, list) or not raw_scans:
            raise MalformedPayload("no scans", {"scans": "a non-empty list is required"})
        scans = []
        for i, raw in enumerate(raw_scans):
            at = utc_instant(raw.get("at")) if isinstance(raw, dict) else None
            code = str(raw.get("code") or "") if isinstance(raw, dict) else ""
            if at is None or code not in STATUS_CODES or not raw.get("id"):
                raise MalformedPayload(
                    "a scan is unreadable", {f"scans[{i}]": "needs id, at and a known code"}
                )
            status, _ = STATUS_CODES[code]
            scans.append(
                Scan(
                    scan_id=str(raw["id"])[:100],
                    occurred_at=at,
                    code=code,
                    description=str(raw.get("description") or code),
                    status=status,
                    location=raw.get("location"),
                )
            )
        scans.sort(key=lambda s: s.occurred_at)
        window = _pushed_window(raw_scans, scans[-1].scan_id)
        return [_as_update(body["number"], scans, None, window)]


def _scan(number: str, k: int, code: str, words: str, place: str, at: datetime) -> Scan:
    status, _ = STATUS_CODES[code]
    return Scan(f"{number}-{k}", at, code, words, status, place)


def _pushed_window(raw_scans: list[Any], last_id: str) -> tuple[datetime, datetime] | None:
    """The window a pushed `courier` scan (the newest) gives, when it gives a readable one."""
    raw = next((r for r in raw_scans if isinstance(r, dict) and str(r.get("id")) == last_id), {})
    given = raw.get("window") if raw.get("code") == "courier" else None
    if not isinstance(given, dict):
        return None
    start, end = utc_instant(given.get("from")), utc_instant(given.get("to"))
    if start is None or end is None or end <= start:
        raise MalformedPayload("the window is unreadable", {"window": "from before to, ISO 8601"})
    return start, end


def _courier_window(at: datetime) -> tuple[datetime, datetime]:
    """From the next full hour after the courier set out, two hours."""
    start = at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return start, start + WINDOW


def _as_update(
    number: str,
    scans: list[Scan],
    estimate_at: datetime | None,
    window: tuple[datetime, datetime] | None = None,
) -> ParcelUpdate:
    last = scans[-1] if scans else None
    status, final = STATUS_CODES[last.code] if last else (None, False)
    point = None
    if last is not None and last.code == "branch":
        deadline = (last.occurred_at + timedelta(days=KEEP_DAYS)).date()
        point = replace(BRANCH, deadline=deadline)
    if last is not None and last.code == "courier" and window is None:
        window = _courier_window(last.occurred_at)
    return ParcelUpdate(
        number=number,
        status=status,
        scans=tuple(scans),
        estimated_delivery=estimate_at.date() if estimate_at else None,
        delivery_window=window if last is not None and last.code == "courier" else None,
        pickup_point=point,
        final=final,
    )
