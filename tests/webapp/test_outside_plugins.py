"""An agency's package (tests/plugins, entry points only) extends Wismo without a fork:
a platform Wismo does not know, a channel of a new message kind, per-client hooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.services.shops import create_shop
from core.storage.models import Notification, Order, OrderEvent, OutboxMessage, Shop
from tests.conftest import add_shop
from tests.shopper.orders import track_path
from webapp import create_app
from wismo.cli import main

from .admin.helpers import Admin, make_staff


def acme_delivery(
    secret: str, event_id: str, order: str, state: str = "sent"
) -> tuple[bytes, dict]:
    """An Acme Commerce webhook as the platform signs it."""
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    body = json.dumps(
        {"id": event_id, "order": order, "at": at, "state": state, "email": "olena@example.com"}
    ).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Acme-Signature": signature, "Content-Type": "application/json"}


def api_event(event_id: str, order: str, status: str = "shipped", **customer: Any) -> dict:
    """An event API body for an order of `customer`."""
    return {
        "event_id": event_id,
        "order": {
            "id": order,
            "number": order,
            "status": status,
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "customer": {"name": "Olena Petrenko", "locale": "en", **customer},
        },
    }


def post_event(client: Any, shop: Any, body: dict) -> Any:
    return client.post(
        "/api/v1/orders/events", json=body, headers={"Authorization": f"Bearer {shop.api_key}"}
    )


def test_an_unknown_platform_is_refused_until_its_adapter_is_installed(container) -> None:
    with container.session() as s, pytest.raises(ValueError, match="unknown platform 'acme'"):
        create_shop(s, container.box, name="Acme shop", platform="acme")


def test_the_cli_creates_a_shop_of_a_third_party_platform(test_plugins, tmp_path, monkeypatch):
    monkeypatch.setenv("WISMO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WISMO_PUBLIC_URL", "https://wismo.example")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        main, ["shops", "add", "--platform", "acme", "--name", "Kettles", "--json"]
    )
    assert added.exit_code == 0, added.output
    shop = json.loads(added.output)
    assert shop["webhook_url"] == f"https://wismo.example/webhooks/acme/{shop['shop_key']}"
    listed = runner.invoke(main, ["plugins", "list"])
    assert (
        "acme: Acme Commerce" in listed.output and "pushy: Pushy app notifications" in listed.output
    )
    assert "wismo.hooks:missing: ModuleNotFoundError" in listed.output


def test_a_third_party_platform_receives_webhooks_and_shows_its_label(test_plugins, container):
    new = add_shop(container, platform="acme")
    make_staff(container, new.shop.id, "owner@acme.example")
    app = create_app(container=container)
    client = app.test_client()

    body, headers = acme_delivery(new.webhook_secret, "ev-1", "A-100")
    r = client.post(f"/webhooks/acme/{new.shop.key}", data=body, headers=headers)
    assert r.status_code == 200 and r.json == {"accepted": 1, "duplicates": 0}
    again = client.post(f"/webhooks/acme/{new.shop.key}", data=body, headers=headers)
    assert again.json == {"accepted": 0, "duplicates": 1}
    forged = client.post(
        f"/webhooks/acme/{new.shop.key}", data=body, headers={"X-Acme-Signature": "00" * 32}
    )
    assert forged.status_code == 401

    with container.session() as s:
        order = s.scalars(select(Order).where(Order.shop_id == new.shop.id)).one()
        notes = s.scalars(select(Notification).where(Notification.order_id == order.id)).all()
    assert (order.external_id, order.status) == ("A-100", "shipped")
    assert {(n.status, n.channel, n.state) for n in notes} == {
        ("placed", "email", "sent"),
        ("shipped", "email", "sent"),
    }
    page = Admin(app, "owner@acme.example").get("/admin/onboarding").get_data(as_text=True)
    assert "Connect your Acme Commerce store" in page


def seal_channel_secret(container, shop_id: int, kind: str, secret: dict) -> None:
    with container.session() as s:
        shop = s.get(Shop, shop_id)
        shop.secrets = container.box.seal(
            {**container.box.open(shop.secrets), "channels": {kind: [secret]}}
        )
        s.commit()


def test_a_channel_of_a_new_kind_is_planned_rendered_and_sent(test_plugins, container, http_stub):
    http_stub.route("POST", "/v1/push", status=202, json={"id": "push-1"})
    new = add_shop(
        container,
        channels={"push": [{"provider": "pushy", "url": http_stub.url_for("/v1/push")}]},
        policy={"matrix": {"shipped": {"email": False, "push": True}}},
    )
    seal_channel_secret(container, new.shop.id, "push", {"token": "pushy-token"})
    client = create_app(container=container).test_client()

    r = post_event(client, new, api_event("e-1", "1001", id="cust-7"))
    assert r.status_code == 202, r.json

    (req,) = http_stub.requests_to("POST", "/v1/push")
    assert req.headers["Authorization"] == "Bearer pushy-token"
    sent = req.json()
    assert sent["to"] == "customer:cust-7" and sent["title"] == "Order 1001"
    assert sent["body"].startswith("Olena, order 1001 has shipped: http://wismo.test/track/")
    assert "points" not in sent["body"]  # no hook gives this shop loyalty points
    with container.session() as s:
        push = s.scalars(select(Notification).where(Notification.channel == "push")).one()
    assert (push.status, push.state, push.provider, push.delivery) == (
        "shipped",
        "sent",
        "pushy",
        "accepted",
    )
    assert push.provider_message_id == "push-1" and push.recipient == "customer:cust-7"

    # the channel's own receipts endpoint, found through the registry
    receipt = json.dumps({"id": "push-1", "status": "delivered"})
    url = f"/webhooks/providers/pushy?shop={new.shop.key}"
    assert client.post(url, data=receipt, headers={"X-Pushy-Token": "nope"}).status_code == 401
    r = client.post(url, data=receipt, headers={"X-Pushy-Token": "pushy-token"})
    assert r.status_code == 204
    with container.session() as s:
        assert s.get(Notification, push.id).delivery == "delivered"


def test_a_shopper_without_a_device_gets_no_push(test_plugins, container, http_stub):
    new = add_shop(
        container,
        channels={"push": [{"provider": "pushy", "url": http_stub.url_for("/v1/push")}]},
        policy={"matrix": {"shipped": {"push": True}}},
    )
    client = create_app(container=container).test_client()
    assert (
        post_event(client, new, api_event("e-1", "1001", email="o@example.com")).status_code == 202
    )
    with container.session() as s:
        channels = set(s.scalars(select(Notification.channel)))
    assert "push" not in channels and "email" in channels
    assert http_stub.requests_to("POST", "/v1/push") == []


def test_hooks_adjust_drop_and_veto_for_their_client_only(test_plugins, container, caplog):
    client_shop = add_shop(
        container,
        name="Kettle Co",
        client="kettle-co",
        policy={"matrix": {"shipped": {"email": True, "sms": True}}},
        templates={"en/email/shipped.txt.j2": "{{ order_number }}: {{ loyalty_points }} points"},
    )
    other = add_shop(container, name="Other", policy={"matrix": {"shipped": {"sms": True}}})
    client = create_app(container=container).test_client()
    caplog.set_level(logging.INFO, logger="core.hooks")
    shopper = {"email": "olena@example.com", "phone": "+380501234567"}

    assert post_event(client, client_shop, api_event("t-1", "TEST-1", **shopper)).status_code == 202
    assert post_event(client, client_shop, api_event("e-1", "1001", **shopper)).status_code == 202
    assert post_event(client, other, api_event("e-1", "1001", **shopper)).status_code == 202

    with container.session() as s:
        dropped = s.scalars(select(OrderEvent).where(OrderEvent.event_key == "t-1")).one()
        orders = {(o.shop_id, o.external_id): o.number for o in s.scalars(select(Order))}
        notes = {
            (n.shop_id, n.status, n.channel): n.state
            for n in s.scalars(select(Notification).where(Notification.status == "shipped"))
        }
        mail = s.scalars(
            select(OutboxMessage).where(
                OutboxMessage.shop_id == client_shop.shop.id, OutboxMessage.kind == "email"
            )
        ).all()
    assert (dropped.outcome, dropped.processed_at is not None) == ("dropped", True)
    assert orders == {(client_shop.shop.id, "1001"): "KC-1001", (other.shop.id, "1001"): "1001"}
    assert (client_shop.shop.id, "shipped", "sms") not in notes  # vetoed for the client
    assert notes[(client_shop.shop.id, "shipped", "email")] == "sent"
    assert notes[(other.shop.id, "shipped", "sms")] == "sent"
    shipped = next(m for m in mail if m.meta["status"] == "shipped")
    assert shipped.text == "KC-1001: 120 points"  # its own number kept: a hook adds, never replaces
    # the clumsy hook failed at every step, and changed nothing
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("hook clumsy failed adjusting event" in m for m in failures)
    assert any("hook clumsy failed adding template variables" in m for m in failures)
    assert any("hook clumsy failed deciding on a message" in m for m in failures)
    assert any(
        "hook client_rules vetoed the shipped sms message" in r.getMessage() for r in caplog.records
    )


def test_the_admin_offers_the_new_kind_and_its_provider_by_label(test_plugins, container):
    new = add_shop(container)
    make_staff(container, new.shop.id, "owner@shop.example")
    admin = Admin(create_app(container=container), "owner@shop.example")
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert '<fieldset data-kind="push">' in page
    assert '<option value="pushy">Pushy app notifications</option>' in page
    assert 'name="f-pushy-token" type="password"' in page  # its secret field, from metadata
    assert 'name="m-shipped-push"' in page  # a column of the policy matrix
    assert "<legend>App notifications</legend>" in page  # the kind's own label


def test_the_admin_shows_plugin_labels_in_its_language(test_plugins, container):
    new = add_shop(container)
    make_staff(container, new.shop.id, "owner@shop.example")
    admin = Admin(create_app(container=container), "owner@shop.example")
    uk = admin.get("/admin/settings", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert "<legend>Сповіщення в застосунку</legend>" in uk  # the kind's uk label
    assert ">Адреса API" in uk and ">Токен" in uk  # its fields' own uk labels
    assert ">Токен автентифікації (Auth token)" in uk  # a built-in's, from the catalogue
    ru = admin.get("/admin/settings", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert ">API URL" in ru and ">Токен" in ru  # no ru label given: English
    carriers = admin.get("/admin/carriers", headers={"Accept-Language": "uk"})
    page = carriers.get_data(as_text=True)
    assert "Ключ API" in page and "my.novaposhta.ua → Налаштування → Безпека" in page


def test_the_editor_edits_a_plugin_kinds_templates(test_plugins, container):
    new = add_shop(container)
    make_staff(container, new.shop.id, "owner@shop.example")
    admin = Admin(create_app(container=container), "owner@shop.example")
    grid = admin.get("/admin/messages").get_data(as_text=True)
    assert "/admin/messages/push/shipped/en" in grid
    page = admin.get("/admin/messages/push/shipped/uk").get_data(as_text=True)
    assert "замовлення {{ order_number }} відправлено" in page  # the plug-in's own default
    assert admin.get("/admin/messages/push/delayed/en").status_code == 200  # none shipped: blank


def test_a_vetoed_channel_never_stands_in_for_a_failed_one(test_plugins, container):
    client_shop = add_shop(
        container,
        client="kettle-co",
        policy={"matrix": {"shipped": {"email": True, "sms": True}}},
        failover={"shipped": ["email", "sms"]},
        channels={"email": [{"provider": "smtp"}]},  # no SMTP URL: email fails at once
    )
    client = create_app(container=container).test_client()
    body = api_event("e-1", "1001", email="olena@example.com", phone="+380501234567")
    assert post_event(client, client_shop, body).status_code == 202
    with container.session() as s:
        notes = [(n.status, n.channel, n.state) for n in s.scalars(select(Notification))]
    assert ("shipped", "email", "dead") in notes
    assert not any(channel == "sms" for _status, channel, _state in notes)


def test_a_shopper_can_switch_a_plugin_kind_off_on_the_tracking_page(
    test_plugins, container, http_stub
):
    http_stub.route("POST", "/v1/push", status=202, json={"id": "push-1"})
    new = add_shop(
        container,
        channels={"push": [{"provider": "pushy", "url": http_stub.url_for("/v1/push")}]},
        policy={"matrix": {"placed": {"push": True}, "shipped": {"push": True}}},
    )
    seal_channel_secret(container, new.shop.id, "push", {"token": "pushy-token"})
    client = create_app(container=container).test_client()
    shopper = {"id": "cust-7", "email": "o@example.com", "phone": "+380501234567"}
    post_event(client, new, api_event("e-1", "1001", "placed", **shopper))
    with container.session() as s:
        order_id = s.scalars(select(Order.id).where(Order.shop_id == new.shop.id)).one()
    path = track_path(container, new.shop.id, order_id)
    html = client.get(path).get_data(as_text=True)
    assert 'value="push" checked> App notifications' in html

    kept = ["email", "email_optional", "sms"]
    saved = client.post(path + "/preferences", data={"channel": kept, "confirm": "1"})
    assert saved.status_code == 303
    post_event(client, new, api_event("e-2", "1001", "shipped", **shopper))
    with container.session() as s:
        pushes = s.scalars(select(Notification.status).where(Notification.channel == "push")).all()
    assert pushes == ["placed"]  # nothing more once the shopper said stop
    assert len(http_stub.requests_to("POST", "/v1/push")) == 1
