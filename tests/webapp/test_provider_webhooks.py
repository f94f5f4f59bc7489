"""`/webhooks/providers/<provider>`: Viber and WhatsApp callbacks, signatures, shop isolation,
and the opt-in links on the tracking page."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest
from sqlalchemy import select

from core.channels.viber import signature as viber_signature
from core.domain.statuses import Status as S
from core.links import TRACK
from core.storage.models import ContactChannel, MessageEvent, OptOut, Order
from tests.support.channels import note, notes, push, shop_with
from webapp import create_app

VIBER = {"provider": "viber", "sender_name": "Чай і Чайник", "bot_uri": "chaikettle"}
WA = {
    "provider": "whatsapp_cloud",
    "phone_number_id": "111",
    "templates": {"shipped": {"name": "order_shipped", "params": ["order_number"]}},
}


def viber_shop(c, stub_url: str):
    return shop_with(
        c,
        {
            "viber": [{**VIBER, "base_url": stub_url}],
            "telegram": [{"provider": "telegram", "bot_username": "ChaiBot"}],
        },
        {
            "viber": [{"auth_token": "viber-token"}],
            "telegram": [{"bot_token": "1:x", "webhook_secret": "s"}],
        },
        matrix={"shipped": {"viber": True}},
        failover={"shipped": ["viber", "email"]},
    )


def viber_post(client, shop_key: str, event: dict, token: str = "viber-token"):
    body = json.dumps(event).encode()
    return client.post(
        f"/webhooks/providers/viber?shop={shop_key}",
        data=body,
        content_type="application/json",
        headers={"X-Viber-Content-Signature": viber_signature(token, body)},
    )


def test_viber_opt_in_from_the_tracking_page_to_the_first_message(container, http_stub):
    http_stub.route(
        "POST", "/pa/send_message", json={"status": 0, "status_message": "ok", "message_token": 99}
    )
    new = viber_shop(container, http_stub.url)
    push(container, new.shop.id, "e1", S.PLACED)
    client = create_app(container=container).test_client()
    with container.session() as s:
        order = s.scalars(select(Order)).one()
    page = client.get(f"/track/{container.links.token(TRACK, new.shop.id, order.id)}")
    html = page.get_data(as_text=True)
    assert "Отримувати новини у Viber" in html and "Отримувати новини в Telegram" in html
    token = re.search(r"viber://pa\?chatURI=chaikettle&amp;context=([A-Za-z0-9_-]+)", html).group(1)
    assert f"https://t.me/ChaiBot?start={token}" in html

    started = {
        "event": "conversation_started",
        "timestamp": 1,
        "message_token": 1,
        "type": "open",
        "context": token,
        "user": {"id": "01234567890A=", "name": "Олена", "language": "uk"},
        "subscribed": False,
    }
    assert viber_post(client, new.shop.key, started, token="forged").status_code == 401
    r = viber_post(client, new.shop.key, started)
    assert r.status_code == 200
    assert r.get_json()["text"].startswith("Готово!") and r.get_json()["sender"] == {
        "name": "Чай і Чайник"
    }

    push(container, new.shop.id, "e2", S.SHIPPED, 2)
    (sent,) = http_stub.requests_to("POST", "/pa/send_message")
    assert sent.json()["receiver"] == "01234567890A=" and "#1001" in sent.json()["text"]
    viber = note(container, new.shop.id, "shipped", "viber")
    assert (viber.state, viber.delivery) == ("sent", "sent")

    assert (
        viber_post(
            client,
            new.shop.key,
            {"event": "delivered", "timestamp": 2, "message_token": 99, "user_id": "01234567890A="},
        ).status_code
        == 200
    )
    assert note(container, new.shop.id, "shipped", "viber").delivery == "delivered"

    assert (
        viber_post(
            client,
            new.shop.key,
            {"event": "unsubscribed", "timestamp": 3, "user_id": "01234567890A="},
        ).status_code
        == 200
    )
    with container.session() as s:
        assert s.scalars(select(OptOut.channel)).all() == ["viber"]
        assert s.scalars(select(ContactChannel.unreachable_at)).one() is not None


def test_provider_webhooks_are_isolated_per_shop(container, http_stub):
    one = viber_shop(container, http_stub.url)
    other = shop_with(container, {"email": [{"provider": "outbox"}]})
    client = create_app(container=container).test_client()
    event = {"event": "webhook", "timestamp": 1}
    assert viber_post(client, one.shop.key, event).status_code == 200
    assert viber_post(client, other.shop.key, event).status_code == 404  # no viber there
    assert viber_post(client, "nope", event).status_code == 404
    assert client.post("/webhooks/providers/turbosms?shop=" + one.shop.key).status_code == 404
    bad = client.post(
        f"/webhooks/providers/viber?shop={one.shop.key}",
        data=b"not json",
        headers={"X-Viber-Content-Signature": viber_signature("viber-token", b"not json")},
    )
    assert bad.status_code == 400


def wa_post(client, shop_key: str, payload: dict, secret: str = "app-secret"):
    body = json.dumps(payload).encode()
    sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        f"/webhooks/providers/whatsapp_cloud?shop={shop_key}",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": sig},
    )


def wa_change(**value) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {"field": "messages", "value": {"messaging_product": "whatsapp", **value}}
                ],
            }
        ],
    }


@pytest.fixture
def wa_shop(container, http_stub):
    http_stub.route(
        "POST",
        "/v21.0/111/messages",
        json={"messaging_product": "whatsapp", "messages": [{"id": "wamid.A"}]},
    )
    return shop_with(
        container,
        {"whatsapp": [{**WA, "base_url": http_stub.url}]},
        {"whatsapp": [{"access_token": "t", "app_secret": "app-secret", "verify_token": "vt"}]},
        matrix={"shipped": {"whatsapp": True}, "delivered": {"whatsapp": True}},
        failover={"shipped": ["whatsapp", "email"], "delivered": ["whatsapp", "email"]},
    )


def test_whatsapp_verification_receipts_and_the_24_hour_window(container, http_stub, wa_shop):
    client = create_app(container=container).test_client()
    base = f"/webhooks/providers/whatsapp_cloud?shop={wa_shop.shop.key}"
    ok = client.get(base + "&hub.mode=subscribe&hub.verify_token=vt&hub.challenge=1158201444")
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "1158201444"
    assert (
        client.get(base + "&hub.mode=subscribe&hub.verify_token=no&hub.challenge=1").status_code
        == 401
    )

    push(container, wa_shop.shop.id, "e1", S.SHIPPED)
    first = http_stub.requests_to("POST", "/v21.0/111/messages")[0].json()
    assert first["type"] == "template" and first["to"] == "380671234567"

    status = wa_change(
        statuses=[
            {
                "id": "wamid.A",
                "status": "delivered",
                "timestamp": "1",
                "recipient_id": "380671234567",
            }
        ]
    )
    assert wa_post(client, wa_shop.shop.key, status, secret="forged").status_code == 401
    assert wa_post(client, wa_shop.shop.key, status).status_code == 200
    assert note(container, wa_shop.shop.id, "shipped", "whatsapp").delivery == "delivered"

    reply = wa_change(
        messages=[
            {
                "from": "380671234567",
                "id": "wamid.in",
                "timestamp": "2",
                "type": "text",
                "text": {"body": "Дякую!"},
            }
        ]
    )
    assert wa_post(client, wa_shop.shop.key, reply).status_code == 200
    push(container, wa_shop.shop.id, "e2", S.DELIVERED, 30)
    second = http_stub.requests_to("POST", "/v21.0/111/messages")[1].json()
    assert second["type"] == "text", "the shopper wrote within 24 hours: free text is allowed"
    with container.session() as s:
        kinds = s.scalars(select(MessageEvent.kind).order_by(MessageEvent.id)).all()
    assert kinds == ["queued", "delivered", "inbound", "queued"]


def test_whatsapp_stop_keyword_opts_out(container, http_stub, wa_shop):
    client = create_app(container=container).test_client()
    push(container, wa_shop.shop.id, "e1", S.SHIPPED)
    stop = wa_change(
        messages=[
            {
                "from": "380671234567",
                "id": "wamid.in",
                "timestamp": "2",
                "type": "text",
                "text": {"body": "СТОП"},
            }
        ]
    )
    assert wa_post(client, wa_shop.shop.key, stop).status_code == 200
    push(container, wa_shop.shop.id, "e2", S.DELIVERED, 30)
    assert len(http_stub.requests) == 1
    assert notes(container, wa_shop.shop.id)[-1] == ("delivered", "email", "sent")
