"""Pushy: app push notifications, a message kind of its own (`push`) with its own templates."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import requests

from wismo.sdk import (
    ChannelContext,
    ChannelMetadata,
    ConfigError,
    ConfigField,
    InvalidSignature,
    MessageKind,
    OutboundMessage,
    PermanentChannelError,
    ProviderCall,
    ProviderReply,
    TransientChannelError,
    record_receipt,
)


def device_of(customer: Any, region: str | None = None) -> str | None:
    """Pushy knows the shopper's devices by the platform's customer id."""
    return f"customer:{customer.external_id}" if customer.external_id else None


PUSH = MessageKind(
    "push",
    "push",
    device_of,
    template_dir=Path(__file__).parent / "templates",
    quiet=True,
    order=60,
    label="App notifications",
    labels={"uk": "Сповіщення в застосунку", "ru": "Уведомления в приложении"},
)


class PushyChannel:
    """POSTs {to, title, body} to the Pushy API with the shop's bearer token."""

    name: ClassVar[str] = "pushy"
    kinds: ClassVar[frozenset[str]] = frozenset({"push"})
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="pushy",
        label="Pushy app notifications",
        fields=(
            ConfigField("url", "API URL", kind="url", labels={"uk": "Адреса API"}),
            ConfigField("token", "Token", True, labels={"uk": "Токен", "ru": "Токен"}),
        ),
        defines=(PUSH,),
        accepted_as="accepted",
    )

    @staticmethod
    def handle_callback(call: ProviderCall) -> ProviderReply:
        """Pushy reports {"id", "status"} with the shop's token in X-Pushy-Token."""
        given = call.request.header("X-Pushy-Token")
        if not given or given not in {str(c.get("token")) for c in call.configs}:
            raise InvalidSignature("X-Pushy-Token does not match")
        report = json.loads(call.request.body)
        delivery = {"delivered": "delivered", "dismissed": "delivered"}.get(report["status"])
        if delivery:
            detail = {"status": report["status"]}
            record_receipt(
                call.session, call.shop.id, "pushy", report["id"], delivery, detail, call.now
            )
        return ProviderReply(204)

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: ChannelContext) -> PushyChannel:
        if not config.get("url") or not config.get("token"):
            raise ConfigError("pushy needs its API url and a token")
        return cls(str(config["url"]), str(config["token"]))

    def send(self, message: OutboundMessage) -> str:
        try:
            r = requests.post(
                self.url,
                json={
                    "to": message.to,
                    "title": f"Order {message.metadata.get('order_number')}",
                    "body": message.text,
                },
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Idempotency-Key": message.idempotency_key,
                },
                timeout=10,
            )
        except requests.RequestException as exc:
            raise TransientChannelError(f"pushy unreachable: {exc}") from exc
        if r.status_code >= 500:
            raise TransientChannelError(f"pushy answered {r.status_code}")
        if not r.ok:
            raise PermanentChannelError(f"pushy answered {r.status_code}")
        return str(r.json()["id"])
