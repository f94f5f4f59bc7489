"""Settings: sealed credentials, tests through real channels, policy, mapping, branding,
tracking (the open pixel and tracked links), and the onboarding checklist."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from sqlalchemy import select

from core.domain.statuses import Status
from core.plugins import ADAPTERS, clear_plugin_cache, load_plugins
from core.services.shops import policy_of
from core.storage.models import MessageEvent, Notification, Shop

from .helpers import Admin, order_event

SMTP_PASSWORD = "s3cret-smtp-passw0rd"


def _smtp(admin, smtp_server):
    url = smtp_server.url.replace("smtp://", f"smtp://wismo:{SMTP_PASSWORD}@")
    return admin.post(
        "/admin/settings/channels/email",
        {
            "provider": "smtp",
            "f-smtp-url": url,
            "f-smtp-from_address": "shop@a.example",
            "f-smtp-from_name": "Shop A",
        },
    )


def test_smtp_credentials_are_sealed_and_never_shown_back(app, container, owner, smtp_server):
    admin = Admin(app, "owner@a.example")
    assert _smtp(admin, smtp_server).status_code == 302
    with container.session() as s:
        shop = s.get(Shop, owner.shop.id)
        assert SMTP_PASSWORD not in str(shop.settings) and SMTP_PASSWORD not in shop.secrets
        sealed = container.box.open(shop.secrets)
        assert SMTP_PASSWORD in sealed["channels"]["email"][0]["url"]
        assert sealed["webhook_secret"] == owner.webhook_secret  # kept
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert SMTP_PASSWORD not in page and "stored: …" in page
    # saving again with the credential left blank keeps it
    admin.post(
        "/admin/settings/channels/email", {"provider": "smtp", "f-smtp-from_address": "x@a.example"}
    )
    with container.session() as s:
        sealed = container.box.open(s.get(Shop, owner.shop.id).secrets)
        assert SMTP_PASSWORD in sealed["channels"]["email"][0]["url"]


def test_send_a_test_email_through_the_real_smtp_channel(app, owner, smtp_server):
    smtp_server.users["wismo"] = SMTP_PASSWORD
    admin = Admin(app, "owner@a.example")
    _smtp(admin, smtp_server)
    r = admin.post("/admin/settings/channels/email/test")
    assert r.status_code == 302
    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["owner@a.example"] and mail.login == "wismo"
    assert mail.message["Subject"].startswith("[Test]")
    assert mail.message["From"] == "Shop A <shop@a.example>"


def test_a_broken_channel_setting_is_refused_on_save(app, container, owner):
    admin = Admin(app, "owner@a.example")
    admin.post("/admin/settings/channels/email", {"provider": "smtp", "f-smtp-url": "nonsense"})
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "an SMTP URL looks like" in page
    with container.session() as s:
        assert "channels" not in s.get(Shop, owner.shop.id).settings


def test_policy_quiet_hours_debounce_language_and_zone(app, container, owner):
    admin = Admin(app, "owner@a.example")
    admin.post(
        "/admin/settings/general",
        {
            "locale": "uk",
            "timezone": "Europe/Kyiv",
            "quiet_start": "22:00",
            "quiet_end": "07:30",
            "debounce_minutes": "5",
        },
    )
    admin.post(
        "/admin/settings/policy",
        {"m-shipped-email": "on", "m-shipped-sms": "on", "m-delivered-email": "on"},
    )
    with container.session() as s:
        shop = s.get(Shop, owner.shop.id)
        policy = policy_of(shop)
    assert shop.settings["locale"] == "uk" and policy.timezone == "Europe/Kyiv"
    assert policy.quiet_start.isoformat() == "22:00:00" and policy.debounce.total_seconds() == 300
    assert policy.channels_for(Status.SHIPPED) == ["email", "sms"]
    assert policy.channels_for(Status.PLACED) == []
    admin.post(
        "/admin/settings/general",
        {
            "locale": "uk",
            "timezone": "Mars/Olympus",
            "quiet_start": "22:00",
            "quiet_end": "07:30",
            "debounce_minutes": "5",
        },
    )
    assert "unknown time zone" in admin.get("/admin/settings").get_data(as_text=True)


def test_status_mapping_for_woocommerce_and_branding(app, container):
    from tests.conftest import add_shop

    from .helpers import make_staff

    shop = add_shop(container, platform="woocommerce")
    make_staff(container, shop.shop.id, "w@w.example")
    admin = Admin(app, "w@w.example")
    admin.post(
        "/admin/settings/status-map",
        {"status_map": "wc-awaiting-shipment = packed\nwc-gift-wrap =\n"},
    )
    admin.post("/admin/settings/status-map", {"status_map": "wc-x = teleported"})
    assert "is not a Wismo status" in admin.get("/admin/settings").get_data(as_text=True)
    admin.post(
        "/admin/settings/branding",
        {
            "logo_url": "https://w.example/logo.png",
            "brand_color": "#123456",
            "support_email": "help@w.example",
            "faq": "Where is it? | On its way",
            "promo_enabled": "on",
            "promo_text": "10% off",
            "promo_products": "Sale | https://w.example/sale",
        },
    )
    admin.post("/admin/settings/branding", {"logo_url": "javascript:alert(1)"})
    with container.session() as s:
        conf = s.get(Shop, shop.shop.id).settings
    assert conf["status_map"] == {"wc-awaiting-shipment": "packed", "wc-gift-wrap": ""}
    assert conf["branding"]["logo_url"] == "https://w.example/logo.png"
    assert conf["branding"]["faq"] == [{"q": "Where is it?", "a": "On its way"}]
    assert conf["branding"]["promotions"] == {
        "text": "10% off",
        "products": [{"name": "Sale", "url": "https://w.example/sale"}],
    }


def test_a_promotion_saved_in_the_admin_shows_on_the_tracking_page(app, container, owner):
    from tests.shopper.orders import order_in, track_path

    admin = Admin(app, "owner@a.example")
    form = {
        "promo_enabled": "on",
        "promo_title": "Your next order",
        "promo_text": "10% off everything this month.",
        "promo_code": "CHAI10",
        "promo_products": "Oolong tea | https://shop.example/oolong\nBad | javascript:alert(1)",
    }
    admin.post("/admin/settings/branding", form)
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "must start with https://" in page  # the javascript: link refused the whole form
    form["promo_products"] = "Oolong tea | https://shop.example/oolong"
    admin.post("/admin/settings/branding", form)
    order_id = order_in(container, owner.shop.id, "1001", "progress", "en")
    client = app.test_client()
    html = client.get(track_path(container, owner.shop.id, order_id)).get_data(as_text=True)
    for text in ("Your next order", "10% off everything this month.", "CHAI10"):
        assert text in html, text
    assert 'href="https://shop.example/oolong"' in html
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'value="CHAI10"' in page and "Oolong tea | https://shop.example/oolong" in page
    admin.post("/admin/settings/branding", {**form, "promo_enabled": ""})  # hidden, kept
    html = client.get(track_path(container, owner.shop.id, order_id)).get_data(as_text=True)
    assert "CHAI10" not in html
    with container.session() as s:
        assert s.get(Shop, owner.shop.id).settings["branding"]["promotions"]["code"] == "CHAI10"


def test_a_per_language_promotion_survives_saving_the_branding_form(app, container, owner):
    with container.session() as s:
        shop = s.get(Shop, owner.shop.id)
        title = {"en": "Next order", "uk": "Наступне замовлення"}
        shop.settings = {**shop.settings, "branding": {"promotions": {"title": title}}}
        s.commit()
    admin = Admin(app, "owner@a.example")
    assert 'value="Next order"' in admin.get("/admin/settings").get_data(as_text=True)
    admin.post("/admin/settings/branding", {"promo_enabled": "on", "promo_title": "Next order"})
    with container.session() as s:
        assert s.get(Shop, owner.shop.id).settings["branding"]["promotions"]["title"] == title


def test_tracked_links_and_the_open_pixel(app, container, owner):
    admin = Admin(app, "owner@a.example")
    admin.post("/admin/settings/tracking", {"opens": "on", "clicks": "on"})
    order_event(container, owner.shop.id, "e1", "8001", Status.PLACED)
    from core.storage.models import OutboxMessage

    with container.session() as s:
        note = s.scalar(select(Notification))
        sent = s.scalar(select(OutboxMessage))
    assert "/o/" not in note.body_html and "/o/" in sent.html  # the stored copy stays clean
    pixel = re.search(r'src="http://wismo.test(/o/[^"]+\.gif)"', sent.html)[1]
    link = re.search(r'href="http://wismo.test(/c/[^"]+)"', sent.html)[1]
    client = app.test_client()
    r = client.get(pixel)
    assert r.status_code == 200 and r.mimetype == "image/gif"
    r = client.get(link)
    assert r.status_code == 302 and r.headers["Location"].startswith("http://wismo.test/track/")
    assert client.get(link[:-3] + "abc").status_code == 404
    with container.session() as s:
        note = s.get(Notification, note.id)
        assert note.opened_at and note.clicked_at
        kinds = [e.kind for e in s.scalars(select(MessageEvent).order_by(MessageEvent.id))]
    assert kinds == ["opened", "clicked"]


def test_no_tracking_unless_the_shop_turns_it_on(container, owner):
    order_event(container, owner.shop.id, "e1", "8002", Status.PLACED)
    from core.storage.models import OutboxMessage

    with container.session() as s:
        html = s.scalar(select(OutboxMessage)).html
    assert "/o/" not in html and "/c/" not in html


class PluginAdapter:
    """An adapter with a downloadable plug-in, as the WooCommerce and OpenCart ones have."""

    name = "woocommerce"

    @staticmethod
    def package_plugin(out_dir: Path, config=None):
        path = out_dir / "wismo-woocommerce.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("wismo/config.json", repr(sorted((config or {}).items())))
        return [path]


def test_onboarding_offers_the_plugin_preconfigured_for_this_shop(app, container):
    from tests.conftest import add_shop

    from .helpers import make_staff

    shop = add_shop(container, platform="woocommerce")
    make_staff(container, shop.shop.id, "w@w.example")
    load_plugins(ADAPTERS).loaded["woocommerce"] = PluginAdapter
    try:
        admin = Admin(app, "w@w.example")
        assert "/admin/onboarding/plugin" in admin.get("/admin/onboarding").get_data(as_text=True)
        r = admin.get("/admin/onboarding/plugin")
        assert r.status_code == 200 and r.mimetype == "application/zip"
        inside = zipfile.ZipFile(io.BytesIO(r.data)).read("wismo/config.json").decode()
        assert shop.shop.key in inside and shop.webhook_secret in inside
        assert "http://wismo.test" in inside
    finally:
        clear_plugin_cache(ADAPTERS)


def test_the_checklist_follows_reality(app, container, owner, smtp_server):
    admin = Admin(app, "owner@a.example")
    page = admin.get("/admin/onboarding").get_data(as_text=True)
    assert page.count("to do</span>") == 4
    smtp_server.users["wismo"] = SMTP_PASSWORD
    _smtp(admin, smtp_server)
    admin.post("/admin/onboarding/test")
    (mail,) = smtp_server.wait_for(1)
    confirm = re.search(
        r"http://wismo.test(/admin/confirm/\S+)", mail.message.get_body(("plain",)).get_content()
    )[1]
    assert app.test_client().get(confirm).status_code == 200
    order_event(container, owner.shop.id, "e1", "9001", Status.PLACED)
    page = admin.get("/admin/onboarding").get_data(as_text=True)
    assert page.count("done</span>") == 4
    assert admin.get("/admin/").headers["Location"].endswith("/admin/dashboard")


def test_keys_the_form_does_not_show_are_kept(app, container, owner, smtp_server):
    from core.services.shops import update_settings

    with container.session() as s, s.begin():
        update_settings(
            s.get(Shop, owner.shop.id),
            channels={"email": [{"provider": "smtp", "helo": "mail.a.example"}]},
        )
    admin = Admin(app, "owner@a.example")
    assert _smtp(admin, smtp_server).status_code == 302
    with container.session() as s:
        entry = s.get(Shop, owner.shop.id).settings["channels"]["email"][0]
    assert entry == {
        "provider": "smtp",
        "helo": "mail.a.example",
        "from_address": "shop@a.example",
        "from_name": "Shop A",
    }


def test_json_fields_are_checked():
    from webapp.admin.forms import Field, FormError, field_value

    templates = Field("templates", "Templates", json=True)
    assert field_value(templates, '{"shipped": {"name": "order_shipped"}}') == {
        "shipped": {"name": "order_shipped"}
    }
    import pytest

    with pytest.raises(FormError, match="not valid JSON"):
        field_value(templates, "{shipped:")


def test_opencart_gets_one_installable_archive_per_version_not_a_zip_of_zips(app, container):
    from tests.conftest import add_shop

    from .helpers import make_staff

    shop = add_shop(container, platform="opencart")
    make_staff(container, shop.shop.id, "o@o.example")
    admin = Admin(app, "o@o.example")
    page = admin.get("/admin/onboarding").get_data(as_text=True)
    links = re.findall(r'href="(/admin/onboarding/plugin\?file=[^"]+)"', page)
    assert len(links) == 2
    names = []
    for link in links:
        r = admin.get(link.replace("&amp;", "&"))
        assert r.status_code == 200 and r.mimetype == "application/zip"
        names.append(r.headers["Content-Disposition"].split("filename=")[1])
        inside = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
        assert not any(n.endswith(".zip") for n in inside)  # installable as it is
        assert any(n.endswith("wismo/preset.php") for n in inside)
    assert sorted(names) == ["wismo-opencart-3.x.ocmod.zip", "wismo.ocmod.zip"]
    assert admin.get("/admin/onboarding/plugin?file=../etc/passwd").status_code == 404


def test_onboarding_shows_refused_deliveries_and_the_last_one_received(app, container):
    from tests.conftest import add_shop

    from .helpers import make_staff

    shop = add_shop(container, platform="opencart")
    make_staff(container, shop.shop.id, "l@l.example")
    forged = app.test_client().post(
        f"/webhooks/opencart/{shop.shop.key}",
        data=b"{}",
        headers={"webhook-id": "msg_x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"},
    )
    assert forged.status_code == 401
    page = Admin(app, "l@l.example").get("/admin/onboarding").get_data(as_text=True)
    link = page[page.index('id="store-link"') :]
    assert "1 refused since the last one received" in link
    assert "Last update received</th><td>never" in link


def test_settings_explain_themselves(app, container, owner):
    """Issue 19 item 6: the provider's own fields without prefixes, what "no provider"
    really means, no quiet hours as a box, and a colour picker with its contrast."""
    admin = Admin(app, "owner@a.example")
    page = admin.get("/admin/settings").get_data(as_text=True)
    sms = page[page.index('data-kind="sms"') :]
    sms = sms[: sms.index("</fieldset>")]
    assert '<option value="">none</option>' in sms
    assert "Messages only reach the dev outbox: no shopper gets them." in sms
    assert "twilio: " not in sms and ">Account SID (AC...)" in sms  # grouped under Twilio
    assert 'data-provider="twilio"' in sms and '<p class="small muted provider-name">' in sms
    assert 'id="no-quiet"' in page and "12:00 AM" not in page
    assert 'name="brand_color" type="color" value="#0f766e"' in page
    assert "their text is white (contrast 5.5 : 1)" in page
    admin.post(
        "/admin/settings/general",
        {"locale": "en", "timezone": "UTC", "no_quiet": "on", "debounce_minutes": "0"},
    )
    with container.session() as s:
        policy = policy_of(s.get(Shop, owner.shop.id))
    assert policy.quiet_start == policy.quiet_end
    assert 'id="no-quiet" checked' in admin.get("/admin/settings").get_data(as_text=True)


def test_onboarding_is_not_live_while_messages_only_reach_the_dev_outbox(app, container, owner):
    from .helpers import order_event

    order_event(container, owner.shop.id, "o1", "9001", Status.PLACED)  # to the dev outbox
    page = Admin(app, "owner@a.example").get("/admin/onboarding").get_data(as_text=True)
    assert '<li class="card pad ob-step" data-step="live">' in page  # not ticked
    live = page[page.index('data-step="live"') :][:900]
    assert "Not yet: 1 message went only to the dev outbox, no shopper received it." in live
    assert "sent to shoppers so far" not in live
