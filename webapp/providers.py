"""`/webhooks/providers/<provider>?shop=<shop key>`: what SMS and messenger providers send back.

Any channel that `HandlesReceipts` gets this route: it declares `handle_callback(call)` and
this module only finds the shop and its settings for the provider, hands the request over
as a `ProviderCall` (no Flask inside), and answers with the `ProviderReply`.

Every provider is told (or configured by the merchant with) a URL that names the shop
in its `shop` query parameter; the request must then be signed with that shop's
credentials for the provider, checked in constant time before anything is parsed
(the built-in handlers live beside their channels in core/channels/):

- twilio: X-Twilio-Signature over the full URL and the sorted form fields (auth token);
  status callbacks move the message's delivery state, inbound texts may say STOP.
- telegram: X-Telegram-Bot-Api-Secret-Token equals the bot's `webhook_secret`;
  `/start <token>` joins the shopper, a blocked bot (my_chat_member "kicked") opts out.
- viber: X-Viber-Content-Signature, hex HMAC-SHA256 of the body with the auth token;
  conversation_started with a context token joins, unsubscribed opts out, receipts.
- whatsapp_cloud: GET answers Meta's verification with `verify_token`; POST carries
  X-Hub-Signature-256 (app secret) with statuses and inbound messages.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from core import registry
from core.bootstrap import Container
from core.capabilities import ProviderCall, ProviderRequest
from core.errors import UnknownShop
from core.services.receipts import CALLBACK_SERVICES
from core.services.shops import shop_by_key
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Shop

from .context import wismo

bp = Blueprint("providers", __name__)


def provider_configs(c: Container, shop: Shop, provider: str) -> list[dict[str, Any]]:
    """The shop's settings for `provider`, secrets included, across all its channels."""
    found = []
    for kind in settings_of(shop).channels:
        found += [conf for name, conf in c.providers.for_shop(shop, kind) if name == provider]
    return found


def provider_request(c: Container) -> ProviderRequest:
    """The current request as a channel's callback handler sees it."""
    query = request.query_string.decode()
    return ProviderRequest(
        method=request.method,
        url=c.settings.public_url.rstrip("/") + request.path + (f"?{query}" if query else ""),
        path=request.path,
        body=request.get_data(cache=True),
        headers=dict(request.headers),
        query=request.args.to_dict(),
        form=request.form.to_dict(),
    )


@bp.route("/webhooks/providers/<provider>", methods=["GET", "POST"])
def provider_webhook(provider: str) -> ResponseReturnValue:
    """Find the named shop's settings for the provider, then let its channel verify and apply."""
    found = registry.channel(provider)
    if found is None or not found.can("receipts"):
        raise UnknownShop(f"no receipts endpoint for provider {provider!r}")
    c = wismo()
    with c.session() as session, session.begin():
        shop = shop_by_key(session, request.args.get("shop", ""))
        configs = provider_configs(c, shop, provider) if shop else []
        if shop is None or not configs:
            raise UnknownShop("no such shop, or it does not use this provider")
        keys = (c.settings.secret_key, *c.settings.secret_key_previous)
        call = ProviderCall(
            provider_request(c), session, shop, configs, keys, utcnow(), CALLBACK_SERVICES
        )
        reply = found.plugin.handle_callback(call)
    return Response(reply.body, status=reply.status, content_type=reply.content_type)
