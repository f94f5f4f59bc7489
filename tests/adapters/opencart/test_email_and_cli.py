"""End to end: a signed push becomes an email at a real SMTP server; the CLI registers a store."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import add_shop, make_container
from webapp.app import create_app
from wismo.cli import main

from .helpers import push_body, signed


def test_a_signed_push_makes_the_email_arrive_in_the_shoppers_language(database_url, smtp_server):
    c = make_container(database_url, smtp_url=smtp_server.url + "?from=shop@example.com")
    try:
        shop = add_shop(c, platform="opencart", name="Чайники", locale="en")
        raw, headers = signed(shop.webhook_secret, push_body(language="ru-ru"))
        client = create_app(container=c).test_client()
        r = client.post(f"/webhooks/opencart/{shop.shop.key}", data=raw, headers=headers)
        assert r.status_code == 200, r.get_data(as_text=True)
        _confirmation, mail = smtp_server.wait_for(2)  # the order's first news is confirmed too
    finally:
        c.engine.dispose()
    assert mail.rcpt_tos == ["olena@example.com"]
    text = mail.message.get_body(("plain",)).get_content()
    assert "42" in mail.message["Subject"]
    assert "20450000000000" in text
    assert "заказ" in (mail.message["Subject"] + text).lower()  # Russian, as the storefront was


def test_shops_add_for_opencart_prints_what_to_paste_into_the_module(tmp_path, monkeypatch):
    monkeypatch.setenv("WISMO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WISMO_PUBLIC_URL", "https://wismo.example")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    args = ["shops", "add", "--platform", "opencart", "--name", "Kettles"]
    added = runner.invoke(main, [*args, "--url", "https://kettles.example/shop/"])
    assert added.exit_code == 0, added.output
    assert "Wismo URL:  https://wismo.example" in added.output
    assert "Shop key:" in added.output and "Secret:     whsec_" in added.output
    listed = json.loads(runner.invoke(main, ["shops", "list", "--json"]).output)
    assert listed[0]["domain"] == "kettles.example"
    bad = runner.invoke(main, [*args, "--url", "kettles.example"])
    assert bad.exit_code != 0 and "http(s)" in bad.output


def test_messages_link_the_store_where_it_really_is():
    from core.services.shops import store_url
    from core.storage.models import Shop

    shop = Shop(name="K", platform="opencart", domain="kettles.example")
    shop.settings = {"store_url": "http://kettles.example/shop/"}
    assert store_url(shop) == "http://kettles.example/shop/"  # http and the subfolder kept
    shop.settings = {"woocommerce": {"store_url": "https://wp.example/store"}}
    shop.platform = "woocommerce"
    assert store_url(shop) == "https://wp.example/store"
    shop.settings = {"branding": {"store_url": "javascript:alert(1)"}}
    assert store_url(shop) == "https://kettles.example"
