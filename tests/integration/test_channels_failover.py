"""Failover chains and provider switching with injected timeouts, 5xx and permanent errors,
counting exactly which messages went where; the monthly SMS cap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.domain.states import MessageState
from core.domain.statuses import Status as S
from core.storage.models import OutboxMessage, Shop
from tests.support.channels import TWILIO_PATH, note, notes, push, shop_with, twilio_provider
from tests.support.http_stub import HttpStub
from tests.support.ticks import deliver

pytestmark = pytest.mark.integration

WA_PATH = "/v21.0/111/messages"
# these orders start at "shipped"; their late confirmation email is not what is tested here
NO_CONFIRMATION = {"placed": {"email": False}}
WA_OK = {"messaging_product": "whatsapp", "messages": [{"id": "wamid.ok"}]}
TURBO_OK = {
    "response_code": 800,
    "response_status": "SUCCESS_MESSAGE_ACCEPTED",
    "response_result": [
        {"phone": "380671234567", "response_code": 0, "message_id": "t-1", "response_status": "OK"}
    ],
}


def providers(stub: HttpStub, sms_first: str = "twilio") -> tuple[dict, dict]:
    twilio_conf, twilio_secret = twilio_provider(stub.url)
    turbo = (
        {
            "provider": "turbosms",
            "sender": "ChaiKettle",
            "base_url": stub.url + "/turbo",
            "timeout": 1,
        },
        {"token": "turbo-token"},
    )
    sms = [(twilio_conf, twilio_secret), turbo]
    if sms_first == "turbosms":
        sms.reverse()
    wa = (
        {
            "provider": "whatsapp_cloud",
            "phone_number_id": "111",
            "base_url": stub.url,
            "timeout": 1,
            "templates": {"shipped": {"name": "order_shipped", "params": ["order_number"]}},
        },
        {"access_token": "wa-token"},
    )
    channels = {"sms": [c for c, _ in sms], "whatsapp": [wa[0]]}
    secrets = {"sms": [s for _, s in sms], "whatsapp": [wa[1]]}
    return channels, secrets


def chain_shop(c, stub: HttpStub, **kw):
    channels, secrets = providers(stub, **kw)
    return shop_with(
        c,
        channels,
        secrets,
        matrix={**NO_CONFIRMATION, "shipped": {"whatsapp": True, "sms": True, "email": True}},
        failover={"shipped": ["whatsapp", "sms", "email"]},
    )


def outbox_kinds(c) -> list[str]:
    with c.session() as s:
        return list(s.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def test_whatsapp_permanent_error_falls_to_sms_and_stops_there(container, http_stub):
    http_stub.route(
        "POST", WA_PATH, status=400, json={"error": {"message": "Invalid parameter", "code": 100}}
    )
    http_stub.route("POST", TWILIO_PATH, status=201, json={"sid": "SMx", "status": "queued"})
    new = chain_shop(container, http_stub)
    push(container, new.shop.id, "e1", S.SHIPPED)
    assert notes(container, new.shop.id) == [
        ("shipped", "whatsapp", "failed_over"),
        ("shipped", "sms", "sent"),
    ]
    assert len(http_stub.requests_to("POST", WA_PATH)) == 1
    assert len(http_stub.requests_to("POST", TWILIO_PATH)) == 1
    assert outbox_kinds(container) == []  # no email copy
    assert (
        note(container, new.shop.id, "shipped", "sms").fallback_of
        == note(container, new.shop.id, "shipped", "whatsapp").id
    )


def test_failing_everywhere_walks_the_chain_once_and_ends_in_email(container, http_stub):
    http_stub.route(
        "POST", WA_PATH, status=401, json={"error": {"message": "bad token", "code": 190}}
    )
    http_stub.route(
        "POST",
        TWILIO_PATH,
        status=400,
        json={"code": 21211, "message": "Invalid 'To' Phone Number"},
    )
    http_stub.route(
        "POST",
        "/turbo/message/send.json",
        json={"response_code": 105, "response_status": "INVALID_TOKEN"},
    )
    new = chain_shop(container, http_stub)
    push(container, new.shop.id, "e1", S.SHIPPED)
    assert notes(container, new.shop.id) == [
        ("shipped", "whatsapp", "failed_over"),
        ("shipped", "sms", "failed_over"),
        ("shipped", "email", "sent"),
    ]
    sms = note(container, new.shop.id, "shipped", "sms")
    assert "twilio: twilio 400 error 21211" in (sms.last_error or "")
    assert "turbosms: turbosms 200 105 INVALID_TOKEN" in (
        sms.last_error or ""
    )  # next provider tried
    assert outbox_kinds(container) == ["email"]
    push(container, new.shop.id, "e1-again", S.SHIPPED, 1)  # the same news again sends nothing
    assert len(notes(container, new.shop.id)) == 3


def test_the_end_of_the_chain_is_a_dead_letter_with_every_reason(container, http_stub):
    http_stub.route(
        "POST", TWILIO_PATH, status=401, json={"code": 20003, "message": "Authenticate"}
    )
    http_stub.route(
        "POST",
        "/turbo/message/send.json",
        json={"response_code": 105, "response_status": "INVALID_TOKEN"},
    )
    channels, secrets = providers(http_stub)
    new = shop_with(
        container,
        {"sms": channels["sms"]},
        {"sms": secrets["sms"]},
        matrix={**NO_CONFIRMATION, "shipped": {"sms": True, "email": False}},
        failover={"shipped": ["sms", "email"]},
    )
    push(container, new.shop.id, "e1", S.SHIPPED)
    assert notes(container, new.shop.id) == [("shipped", "sms", "dead")]  # email is switched off
    assert "20003" in (note(container, new.shop.id, "shipped", "sms").last_error or "")


def test_a_provider_that_keeps_timing_out_hands_over_to_the_next(container, http_stub):
    http_stub.route(
        "POST", TWILIO_PATH, status=201, json={"sid": "SMx"}, delay=3
    )  # client timeout 2 s
    http_stub.route("POST", "/turbo/message/send.json", json=TURBO_OK)
    channels, secrets = providers(http_stub)
    new = shop_with(
        container,
        {"sms": channels["sms"]},
        {"sms": secrets["sms"]},
        matrix={**NO_CONFIRMATION, "shipped": {"sms": True, "email": False}},
    )
    push(container, new.shop.id, "e1", S.SHIPPED)
    sms = note(container, new.shop.id, "shipped", "sms")
    assert sms.state == MessageState.RETRY and "unreachable" in (sms.last_error or "")
    assert http_stub.requests_to("POST", "/turbo/message/send.json") == []  # one failure: wait

    deliver(container, sms.id, now=sms.not_before + timedelta(seconds=1))
    sms = note(container, new.shop.id, "shipped", "sms")
    assert (sms.state, sms.provider, sms.provider_message_id) == ("sent", "turbosms", "t-1")
    assert len(http_stub.requests_to("POST", TWILIO_PATH)) == 2
    assert len(http_stub.requests_to("POST", "/turbo/message/send.json")) == 1


def test_a_5xx_from_one_provider_and_a_refusal_from_the_next_retries_later(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, status=503, body="down", headers={"Retry-After": "45"})
    http_stub.route(
        "POST",
        "/turbo/message/send.json",
        json={"response_code": 105, "response_status": "INVALID_TOKEN"},
    )
    channels, secrets = providers(http_stub)
    new = shop_with(
        container,
        {"sms": channels["sms"]},
        {"sms": secrets["sms"]},
        matrix={**NO_CONFIRMATION, "shipped": {"sms": True, "email": False}},
    )
    push(container, new.shop.id, "e1", S.SHIPPED)
    sms = note(container, new.shop.id, "shipped", "sms")
    deliver(container, sms.id, now=sms.not_before + timedelta(seconds=1))
    sms = note(container, new.shop.id, "shipped", "sms")
    assert sms.state == MessageState.RETRY, "a transient failure is not a dead letter"
    assert "503" in (sms.last_error or "") and "INVALID_TOKEN" in (sms.last_error or "")


def test_sms_cap_warns_near_the_limit_and_refuses_at_it(container, http_stub):
    http_stub.route("POST", TWILIO_PATH, status=201, json={"sid": "SMx", "status": "queued"})
    conf, secret = twilio_provider(http_stub.url)
    new = shop_with(
        container,
        {"sms": [conf]},
        {"sms": [secret]},
        matrix={**NO_CONFIRMATION, "shipped": {"sms": True}, "delivered": {"sms": True}},
        failover={"shipped": ["sms", "email"], "delivered": ["sms", "email"]},
        sms_cap={"segments": 3, "warn_at": 0.6},
        branding={"support_email": "owner@chai.example"},
        locale="uk",
    )
    push(container, new.shop.id, "a1", S.SHIPPED, order="1")  # 2 segments in Ukrainian
    assert note(container, new.shop.id, "shipped", "sms").state == MessageState.SENT
    with container.session() as s:
        state = s.get(Shop, new.shop.id).state["sms_cap"]
    assert state["cap"] == 3 and "warned_at" in state and "reached_at" not in state
    with container.session() as s:  # the merchant hears about it once, by email
        (warning,) = s.scalars(select(OutboxMessage)).all()
    assert warning.recipient == "owner@chai.example" and "з 3 SMS" in (warning.subject or "")

    push(container, new.shop.id, "a2", S.DELIVERED, 5, order="1")
    rows = notes(container, new.shop.id)
    assert rows[-2:] == [("delivered", "sms", "failed_over"), ("delivered", "email", "sent")]
    assert len(http_stub.requests) == 1
    with container.session() as s:
        shop = s.get(Shop, new.shop.id)
        assert "reached_at" in shop.state["sms_cap"]
    with container.session() as s:
        assert s.scalars(select(OutboxMessage.recipient).order_by(OutboxMessage.id)).all() == [
            "owner@chai.example",
            "olena@example.com",
        ]
    assert "monthly SMS cap reached" in (
        note(container, new.shop.id, "delivered", "sms").last_error or ""
    )
