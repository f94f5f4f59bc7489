"""Each SMS and messenger provider against a local stand-in that checks what its API documents."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from core.channels.base import ChannelContext, OutboundMessage
from core.channels.telegram import TelegramChannel
from core.channels.turbosms import TurboSmsChannel
from core.channels.twilio import TwilioChannel
from core.channels.viber import ViberChannel
from core.channels.whatsapp import WhatsAppCloudChannel
from core.errors import (
    ConfigError,
    PermanentChannelError,
    RecipientOptedOut,
    TransientChannelError,
)
from tests.support.http_stub import HttpStub, StubRequest

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
CONTEXT = ChannelContext(public_url="https://wismo.example", now=lambda: NOW)
SID, TOKEN = "AC0123456789abcdef0123456789abcdef", "twilio-auth-token"
TEXT = "Чай і Чайник: замовлення #1001 відправлено, ТТН 20450000000000"


def message(kind: str = "sms", to: str = "+380671234567", **meta: object) -> OutboundMessage:
    return OutboundMessage(
        notification_id=7,
        shop_id=1,
        kind=kind,
        to=to,
        text=TEXT,
        idempotency_key="n7",
        metadata={
            "shop": "shopkey1",
            "status": "shipped",
            "locale": "uk",
            "order_number": "#1001",
            "tracking_link": "https://wismo.example/track/x",
            **meta,
        },
    )


# --- Twilio ---------------------------------------------------------------------------


def twilio_api(req: StubRequest):
    """Twilio's Messages API as documented: Basic auth, form fields, 201 with a SID."""
    expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    if req.headers.get("authorization") != expected:
        return 401, {}, {"code": 20003, "message": "Authenticate", "status": 401}
    if not req.headers["content-type"].startswith("application/x-www-form-urlencoded"):
        return 400, {}, {"code": 20001, "message": "form-encoded body expected", "status": 400}
    form = req.form()
    if (
        not form.get("To")
        or not form.get("Body")
        or not (form.get("From") or form.get("MessagingServiceSid"))
    ):
        return (
            400,
            {},
            {"code": 21604, "message": "A 'To' phone number is required.", "status": 400},
        )
    if form["To"].removeprefix("whatsapp:") == "+380990000000":
        return (
            400,
            {},
            {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400},
        )
    return 201, {}, {"sid": "SM" + "a" * 32, "status": "queued", "to": form["To"]}


def twilio(stub: HttpStub, **extra: object) -> TwilioChannel:
    conf = {"account_sid": SID, "auth_token": TOKEN, "from": "+15005550006", "base_url": stub.url}
    return TwilioChannel.from_config({**conf, **extra}, CONTEXT)


def test_twilio_sends_a_form_encoded_sms_with_a_status_callback(http_stub: HttpStub) -> None:
    path = f"/2010-04-01/Accounts/{SID}/Messages.json"
    http_stub.route("POST", path, twilio_api)
    assert twilio(http_stub).send(message()) == "SM" + "a" * 32
    (req,) = http_stub.requests_to("POST", path)
    assert req.form() == {
        "To": "+380671234567",
        "From": "+15005550006",
        "Body": TEXT,
        "StatusCallback": "https://wismo.example/webhooks/providers/twilio?shop=shopkey1",
    }


def test_twilio_whatsapp_uses_whatsapp_addresses(http_stub: HttpStub) -> None:
    path = f"/2010-04-01/Accounts/{SID}/Messages.json"
    http_stub.route("POST", path, twilio_api)
    twilio(http_stub, messaging_service_sid="MG123", **{"from": ""}).send(message("whatsapp"))
    form = http_stub.requests_to("POST", path)[0].form()
    assert form["To"] == "whatsapp:+380671234567"
    assert form["MessagingServiceSid"] == "MG123" and "From" not in form


def test_twilio_21610_is_an_opt_out_and_bad_credentials_are_permanent(http_stub: HttpStub) -> None:
    http_stub.route("POST", f"/2010-04-01/Accounts/{SID}/Messages.json", twilio_api)
    with pytest.raises(RecipientOptedOut, match="21610"):
        twilio(http_stub).send(message(to="+380990000000"))
    with pytest.raises(PermanentChannelError, match="20003") as info:
        TwilioChannel.from_config(
            {"account_sid": SID, "auth_token": "wrong", "from": "+1500", "base_url": http_stub.url},
            CONTEXT,
        ).send(message())
    assert not isinstance(info.value, RecipientOptedOut)


def test_twilio_rate_limits_and_outages_are_transient(http_stub: HttpStub) -> None:
    path = f"/2010-04-01/Accounts/{SID}/Messages.json"
    http_stub.route(
        "POST",
        path,
        responses=[
            (429, {"Retry-After": "3"}, {"code": 20429, "message": "Too Many Requests"}),
            (503, {}, "upstream unavailable"),
        ],
    )
    with pytest.raises(TransientChannelError) as info:
        twilio(http_stub).send(message())
    assert info.value.retry_after == 3
    with pytest.raises(TransientChannelError):
        twilio(http_stub).send(message())


