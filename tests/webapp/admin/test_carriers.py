"""Settings → Carriers: connect Nova Poshta (its key sealed), test it on a real number, see
health and the attention list; in the shop's language."""

from __future__ import annotations

from core.storage.models import Shop
from tests.support.novaposhta import API_KEY, NovaPoshtaStandIn, record

from .helpers import Admin

WAYBILL = "20450000000001"


def test_an_owner_connects_nova_poshta_and_tests_it_on_a_real_waybill(
    app, container, owner, http_stub
):
    np = NovaPoshtaStandIn(http_stub)
    np.records[WAYBILL] = record(WAYBILL, "7")
    admin = Admin(app, "owner@a.example")
    page = admin.get("/admin/carriers").get_data(as_text=True)
    assert "Nova Poshta" in page and "not connected" in page
    refused = admin.post("/admin/carriers/novaposhta", {"f-api_key": "", "f-base_url": np.url})
    assert refused.status_code == 302
    assert "needs: API key" in admin.get("/admin/carriers").get_data(as_text=True)
    r = admin.post("/admin/carriers/novaposhta", {"f-api_key": API_KEY, "f-base_url": np.url})
    assert r.status_code == 302
    with container.session() as s:
        shop = s.get(Shop, owner.shop.id)
        assert shop.settings["carriers"] == [{"carrier": "novaposhta", "base_url": np.url}]
        assert API_KEY not in str(shop.settings) and API_KEY not in (shop.secrets or "")
        assert container.box.open(shop.secrets)["carriers"]["novaposhta"]["api_key"] == API_KEY
    page = admin.get("/admin/carriers").get_data(as_text=True)
    assert API_KEY not in page and "stored: …" + API_KEY[-4:] in page
    admin.post("/admin/carriers/novaposhta", {"f-api_key": "", "f-base_url": np.url})
    with container.session() as s:  # a blank key keeps the stored one
        shop = s.get(Shop, owner.shop.id)
        assert container.box.open(shop.secrets)["carriers"]["novaposhta"]["api_key"] == API_KEY
    admin.post("/admin/carriers/novaposhta/test", {"number": WAYBILL})
    page = admin.get("/admin/carriers").get_data(as_text=True)
    assert f"Nova Poshta: {WAYBILL} is ready_for_pickup (Прибув на відділення)" in page
    admin.post("/admin/carriers/novaposhta/test", {"number": "20459999999999"})
    assert "does not know 20459999999999" in admin.get("/admin/carriers").get_data(as_text=True)
    assert np.problems == []


def test_the_page_speaks_the_staff_members_language_and_agents_cannot_see_it(app, owner):
    uk = {"Accept-Language": "uk-UA,uk;q=0.9"}  # no language chosen yet: the browser's
    page = Admin(app, "owner@a.example").get("/admin/carriers", headers=uk).get_data(as_text=True)
    assert "Перевізники" in page and "Посилки, що потребують уваги" in page
    assert Admin(app, "agent@a.example").get("/admin/carriers").status_code == 403


def test_every_string_of_the_page_is_translated_in_uk_and_ru():
    from webapp.admin.carriers import TEXT

    for key, marked in TEXT.items():
        english = marked("en")
        assert english.strip(), key
        for locale in ("uk", "ru"):  # through the catalogues (scripts/i18n check: all of them)
            assert marked(locale).strip() and marked(locale) != english, (key, locale)


def test_every_carriers_fields_are_shown_in_the_staff_members_language(app, owner):
    from core.i18n import gettext
    from core.services.following import carrier_classes

    uk = {"Accept-Language": "uk-UA,uk;q=0.9"}
    page = Admin(app, "owner@a.example").get("/admin/carriers", headers=uk).get_data(as_text=True)
    assert "Ідентифікатор клієнта (Client ID)" in page and "Ключ Track API" in page
    assert "Leave empty" not in page and "Use the carrier" not in page
    for cls in carrier_classes().values():  # every built-in carrier's labels and hints
        for field in cls.metadata.fields:
            for words in filter(None, (field.label, field.help)):
                for locale in ("uk", "ru"):
                    assert gettext(words, locale) != words, (cls.metadata.slug, words, locale)


def test_a_yes_no_setting_is_a_checkbox_that_keeps_its_answer(app, container, owner):
    admin = Admin(app, "owner@a.example")
    page = admin.get("/admin/carriers").get_data(as_text=True)
    assert 'name="f-test_mode" type="checkbox"' in page
    form = {"f-track_api_key": "key", "f-track_secret_key": "secret", "f-test_mode": "1"}
    assert admin.post("/admin/carriers/fedex", form).status_code == 302
    with container.session() as s:
        shop = s.get(Shop, owner.shop.id)
        (entry,) = [e for e in shop.settings["carriers"] if e["carrier"] == "fedex"]
    assert entry["test_mode"] == "1"
    page = admin.get("/admin/carriers").get_data(as_text=True)
    assert 'name="f-test_mode" type="checkbox" value="1" checked' in page
