"""The shop's brand as shopper pages draw it: name, logo, accent colours, support contacts."""

from __future__ import annotations

from typing import Any

from core.rendering.colours import hex_colour, ink, rgb, text_on
from core.rendering.display import https_origin, safe_url
from core.shop_settings import Branding
from core.storage.models import Shop

from .shops import store_url


def brand(branding: Branding, shop: Shop) -> dict[str, Any]:
    """The shop's name, logo and accent colours (validated, with readable contrast)."""
    color = hex_colour(branding.brand_color)
    logo = branding.logo_url
    return {
        "name": shop.name,
        "color": color,
        "on_color": text_on(rgb(color)),
        "ink": ink(rgb(color)),
        "logo_url": logo if isinstance(logo, str) and https_origin(logo) else None,
        "store_url": safe_url(store_url(shop)),
        "support_email": branding.support_email,
        "support_phone": branding.support_phone,
        "support_url": safe_url(branding.support_url),
    }
