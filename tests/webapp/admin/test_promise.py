"""Settings → Delivery promise: the owner sets cut-off, days, holidays and transit, sees the
learned figures beside the configured ones; in the staff member's language; owners only."""

from __future__ import annotations

from datetime import UTC, datetime

from core.storage.models import Shop

from .helpers import Admin


def test_an_owner_sets_the_warehouse_and_transit_and_sees_the_preview(
    app, container, owner, time_machine
):
    time_machine.move_to(datetime(2026, 12, 1, 8, 0, tzinfo=UTC), tick=False)  # a Tuesday
    admin = Admin(app, "owner@a.example")
    page = admin.get("/admin/promise").get_data(as_text=True)
    assert "Delivery promise" in page and "An order placed now" in page
    assert 'placeholder="2"' in page and 'placeholder="4"' in page  # any carrier's usual 2-4
    r = admin.post(
        "/admin/promise",
        {
            "enabled": "1",
            "cutoff": "12:00",
            "processing_days": "0",
            "working_days": ["0", "1", "2", "3", "4", "5"],
            "holidays_country": "pl",
            "learn": "1",
            "t-*-domestic-min": "1",
            "t-*-domestic-max": "3",
        },
    )
    assert r.status_code == 302
    with container.session() as s:
        stored = s.get(Shop, owner.shop.id).settings["promise"]
    assert stored == {
        "enabled": True,
        "cutoff": "12:00",
        "processing_days": 0,
        "working_days": [0, 1, 2, 3, 4, 5],
        "holidays_country": "PL",
        "rest_on_workday_holidays": False,
        "learn": True,
        "transit": {"*": {"domestic": [1, 3]}},
    }
    page = admin.get("/admin/promise").get_data(as_text=True)
    assert "Saved." in page
    # handed over today (before 12:00 UTC, no processing day), then 1-3 working days
    assert "arrives Wed, Dec 2 – Fri, Dec 4" in " ".join(page.split())
    assert "December 24, 2026" in page and "December 25, 2026" in page  # Polish Christmas


def test_wrong_values_are_refused_and_nothing_is_saved(app, container, owner):
    admin = Admin(app, "owner@a.example")
    admin.post(
        "/admin/promise", {"cutoff": "15:00", "processing_days": "1", "holidays_country": "XX"}
    )
    assert "No holiday calendar is known for the country XX" in admin.get(
        "/admin/promise"
    ).get_data(as_text=True)
    admin.post(
        "/admin/promise",
        {
            "cutoff": "15:00",
            "working_days": ["0"],
            "t-*-domestic-min": "5",
            "t-*-domestic-max": "2",
        },
    )
    admin.post("/admin/promise", {"cutoff": "25:00", "working_days": ["0"]})
    with container.session() as s:
        assert "promise" not in s.get(Shop, owner.shop.id).settings


def test_the_page_speaks_ukrainian_and_agents_cannot_see_it(app, owner):
    uk = {"Accept-Language": "uk-UA,uk;q=0.9"}
    page = Admin(app, "owner@a.example").get("/admin/promise", headers=uk).get_data(as_text=True)
    assert "Обіцянка доставки" in page and "Вивчено на ваших доставках" in page
    assert "понеділок" in page  # the weekdays in the staff member's language
    assert Admin(app, "agent@a.example").get("/admin/promise").status_code == 403


def test_every_string_of_the_page_is_translated_in_uk_and_ru():
    from webapp.admin.promise import TEXT

    for key, marked in TEXT.items():
        english = marked("en")
        for locale in ("uk", "ru"):
            assert marked(locale).strip() and marked(locale) != english, (key, locale)