def test_twilio_timeouts_are_transient(http_stub: HttpStub) -> None:
    http_stub.route("POST", f"/2010-04-01/Accounts/{SID}/Messages.json", twilio_api, delay=2)
    with pytest.raises(TransientChannelError, match="unreachable"):
        twilio(http_stub, timeout=0.2).send(message())


def test_twilio_needs_its_credentials() -> None:
    with pytest.raises(ConfigError, match="auth_token"):
        TwilioChannel.from_config({"account_sid": SID}, CONTEXT)
    with pytest.raises(ConfigError, match="from"):
        TwilioChannel.from_config({"account_sid": SID, "auth_token": TOKEN}, CONTEXT)


# --- TurboSMS -------------------------------------------------------------------------


def turbosms_api(req: StubRequest):
    """TurboSMS answers 200 to everything and puts the outcome in response_code."""
    if req.headers.get("authorization") != "Bearer turbo-token":
        return (
            200,
            {},
            {"response_code": 103, "response_status": "REQUIRED_TOKEN", "response_result": None},
        )
    body = req.json()
    phone = body["recipients"][0]
    if not phone.isdigit():
        return (
            200,
            {},
            {
                "response_code": 800,
                "response_status": "SUCCESS_MESSAGE_ACCEPTED",
                "response_result": [
                    {
                        "phone": phone,
                        "response_code": 406,
                        "message_id": None,
                        "response_status": "NOT_ALLOWED_RECIPIENT_COUNTRY",
                    }
                ],
            },
        )
    return (
        200,
        {},
        {
            "response_code": 800,
            "response_status": "SUCCESS_MESSAGE_ACCEPTED",
            "response_result": [
                {
                    "phone": phone,
                    "response_code": 0,
                    "message_id": "f83f8868-5e46-c6cf-e4fb-615e5a293754",
                    "response_status": "OK",
                }
            ],
        },
    )


def turbo(stub: HttpStub, token: str = "turbo-token") -> TurboSmsChannel:
    return TurboSmsChannel.from_config(
        {"token": token, "sender": "ChaiKettle", "base_url": stub.url}, CONTEXT
    )


def test_turbosms_sends_json_with_a_bearer_token(http_stub: HttpStub) -> None:
    http_stub.route("POST", "/message/send.json", turbosms_api)
    assert turbo(http_stub).send(message()) == "f83f8868-5e46-c6cf-e4fb-615e5a293754"
    (req,) = http_stub.requests_to("POST", "/message/send.json")
    assert req.json() == {
        "recipients": ["380671234567"],
        "sms": {"sender": "ChaiKettle", "text": TEXT},
        "sequence_id": "n7",
    }


def test_turbosms_errors_inside_a_200(http_stub: HttpStub) -> None:
    http_stub.route("POST", "/message/send.json", turbosms_api)
    with pytest.raises(PermanentChannelError, match="REQUIRED_TOKEN"):
        turbo(http_stub, token="nope").send(message())
    with pytest.raises(PermanentChannelError, match="NOT_ALLOWED") as info:
        turbo(http_stub).send(message(to="+38x"))
    assert info.value.unreachable
    http_stub.route("POST", "/message/send.json", status=502, body="Bad Gateway")
    with pytest.raises(TransientChannelError):
        turbo(http_stub).send(message())


# --- WhatsApp Cloud API -----------------------------------------------------------------

WA_PATH = "/v21.0/1234567890/messages"
WA_TEMPLATES = {"shipped": {"name": "order_shipped", "params": ["order_number", "tracking_link"]}}


def whatsapp_api(req: StubRequest):
    if req.headers.get("authorization") != "Bearer wa-token":
        return (
            401,
            {},
            {
                "error": {
                    "message": "Invalid OAuth access token",
                    "type": "OAuthException",
                    "code": 190,
                }
            },
        )
    body = req.json()
    assert body["messaging_product"] == "whatsapp" and body["to"] == "380671234567"
    return (
        200,
        {},
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": "wamid.HBgLMzgwNjcxMjM0NTY3FQIAERgSQ0"}],
        },
    )


def wa(stub: HttpStub) -> WhatsAppCloudChannel:
    return WhatsAppCloudChannel.from_config(
        {
            "access_token": "wa-token",
            "phone_number_id": "1234567890",
            "base_url": stub.url,
            "templates": WA_TEMPLATES,
            "languages": {"en": "en_US"},
        },
        CONTEXT,
    )


def test_whatsapp_outside_the_window_sends_the_approved_template(http_stub: HttpStub) -> None:
    http_stub.route("POST", WA_PATH, whatsapp_api)
    assert wa(http_stub).send(message("whatsapp")).startswith("wamid.")
    body = http_stub.requests_to("POST", WA_PATH)[0].json()
    assert body["type"] == "template"
    assert body["template"] == {
        "name": "order_shipped",
        "language": {"code": "uk"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "#1001"},
                    {"type": "text", "text": "https://wismo.example/track/x"},
                ],
            }
        ],
    }


