"""A merchant saving a template that does too much work, on a phone and a laptop: the refusal
is shown at the field, in the admin's language, and the page fits the screen (issue 16 item 7)."""

from __future__ import annotations

import pytest

from tests.conftest import add_shop
from tests.support.browser import screenshot
from tests.webapp.admin.helpers import make_staff
from tests.webapp.admin.test_browser import sign_in

RUNAWAY = "{% for i in range(99999) %}{% for j in range(900) %}{% endfor %}{% endfor %}"
REFUSAL = {
    "uk": "Цей шаблон виконує забагато роботи:",
    "ru": "Этот шаблон выполняет слишком много работы:",
    "en": "This template does too much work:",
}


@pytest.mark.parametrize(("locale", "width"), [("uk", 390), ("ru", 390), ("en", 1280)])
def test_saving_a_runaway_template_shows_why_at_the_field(
    sqlite_container, live_app, browser, locale, width
):
    new = add_shop(sqlite_container, name="Чайники та Ко", locale="uk")
    make_staff(sqlite_container, new.shop.id, "owner@kettles.example")
    base = live_app(sqlite_container)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    try:
        sign_in(page, base)
        page.goto(base + "/admin/messages/email/placed/uk")
        page.fill("#part-txt", RUNAWAY)
        page.click("#save")
        alert = page.locator("p.err[data-part=txt]")
        assert REFUSAL[locale] in alert.inner_text()
        assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
        screenshot(page, f"editor-too-much-work-{locale}-{width}")
    finally:
        context.close()
