"""One way out: `send_now` through a shop's providers against stand-in SMS APIs, and the
retry policy every stored send shares (notifications and forwarded problem reports)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.channels.base import OutboundMessage
from core.domain.states import MessageState
from core.domain.statuses import Status
from core.services.outbound import SWITCH_AFTER, RetryPolicy, send_now
from core.services.shops import update_settings
from core.services.smscap import notify_merchant
from core.storage.models import OutboxMessage, Shop
from tests.integration.test_channels_failover import TURBO_OK, providers
from tests.support.channels import TWILIO_PATH, note, push, shop_with, twilio_provider
from tests.support.http_stub import HttpStub

pytestmark = pytest.mark.integration

TURBO_PATH = "/turbo/message/send.json"
TURBO_REFUSED = {"response_code": 105, "response_status": "INVALID_TOKEN"}


def sms_chain(c, stub: HttpStub):  # type: ignore[no-untyped-def]
    """The shop's SMS providers (Twilio, then TurboSMS at the stub), secrets opened."""
    channels, secrets = providers(stub)
    new = shop_with(c, {"sms": channels["sms"]}, {"sms": secrets["sms"]})
    with c.session() as s:
        shop = s.get(Shop, new.shop.id)
        return new.shop.id, c.providers.for_shop(shop, "sms")


def message(shop_id: int) -> OutboundMessage:
    return OutboundMessage(
        notification_id=0,
        shop_id=shop_id,
        kind="sms",
        to="+380671234567",
        text="Замовлення #1001 відправлено",
        idempotency_key="send-now-test",
    )


def test_a_transient_failure_on_a_first_attempt_asks_for_a_retry(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, status=503, body="down", headers={"Retry-After": "45"})
    http_stub.route("POST", TURBO_PATH, json=TURBO_OK)
    shop_id, chain = sms_chain(container, http_stub)
    sent = send_now(container.channels, chain, message(shop_id), attempt=1)
    assert not sent.ok and sent.transient and sent.retry_after == 45
    assert sent.error.startswith("twilio:")
    assert http_stub.requests_to("POST", TURBO_PATH) == []  # one failure: wait, no switch


def test_a_provider_that_keeps_failing_hands_over_to_the_next(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, status=503, body="down")
    http_stub.route("POST", TURBO_PATH, json=TURBO_OK)
    shop_id, chain = sms_chain(container, http_stub)
    sent = send_now(container.channels, chain, message(shop_id), attempt=SWITCH_AFTER)
    assert (sent.ok, sent.provider, sent.message_id) == (True, "turbosms", "t-1")
    assert len(http_stub.requests_to("POST", TURBO_PATH)) == 1


def test_a_one_off_send_moves_on_at_once(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, status=503, body="down")
    http_stub.route("POST", TURBO_PATH, json=TURBO_OK)
    shop_id, chain = sms_chain(container, http_stub)
    assert send_now(container.channels, chain, message(shop_id)).provider == "turbosms"


def test_a_permanent_refusal_falls_over_and_every_refusal_is_final(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, status=401, json={"code": 20003, "message": "Auth"})
    http_stub.route("POST", TURBO_PATH, json=TURBO_REFUSED)
    shop_id, chain = sms_chain(container, http_stub)
    sent = send_now(container.channels, chain, message(shop_id), attempt=1)
    assert not sent.ok and not sent.transient and sent.opted_out is None
    assert [e.split(":")[0] for e in sent.errors] == ["twilio", "turbosms"]
    assert "20003" in sent.error and "INVALID_TOKEN" in sent.error


def test_a_shoppers_stop_ends_the_send_at_that_provider(container, http_stub):
    http_stub.route(
        "POST",
        TWILIO_PATH,
        status=400,
        json={"code": 21610, "message": "Attempt to send to unsubscribed recipient"},
    )
    http_stub.route("POST", TURBO_PATH, json=TURBO_OK)
    shop_id, chain = sms_chain(container, http_stub)
    sent = send_now(container.channels, chain, message(shop_id))
    assert (sent.ok, sent.stopped_by) == (False, "twilio") and "21610" in (sent.opted_out or "")
    assert http_stub.requests_to("POST", TURBO_PATH) == []  # not through another provider


def test_an_unknown_provider_is_a_refusal_not_a_crash(container):
    sent = send_now(container.channels, [("pigeon", {})], message(1))
    assert not sent.ok and not sent.transient and "pigeon" in sent.error


def test_the_retry_policy_backs_off_then_gives_up():
    policy = RetryPolicy(max_attempts=3, backoff=(30, 120))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert policy.retry_at(1, now) == now + timedelta(seconds=30)
    assert policy.retry_at(2, now) == now + timedelta(seconds=120)
    assert policy.retry_at(2, now, retry_after=45) == now + timedelta(seconds=45)
    assert policy.retry_at(3, now) is None  # a dead letter


def test_an_sms_cap_warning_that_could_not_go_out_is_recorded_and_tried_again(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, status=201, json={"sid": "SMx", "status": "queued"})
    conf, secret = twilio_provider(http_stub.url)
    new = shop_with(
        container,
        {
            "sms": [conf],
            "email": [{"provider": "smtp", "url": "smtp://127.0.0.1:1?from=shop@example.com"}],
        },
        {"sms": [secret]},
        matrix={"placed": {"email": False}, "shipped": {"sms": True}},
        sms_cap={"segments": 3, "warn_at": 0.6},
        branding={"support_email": "owner@chai.example"},
        locale="uk",
    )
    push(container, new.shop.id, "a1", Status.SHIPPED, order="1")  # 2 of 3 segments: warn
    assert note(container, new.shop.id, "shipped", "sms").state == MessageState.SENT
    with container.session() as s:
        state = s.get(Shop, new.shop.id).state["sms_cap"]
    assert "no SMTP server answered" in state["warn_error"] and state["notify"] is True
    with container.session() as s, s.begin():  # the merchant fixes the mail server
        update_settings(s.get(Shop, new.shop.id), channels={"sms": [conf]})
    assert notify_merchant(container.sessions, container.providers, new.shop.id)
    assert not notify_merchant(container.sessions, container.providers, new.shop.id)  # once
    with container.session() as s:
        assert "warn_error" not in s.get(Shop, new.shop.id).state["sms_cap"]
        (warning,) = s.scalars(select(OutboxMessage)).all()
    assert warning.recipient == "owner@chai.example" and "з 3 SMS" in (warning.subject or "")
