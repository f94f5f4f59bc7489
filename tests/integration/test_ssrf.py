"""Merchant-given URLs never reach Wismo's own network (issue 16 item 3, SSRF).

Real local servers on 127.0.0.1 (the HTTP stand-in, aiosmtpd) are the "internal" targets:
with the strict policy every call to them is refused before a byte is sent, and with the
allow-list setting (as a self-hoster's private CRM would be allowed) the same calls work.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import replace
from typing import Any

import pytest
from click.testing import CliRunner

from adapters.opencart.api import open_orders
from adapters.woocommerce.api import WooApiError, WooClient
from core import netguard
from core.carriers import httpcall
from core.carriers.base import CarrierAuthError
from core.channels.base import ChannelContext, OutboundMessage
from core.channels.smtp import SmtpChannel
from core.channels.webhook import WebhookChannel
from core.errors import ConfigError
from core.settings import Settings
from tests.conftest import add_shop
from tests.support.http_stub import HttpStub
from tests.webapp.admin.helpers import Admin, make_staff
from webapp.app import create_app
from wismo.cli import main

pytestmark = pytest.mark.integration

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STRICT = netguard.Policy()


@pytest.fixture
def owner_factory(container: Any) -> Any:
    def make() -> Any:
        new = add_shop(container, name="Shop A")
        make_staff(container, new.shop.id, "owner@a.example", "owner")
        return new

    return make


def _message(**overrides: Any) -> OutboundMessage:
    fields: dict[str, Any] = dict(
        notification_id=1, shop_id=1, kind="webhook", to="", text="hello", idempotency_key="k1"
    )
    fields.update(overrides)
    return OutboundMessage(**fields)


def _webhook(url: str) -> WebhookChannel:
    return WebhookChannel.from_config({"url": url, "secret": SECRET}, ChannelContext())


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",  # CGNAT
        "100.100.100.200",  # a cloud's metadata, inside CGNAT
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",  # a cloud's IPv6 metadata
        "::ffff:127.0.0.1",  # IPv4 inside IPv6
        "::ffff:169.254.169.254",
        "ff02::1",
    ],
)
def test_private_local_and_metadata_addresses_are_refused(address: str) -> None:
    assert not STRICT.permits(ipaddress.ip_address(address))


def test_public_addresses_pass_and_the_allow_list_opens_only_its_networks() -> None:
    assert STRICT.permits(ipaddress.ip_address("93.184.216.34"))
    assert STRICT.permits(ipaddress.ip_address("2606:2800:220:1:248:1893:25c8:1946"))
    crm = netguard.Policy(allow=netguard.parse_allow_list("10.20.0.0/16, 192.168.1.5"))
    assert crm.permits(ipaddress.ip_address("10.20.3.4"))
    assert crm.permits(ipaddress.ip_address("192.168.1.5"))
    assert not crm.permits(ipaddress.ip_address("192.168.1.6"))
    assert not crm.permits(ipaddress.ip_address("169.254.169.254"))


def test_a_malformed_allow_list_stops_the_service_at_start_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="WISMO_ALLOW_PRIVATE_URLS: 'intranet'"):
        Settings.from_env({"WISMO_ALLOW_PRIVATE_URLS": "10.0.0.0/8,intranet"})
    assert Settings.from_env({"WISMO_ALLOW_PRIVATE_URLS": "10.0.0.0/8"}).allow_private_urls == (
        ipaddress.ip_network("10.0.0.0/8"),
    )
    for command in (["serve"], ["worker"], ["scheduler", "--once"], ["check"]):
        result = CliRunner().invoke(
            main,
            command,
            env={"WISMO_ALLOW_PRIVATE_URLS": "10.0.0.0/33", "WISMO_REDIS_URL": "redis://x"},
        )
        assert result.exit_code != 0, command
        assert "WISMO_ALLOW_PRIVATE_URLS" in result.output, (command, result.output)


def test_the_webhook_channel_never_posts_to_a_local_server_unless_allowed(
    http_stub: HttpStub,
) -> None:
    http_stub.route("POST", "/internal-admin", status=204)
    netguard.configure(STRICT)
    with pytest.raises(netguard.ForbiddenDestination, match="private, local or reserved"):
        _webhook(http_stub.url_for("/internal-admin")).send(_message())
    # a name that resolves to loopback is refused after resolution, as an address is
    port = http_stub.url_for("/").split(":")[2].split("/")[0]
    with pytest.raises(netguard.ForbiddenDestination):
        _webhook(f"http://localhost:{port}/internal-admin").send(_message())
    assert http_stub.requests == []  # nothing reached the server
    # the self-hoster's allow-list opens exactly that network
    netguard.configure(netguard.Policy(allow=netguard.parse_allow_list("127.0.0.1/32")))
    assert _webhook(http_stub.url_for("/internal-admin")).send(_message()) == "k1"
    assert len(http_stub.requests_to("POST", "/internal-admin")) == 1


def test_a_redirect_to_a_refused_address_is_refused_on_the_way(http_stub: HttpStub) -> None:
    """Sessions that follow redirects check each hop: 127.0.0.1 is allowed here, 127.0.0.2
    is not, and the stand-in sends the client there."""
    netguard.configure(netguard.Policy(allow=netguard.parse_allow_list("127.0.0.1/32")))
    port = http_stub.url_for("/").split(":")[2].split("/")[0]
    target = f"http://127.0.0.2:{port}/secret"
    http_stub.route("GET", "/jump", status=302, headers={"Location": target})
    with pytest.raises(netguard.ForbiddenDestination):
        netguard.session().get(http_stub.url_for("/jump"), timeout=5)
    assert [r.path for r in http_stub.requests] == ["/jump"]


def test_a_webhook_error_shows_the_status_never_the_body(http_stub: HttpStub) -> None:
    http_stub.route("POST", "/hook", status=403, body="INTERNAL-SECRET-BANNER root:x:0:0")
    with pytest.raises(Exception) as info:
        _webhook(http_stub.url_for("/hook")).send(_message())
    assert str(info.value) == "webhook endpoint answered 403 Forbidden"


def test_store_urls_and_carrier_base_urls_are_refused_too(http_stub: HttpStub) -> None:
    http_stub.route("GET", "/wp-json/wc/v3/orders", json=[])
    netguard.configure(STRICT)
    with pytest.raises(WooApiError, match="private, local or reserved"):
        WooClient(http_stub.url_for("/"), "ck_x", "cs_x").orders()
    with pytest.raises(ConfigError, match="private, local or reserved"):
        list(open_orders(http_stub.url_for("/internal-wp"), "secret", since=_epoch()))
    with pytest.raises(CarrierAuthError, match="private, local or reserved"):  # every carrier's
        httpcall.call(netguard.session(), "ukrposhta", "POST", http_stub.url_for("/api"), 5)
    assert http_stub.requests == []


def _epoch() -> Any:
    from datetime import UTC, datetime

    return datetime(2024, 1, 1, tzinfo=UTC)


def test_a_shops_own_smtp_server_on_a_private_address_is_refused(smtp_server: Any) -> None:
    channel = SmtpChannel.from_config(
        {"url": smtp_server.url, "from_address": "shop@a.example"}, ChannelContext()
    )
    netguard.configure(STRICT)
    with pytest.raises(netguard.ForbiddenDestination):
        channel.send(_message(kind="email", to="anna@example.com", subject="hi"))
    # the operator's own relay (WISMO_SMTP_URL) is trusted by name and port, nothing else
    host, port = smtp_server.url.removeprefix("smtp://").split(":")
    netguard.configure(netguard.Policy(trusted=frozenset({(host, int(port))})))
    channel.send(_message(kind="email", to="anna@example.com", subject="hi"))
    assert len(smtp_server.wait_for(1)) == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("floor", [1.0])
def test_the_smtp_test_answers_alike_for_a_closed_port_and_an_open_non_smtp_one(
    container: Any, owner_factory: Any, http_stub: HttpStub, floor: float
) -> None:
    """The admin's test is no port scanner: the same words, and no answer before the floor."""
    container.settings = replace(container.settings, admin_test_floor_seconds=floor)
    app = create_app(container=container)
    owner_factory()
    admin = Admin(app, "owner@a.example")
    http_port = http_stub.url_for("/").split(":")[2].split("/")[0]
    answers = {}
    for label, port in (("closed", _closed_port()), ("open, not SMTP", int(http_port))):
        admin.post(
            "/admin/settings/channels/email",
            {
                "provider": "smtp",
                "f-smtp-url": f"smtp://127.0.0.1:{port}",
                "f-smtp-from_address": "shop@a.example",
            },
        )
        started = time.monotonic()
        admin.post("/admin/settings/channels/email/test")
        took = time.monotonic() - started
        page = admin.get("/admin/settings").get_data(as_text=True)
        assert took >= floor, (label, took)
        answers[label] = page.count(f"no SMTP server answered at 127.0.0.1:{port}")
    assert answers == {"closed": 1, "open, not SMTP": 1}


def test_the_admin_webhook_test_refuses_an_internal_url_and_echoes_nothing(
    container: Any, owner_factory: Any, http_stub: HttpStub
) -> None:
    http_stub.route("POST", "/internal-admin", status=403, body="INTERNAL-SECRET-BANNER")
    app = create_app(container=container)
    owner_factory()
    admin = Admin(app, "owner@a.example")
    admin.post(
        "/admin/settings/channels/webhook",
        {
            "provider": "webhook",
            "f-webhook-url": http_stub.url_for("/internal-admin"),
            "f-webhook-secret": SECRET,
        },
    )
    netguard.configure(STRICT)
    admin.post("/admin/settings/channels/webhook/test")
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "private, local or reserved" in page
    assert http_stub.requests == []
    # allowed (a private CRM): it is reached, and its body is still not shown
    netguard.configure(netguard.Policy(allow=netguard.parse_allow_list("127.0.0.1")))
    admin.post("/admin/settings/channels/webhook/test")
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "403 Forbidden" in page and "INTERNAL-SECRET-BANNER" not in page
    assert len(http_stub.requests) == 1