def test_whatsapp_inside_the_window_sends_free_text(http_stub: HttpStub) -> None:
    http_stub.route("POST", WA_PATH, whatsapp_api)
    recent = (NOW - timedelta(hours=3)).isoformat()
    wa(http_stub).send(message("whatsapp", last_inbound_at=recent))
    stale = (NOW - timedelta(hours=25)).isoformat()
    wa(http_stub).send(message("whatsapp", last_inbound_at=stale))
    first, second = (r.json() for r in http_stub.requests_to("POST", WA_PATH))
    assert first["type"] == "text" and first["text"] == {"body": TEXT}
    assert second["type"] == "template"


def test_whatsapp_without_a_template_for_the_status_fails_over(http_stub: HttpStub) -> None:
    with pytest.raises(PermanentChannelError, match="no approved template"):
        wa(http_stub).send(message("whatsapp", status="delivered"))
    assert http_stub.requests == []


def test_whatsapp_rate_limit_is_transient(http_stub: HttpStub) -> None:
    http_stub.route(
        "POST", WA_PATH, status=400, json={"error": {"message": "Rate limit hit", "code": 130429}}
    )
    with pytest.raises(TransientChannelError) as info:
        wa(http_stub).send(message("whatsapp"))
    assert info.value.retry_after == 60


# --- Telegram -------------------------------------------------------------------------

TG_PATH = "/bot123456:ABC-token/sendMessage"


def tg(stub: HttpStub) -> TelegramChannel:
    return TelegramChannel.from_config(
        {"bot_token": "123456:ABC-token", "base_url": stub.url}, CONTEXT
    )


def test_telegram_sends_message_to_the_chat(http_stub: HttpStub) -> None:
    http_stub.route(
        "POST", TG_PATH, json={"ok": True, "result": {"message_id": 42, "chat": {"id": 987}}}
    )
    assert tg(http_stub).send(message("telegram", to="987")) == "42"
    assert http_stub.requests_to("POST", TG_PATH)[0].json() == {"chat_id": "987", "text": TEXT}


def test_telegram_blocked_bot_is_an_opt_out_and_429_waits(http_stub: HttpStub) -> None:
    http_stub.route(
        "POST",
        TG_PATH,
        responses=[
            (
                403,
                {},
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                },
            ),
            (
                429,
                {},
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 17",
                    "parameters": {"retry_after": 17},
                },
            ),
            (
                400,
                {},
                {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
            ),
        ],
    )
    with pytest.raises(RecipientOptedOut, match="blocked"):
        tg(http_stub).send(message("telegram", to="987"))
    with pytest.raises(TransientChannelError) as info:
        tg(http_stub).send(message("telegram", to="987"))
    assert info.value.retry_after == 17
    with pytest.raises(PermanentChannelError, match="chat not found") as bad:
        tg(http_stub).send(message("telegram", to="987"))
    assert bad.value.unreachable and not isinstance(bad.value, RecipientOptedOut)


# --- Viber ----------------------------------------------------------------------------


def viber_api(req: StubRequest):
    if req.headers.get("x-viber-auth-token") != "viber-token":
        return 200, {}, {"status": 2, "status_message": "invalidAuthToken"}
    body = req.json()
    if body["receiver"] == "gone==":
        return 200, {}, {"status": 6, "status_message": "notSubscribed"}
    if body["receiver"] == "busy==":
        return 200, {}, {"status": 12, "status_message": "tooManyRequests"}
    return 200, {}, {"status": 0, "status_message": "ok", "message_token": 5741311803571721087}


def vb(stub: HttpStub, token: str = "viber-token") -> ViberChannel:
    return ViberChannel.from_config(
        {"auth_token": token, "sender_name": "Чай і Чайник", "base_url": stub.url}, CONTEXT
    )


def test_viber_sends_with_its_auth_header(http_stub: HttpStub) -> None:
    http_stub.route("POST", "/pa/send_message", viber_api)
    assert vb(http_stub).send(message("viber", to="01234567890A=")) == "5741311803571721087"
    assert http_stub.requests_to("POST", "/pa/send_message")[0].json() == {
        "receiver": "01234567890A=",
        "min_api_version": 1,
        "sender": {"name": "Чай і Чайник"},
        "type": "text",
        "text": TEXT,
    }


def test_viber_status_codes(http_stub: HttpStub) -> None:
    http_stub.route("POST", "/pa/send_message", viber_api)
    with pytest.raises(PermanentChannelError, match="notSubscribed") as info:
        vb(http_stub).send(message("viber", to="gone=="))
    assert info.value.unreachable
    with pytest.raises(TransientChannelError):
        vb(http_stub).send(message("viber", to="busy=="))
    with pytest.raises(PermanentChannelError, match="invalidAuthToken"):
        vb(http_stub, token="bad").send(message("viber", to="x"))
