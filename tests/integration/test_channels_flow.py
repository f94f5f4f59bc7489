"""The issue's done-when path, end to end through the pipeline, the webapp and stand-in providers.

A shipped order sends an SMS in Ukrainian with a correct segment count; a STOP reply
stops further SMS; a shopper who joined via the Telegram link gets the next milestone
there; killing the SMS provider fails over to email once; receipts show in the log.
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.channels.twilio import signature
from core.domain.sms import count_segments
from core.domain.states import MessageState
from core.domain.statuses import Status as S
from core.storage.models import ContactChannel, OptInToken, OptOut, Order, OutboxMessage
from tests.support.channels import (
    TWILIO_PATH,
    TWILIO_SID,
    TWILIO_TOKEN,
    events_of,
    note,
    notes,
    push,
    shop_with,
    twilio_provider,
)
from tests.support.http_stub import HttpStub, StubRequest
from tests.support.ticks import deliver
from webapp import create_app

pytestmark = pytest.mark.integration

SMS_ON = {"shipped": {"sms": True}, "out_for_delivery": {"sms": True}, "delivered": {"sms": True}}
CHAIN = {"shipped": ["sms", "email"], "out_for_delivery": ["sms", "email"]}


def twilio_api(req: StubRequest):
    auth = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    if req.headers.get("authorization") != auth:
        return 401, {}, {"code": 20003, "message": "Authenticate", "status": 401}
    n = len([r for r in STUB_LOG if r]) + 1
    STUB_LOG.append(req.form())
    return 201, {}, {"sid": f"SM{n:032d}", "status": "queued"}


STUB_LOG: list[dict[str, str]] = []


@pytest.fixture(autouse=True)
def _fresh_log():
    STUB_LOG.clear()


def sms_shop(c, stub: HttpStub, **settings):
    conf, secret = twilio_provider(stub.url)
    return shop_with(
        c, {"sms": [conf]}, {"sms": [secret]}, matrix=SMS_ON, failover=CHAIN, **settings
    )


def twilio_post(client, shop_key: str, params: dict[str, str], token: str = TWILIO_TOKEN):
    url = f"http://wismo.test/webhooks/providers/twilio?shop={shop_key}"
    return client.post(
        f"/webhooks/providers/twilio?shop={shop_key}",
        data=params,
        headers={"X-Twilio-Signature": signature(token, url, params)},
    )


def test_shipped_order_sends_one_ukrainian_sms_with_its_segments(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, twilio_api)
    new = sms_shop(container, http_stub)
    push(container, new.shop.id, "e1", S.PLACED)
    push(container, new.shop.id, "e2", S.SHIPPED, 2)

    assert notes(container, new.shop.id) == [
        ("placed", "email", "sent"),
        ("shipped", "sms", "sent"),  # the chain sends SMS first; email only stands by
    ]
    (form,) = STUB_LOG
    assert form["To"] == "+380671234567"  # "067 123 45 67" read with the shop's country
    assert "відправлено" in form["Body"] and "ТТН 20450000000000" in form["Body"]
    sms = note(container, new.shop.id, "shipped", "sms")
    info = count_segments(form["Body"])
    assert info.encoding == "UCS-2"  # Cyrillic needs UCS-2: 70 per single SMS, 67 per part
    assert info.segments == (1 if len(form["Body"]) <= 70 else -(-len(form["Body"]) // 67))
    assert sms.delivery == "queued" and sms.provider_message_id == "SM" + "1".zfill(32)
    assert events_of(container, sms.id) == [("queued", "twilio")]


def test_receipts_move_the_message_forward_and_show_in_the_log(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, twilio_api)
    new = sms_shop(container, http_stub)
    push(container, new.shop.id, "e1", S.SHIPPED)
    sms = note(container, new.shop.id, "shipped", "sms")
    client = create_app(container=container).test_client()
    base = {
        "MessageSid": sms.provider_message_id,
        "AccountSid": TWILIO_SID,
        "From": "+15005550006",
        "To": "+380671234567",
    }

    for status in ("sent", "delivered", "sent"):  # a late "sent" never undoes "delivered"
        r = twilio_post(client, new.shop.key, {**base, "MessageStatus": status})
        assert r.status_code == 204
    forged = twilio_post(client, new.shop.key, {**base, "MessageStatus": "failed"}, token="x")
    assert forged.status_code == 401

    sms = note(container, new.shop.id, "shipped", "sms")
    assert sms.delivery == "delivered" and sms.delivered_at is not None
    assert [k for k, _ in events_of(container, sms.id)] == ["queued", "sent", "delivered", "sent"]


def test_stop_reply_stops_further_sms_at_once(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, twilio_api)
    new = sms_shop(container, http_stub)
    push(container, new.shop.id, "e1", S.SHIPPED)
    client = create_app(container=container).test_client()
    r = twilio_post(
        client,
        new.shop.key,
        {
            "MessageSid": "SMinbound",
            "AccountSid": TWILIO_SID,
            "From": "+380671234567",
            "To": "+15005550006",
            "Body": "stop",
            "SmsStatus": "received",
        },
    )
    assert r.status_code == 200

    push(container, new.shop.id, "e2", S.OUT_FOR_DELIVERY, 3)
    assert len(STUB_LOG) == 1, "no SMS after STOP"
    assert notes(container, new.shop.id)[-1] == ("out_for_delivery", "email", "sent")
    with container.session() as s:
        assert s.scalars(select(OptOut.channel).where(OptOut.address == "+380671234567")).all() == [
            "sms"
        ]


def test_twilio_21610_records_the_opt_out_and_fails_over_once(container, http_stub):
    http_stub.route(
        "POST",
        TWILIO_PATH,
        status=400,
        json={"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400},
    )
    new = sms_shop(container, http_stub)
    push(container, new.shop.id, "e0", S.PLACED)
    push(container, new.shop.id, "e1", S.SHIPPED)
    assert notes(container, new.shop.id) == [
        ("placed", "email", "sent"),
        ("shipped", "sms", "failed_over"),
        ("shipped", "email", "sent"),
    ]
    with container.session() as s:
        assert s.scalars(select(OptOut.reason)).one().startswith("twilio 400 error 21610")
    push(container, new.shop.id, "e2", S.OUT_FOR_DELIVERY, 3)
    assert len(http_stub.requests) == 1, "the opted-out number is not tried again"


def test_a_dead_sms_provider_fails_over_to_email_exactly_once(container, http_stub):
    conf, secret = twilio_provider("http://127.0.0.1:9")  # nothing listens: connection refused
    new = shop_with(container, {"sms": [conf]}, {"sms": [secret]}, matrix=SMS_ON, failover=CHAIN)
    push(container, new.shop.id, "e0", S.PLACED)
    push(container, new.shop.id, "e1", S.SHIPPED)
    sms = note(container, new.shop.id, "shipped", "sms")
    assert sms.state == MessageState.RETRY and "unreachable" in (sms.last_error or "")

    later = sms.not_before
    for _ in range(10):  # keep failing until it gives up; then once more for good measure
        later += timedelta(hours=1)
        deliver(container, sms.id, now=later)
    email = note(container, new.shop.id, "shipped", "email")
    deliver(container, email.id, now=later + timedelta(seconds=1))
    deliver(container, email.id, now=later + timedelta(seconds=2))

    assert notes(container, new.shop.id) == [
        ("placed", "email", "sent"),
        ("shipped", "sms", "failed_over"),
        ("shipped", "email", "sent"),
    ]
    email = note(container, new.shop.id, "shipped", "email")
    assert email.fallback_of == sms.id
    with container.session() as s:
        outbox = s.scalars(select(OutboxMessage.kind)).all()
    assert outbox == ["email", "email"], "the confirmation, then the news once, by email"
    assert "gave up after 5 attempts" in (
        note(container, new.shop.id, "shipped", "sms").last_error or ""
    )


def test_telegram_joiner_gets_the_next_milestone_there(container, http_stub):
    http_stub.route(
        "POST", "/bot42:secret/sendMessage", json={"ok": True, "result": {"message_id": 77}}
    )
    new = shop_with(
        container,
        {
            "telegram": [
                {"provider": "telegram", "bot_username": "ChaiKettleBot", "base_url": http_stub.url}
            ]
        },
        {"telegram": [{"bot_token": "42:secret", "webhook_secret": "tg-hook-secret"}]},
        matrix={"shipped": {"telegram": True}},
        failover={"shipped": ["telegram", "email"]},
    )
    push(container, new.shop.id, "e1", S.PLACED)
    with container.session() as s:
        confirmation = s.scalars(select(OutboxMessage)).one()
    link = re.search(r"https://t\.me/ChaiKettleBot\?start=([A-Za-z0-9_-]+)", confirmation.text)
    assert link, confirmation.text
    token = link.group(1)
    assert len(token) <= 64
    assert 'href="https://t.me/ChaiKettleBot?start=' in (confirmation.html or "")

    client = create_app(container=container).test_client()
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "text": f"/start {token}",
            "chat": {"id": 555001, "type": "private"},
            "from": {"id": 555001, "is_bot": False, "first_name": "Олена", "language_code": "uk"},
        },
    }
    url = f"/webhooks/providers/telegram?shop={new.shop.key}"
    assert client.post(url, json=update).status_code == 401  # no secret header
    r = client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "tg-hook-secret"})
    assert r.status_code == 200
    assert r.get_json() == {
        "method": "sendMessage",
        "chat_id": 555001,
        "text": f"Готово! Новини про замовлення #1001 від {new.shop.name} надходитимуть сюди.",
    }
    again = client.post(
        url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "tg-hook-secret"}
    )
    assert "вже використане" in again.get_json()["text"], "single use"
    with container.session() as s:
        assert s.scalars(select(ContactChannel.address)).all() == ["555001"]
        assert s.scalars(select(OptInToken.used_at)).one() is not None

    push(container, new.shop.id, "e2", S.SHIPPED, 2)
    (sent,) = http_stub.requests_to("POST", "/bot42:secret/sendMessage")
    assert sent.json()["chat_id"] == "555001" and "#1001" in sent.json()["text"]
    assert notes(container, new.shop.id) == [
        ("placed", "email", "sent"),
        ("shipped", "telegram", "sent"),
    ]


def test_a_blocked_bot_opts_the_chat_out_and_email_takes_over(container, http_stub):
    http_stub.route(
        "POST",
        "/bot42:secret/sendMessage",
        status=403,
        json={
            "ok": False,
            "error_code": 403,
            "description": "Forbidden: bot was blocked by the user",
        },
    )
    new = shop_with(
        container,
        {
            "telegram": [
                {"provider": "telegram", "bot_username": "ChaiKettleBot", "base_url": http_stub.url}
            ]
        },
        {"telegram": [{"bot_token": "42:secret", "webhook_secret": "s"}]},
        matrix={"shipped": {"telegram": True}, "delivered": {"telegram": True}},
        failover={"shipped": ["telegram", "email"], "delivered": ["telegram", "email"]},
    )
    push(container, new.shop.id, "e1", S.PLACED)
    with container.session() as s, s.begin():  # the shopper joined the bot earlier
        order = s.scalars(select(Order)).one()
        s.add(
            ContactChannel(
                shop_id=new.shop.id,
                customer_id=order.customer_id,
                channel="telegram",
                address="555001",
            )
        )
    push(container, new.shop.id, "e2", S.SHIPPED, 2)
    assert notes(container, new.shop.id)[1:] == [
        ("shipped", "telegram", "failed_over"),
        ("shipped", "email", "sent"),
    ]
    with container.session() as s:
        contact = s.scalars(select(ContactChannel)).one()
        assert contact.unreachable_at is not None
        assert s.scalars(select(OptOut.channel)).all() == ["telegram"]
    push(container, new.shop.id, "e3", S.DELIVERED, 30)
    assert len(http_stub.requests) == 1, "the blocked chat is not tried again"
    assert notes(container, new.shop.id)[-1] == ("delivered", "email", "sent")
