"""WebhookChannel against a local HTTP stub: headers, signature, error mapping."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core import signing
from core.channels.base import ChannelContext, OutboundMessage
from core.channels.webhook import WebhookChannel, parse_retry_after
from core.errors import ConfigError, InvalidSignature, PermanentChannelError, TransientChannelError
from tests.support.http_stub import HttpStub, StubRequest
from tests.support.smtp_server import free_port

pytestmark = pytest.mark.integration

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
CONTEXT = ChannelContext(now=lambda: NOW)


def message(**overrides: object) -> OutboundMessage:
    fields: dict = dict(
        notification_id=42,
        shop_id=1,
        kind="webhook",
        to="",
        subject="Order 1001 shipped",
        text="Ваш заказ №1001 отправлен",
        idempotency_key="notif-42",
        metadata={"order_number": "1001", "status": "shipped", "total": Decimal("12.50")},
    )
    fields.update(overrides)
    return OutboundMessage(**fields)


def channel(stub: HttpStub, path: str = "/hook", timeout: float = 5.0) -> WebhookChannel:
    config = {"url": stub.url_for(path), "secret": SECRET, "timeout": timeout}
    return WebhookChannel.from_config(config, CONTEXT)


def test_posts_a_signed_json_event(http_stub: HttpStub) -> None:
    http_stub.route("POST", "/hook", status=204)
    assert channel(http_stub).send(message()) == "notif-42"

    (request,) = http_stub.requests_to("POST", "/hook")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == "notif-42"
    assert request.headers["webhook-timestamp"] == str(int(NOW.timestamp()))
    assert request.headers["user-agent"].startswith("Wismo/")
    assert request.headers["webhook-signature"] == signing.sign(
        SECRET, "notif-42", int(NOW.timestamp()), request.body
    )
    signing.verify(SECRET, request.headers, request.body, now=int(NOW.timestamp()))
    with pytest.raises(InvalidSignature):
        signing.verify(SECRET, request.headers, request.body + b" ", now=int(NOW.timestamp()))
    assert request.json() == {
        "type": "order.status_changed",
        "timestamp": "2024-05-01T12:00:00+00:00",
        "data": {
            "order_number": "1001",
            "status": "shipped",
            "total": "12.50",
            "text": "Ваш заказ №1001 отправлен",
            "subject": "Order 1001 shipped",
        },
    }
    assert "Ваш".encode() in request.body, "UTF-8 JSON, not \\u escapes"


def test_the_webhook_id_is_stable_across_retries(http_stub: HttpStub) -> None:
    http_stub.route("POST", "/hook", responses=[(503, {}, "down"), 200])
    hook = channel(http_stub)
    with pytest.raises(TransientChannelError):
        hook.send(message())
    assert hook.send(message()) == "notif-42"
    first, second = http_stub.requests_to("POST", "/hook")
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == "notif-42"


def test_message_to_is_the_endpoint_when_no_url_is_configured(http_stub: HttpStub) -> None:
    http_stub.route("POST", "/crm/{shop}/events", handler=lambda req: (200, {}, {"ok": True}))
    hook = WebhookChannel.from_config({"secret": SECRET}, CONTEXT)
    hook.send(message(to=http_stub.url_for("/crm/7/events")))
    assert http_stub.requests[0].path_params == {"shop": "7"}


@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [
        (500, {}, None),
        (502, {"Retry-After": "30"}, 30.0),
        (429, {"Retry-After": "120"}, 120.0),
        (429, {"Retry-After": "Wed, 01 May 2024 12:01:00 GMT"}, 60.0),
        (408, {}, None),
    ],
)
def test_server_errors_and_rate_limits_are_transient(
    http_stub: HttpStub, status: int, headers: dict[str, str], retry_after: float | None
) -> None:
    http_stub.route("POST", "/hook", status=status, headers=headers)
    with pytest.raises(TransientChannelError) as info:
        channel(http_stub).send(message())
    assert info.value.retry_after == retry_after


@pytest.mark.parametrize("status", [400, 401, 404, 410, 301])
def test_other_answers_are_permanent(http_stub: HttpStub, status: int) -> None:
    http_stub.route("POST", "/hook", status=status, headers={"Location": "/elsewhere"})
    with pytest.raises(PermanentChannelError, match=str(status)):
        channel(http_stub).send(message())
    assert len(http_stub.requests) == 1, "redirects are not followed"


def test_a_timeout_is_transient(http_stub: HttpStub) -> None:
    http_stub.route("POST", "/slow", status=200, delay=2.0)
    with pytest.raises(TransientChannelError):
        channel(http_stub, "/slow", timeout=0.2).send(message())


def test_a_closed_port_is_transient() -> None:
    hook = WebhookChannel.from_config(
        {"url": f"http://127.0.0.1:{free_port()}/hook", "secret": SECRET}, CONTEXT
    )
    with pytest.raises(TransientChannelError):
        hook.send(message())


def test_a_non_http_endpoint_is_permanent() -> None:
    hook = WebhookChannel.from_config({"url": "ftp://example.com/x", "secret": SECRET}, CONTEXT)
    with pytest.raises(PermanentChannelError):
        hook.send(message())


@pytest.mark.parametrize("config", [{"url": "https://x.example"}, {"secret": "whsec_%%%"}])
def test_a_missing_or_malformed_secret_is_a_config_error(config: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        WebhookChannel.from_config(config, CONTEXT)


def test_parse_retry_after() -> None:
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after(" 5 ", NOW) == 5.0
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None


def test_the_stub_records_queries_forms_and_unknown_routes(http_stub: HttpStub) -> None:
    import requests

    def echo(req: StubRequest) -> tuple[int, dict[str, str], object]:
        return 201, {"X-Echo": "1"}, {"form": req.form(), "query": req.query}

    http_stub.route("POST", "/2010-04-01/Accounts/{sid}/Messages.json", handler=echo)
    response = requests.post(
        http_stub.url_for("/2010-04-01/Accounts/AC1/Messages.json?x=1"),
        data={"To": "+4915112345678", "Body": "Привет"},
        timeout=5,
    )
    assert response.status_code == 201 and response.headers["X-Echo"] == "1"
    assert json.loads(response.content) == {
        "form": {"To": "+4915112345678", "Body": "Привет"},
        "query": {"x": ["1"]},
    }
    assert requests.get(http_stub.url_for("/nope"), timeout=5).status_code == 404
    assert [r.path for r in http_stub.wait_for(2)] == [
        "/2010-04-01/Accounts/AC1/Messages.json",
        "/nope",
    ]
