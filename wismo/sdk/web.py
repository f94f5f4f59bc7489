"""What an adapter with routes of its own needs from the web side, without importing `webapp`.

Adapters that bring a Flask blueprint (`HasRoutes`) or hook into the app (`ExtendsApp`) use
these inside a request of the running Wismo app: the service's container, the request as
adapters see it, the answer to a delivery refused at intake, the shopper's language, and
the admin's sign-in seam (`Principal`, `add_resolver`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, Request, Response, current_app, jsonify, make_response, request

from core.adapters import InboundRequest
from core.domain.intake import InvalidEvent
from core.errors import UnknownShop
from core.rendering import normalize_locale
from core.services.pipeline import reject_event
from core.services.shops import shop_by_key
from core.shop_settings import settings_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.bootstrap import Container
    from core.storage.models import Order, Shop

OWNER, AGENT = "owner", "agent"
ROLES = (OWNER, AGENT)


def current_container() -> Container:
    """The container the current app was built around (inside a request or app context)."""
    return cast("Container", current_app.extensions["wismo"])


def inbound() -> InboundRequest:
    """The current request as adapters see it: raw bytes, headers, query string."""
    return InboundRequest(
        body=request.get_data(cache=True),
        headers=dict(request.headers),
        query=request.args.to_dict(),
    )


def refused_at_intake(session: Session, shop_id: int, source: str, exc: InvalidEvent) -> Response:
    """Record a delivery refused at intake (the merchant sees it) and answer 200 with why.

    A 4xx would make the platform retry the same bad data, then disable the webhook.
    """
    reject_event(session, shop_id, source, exc)
    body = {"accepted": 0, "duplicates": 0, "rejected": 1, "errors": exc.errors}
    return make_response(jsonify(body), 200)


def shop_secrets(session: Session, shop_key: str, platform: str) -> tuple[Shop, dict[str, Any]]:
    """The active shop of `platform` with this key and its opened secrets (UnknownShop if none)."""
    shop = shop_by_key(session, shop_key)
    if shop is None or shop.platform != platform:
        raise UnknownShop(f"no {platform} shop {shop_key!r}")
    return shop, dict(current_container().box.open(shop.secrets) if shop.secrets else {})


def store_secrets(shop: Shop, **changes: Any) -> None:
    """Seal `changes` into the shop's secrets (the caller commits its session)."""
    box = current_container().box
    shop.secrets = box.seal({**(box.open(shop.secrets) if shop.secrets else {}), **changes})


def browser_locale() -> str | None:
    """The first of en/ru/uk the browser's Accept-Language asks for."""
    for value, _quality in request.accept_languages:
        locale = normalize_locale(value)
        if locale:
            return locale
    return None


def page_locale(shop: Shop, order: Order) -> str:
    """The order's language (or its customer's), then the browser's, the shop's, English."""
    customer = order.customer
    for candidate in (order.locale, customer.locale if customer else None):
        locale = normalize_locale(candidate)
        if locale:
            return locale
    return browser_locale() or normalize_locale(settings_of(shop).locale) or "en"


@dataclass(frozen=True)
class Principal:
    """The signed-in person as far as the admin cares: which shop, which role."""

    shop_id: int
    role: str
    email: str
    staff_id: int | None = None
    via: str = "session"  # session | shopify | ...
    shop_name: str = ""
    frame_ancestors: str | None = None  # who may frame the admin (Shopify's embedded admin)
    head_html: str = ""  # markup the platform needs first in every page's head (App Bridge)
    script_origins: str | None = None  # script origins beyond 'self' that markup loads
    locale: str | None = None  # the admin language the staff member chose (None: the browser's)

    @property
    def is_owner(self) -> bool:
        return self.role == OWNER


Resolver = Callable[[Request], Principal | None]


def added_resolvers(app: Flask) -> tuple[list[Resolver], list[Resolver]]:
    """The resolvers plugged in before and after the admin's own session resolver."""
    before = app.extensions.setdefault("wismo_admin_resolvers_first", [])
    after = app.extensions.setdefault("wismo_admin_resolvers_last", [])
    return cast(list[Resolver], before), cast(list[Resolver], after)


def add_resolver(app: Flask, resolver: Resolver, first: bool = True) -> None:
    """Plug another way of signing in (Shopify session tokens) into the admin."""
    before, after = added_resolvers(app)
    before.insert(0, resolver) if first else after.append(resolver)


__all__ = [
    "AGENT",
    "OWNER",
    "ROLES",
    "Principal",
    "Resolver",
    "add_resolver",
    "browser_locale",
    "current_container",
    "inbound",
    "page_locale",
    "refused_at_intake",
    "shop_secrets",
    "store_secrets",
]
