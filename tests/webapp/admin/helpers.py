"""Helpers for admin tests: staff accounts, a signed-in test client, orders through the pipeline."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.jobs import Jobs
from core.services.pipeline import accept_event
from core.services.staff import add_staff
from core.storage.models import Shop

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def make_staff(c: Any, shop_id: int, email: str, role: str = "owner") -> int:
    with c.session() as s:
        staff = add_staff(s, s.get(Shop, shop_id), email, role, PASSWORD)
        s.commit()
        return staff.id


class Admin:
    """A Flask test client signed in as one staff member, adding CSRF tokens to posts."""

    def __init__(self, app: Any, email: str, password: str = PASSWORD) -> None:
        self.client = app.test_client()
        self.token = self.csrf("/admin/sign-in")
        r = self.client.post(
            "/admin/sign-in", data={"email": email, "password": password, "csrf_token": self.token}
        )
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        self.token = self.csrf("/admin/account")

    def csrf(self, path: str) -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = _TOKEN.search(page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kw)


def order_event(
    c: Any,
    shop_id: int,
    key: str,
    order: str,
    status: Status,
    at: datetime | None = None,
    email: str | None = "olena@example.com",
    phone: str | None = None,
    locale: str = "uk",
    **extra: Any,
) -> int:
    """Accept and process one event through the real pipeline (jobs run inline)."""
    event = OrderEventIn(
        event_key=key,
        source="api",
        order_id=order,
        number=f"#{order}",
        status=status,
        occurred_at=at or datetime.now(UTC),
        customer=CustomerInfo(name="Олена Петренко", email=email, phone=phone, locale=locale),
        shipment=ShipmentInfo(id="p1", carrier="Нова Пошта", tracking_number="20450712345678")
        if status not in (Status.PLACED, Status.PROCESSING, Status.CANCELLED)
        else None,
        **extra,
    )
    with c.session() as s:
        accepted = accept_event(s, shop_id, event)
    Jobs(c).process_event(accepted.event_id)
    return accepted.event_id
