"""A settings write refused inside a request answers 400 naming the field, and stores nothing."""

from __future__ import annotations

from core.services.shops import update_settings
from core.storage.models import Shop
from tests.conftest import add_shop
from webapp.app import create_app


def test_a_refused_setting_answers_400_naming_the_field(sqlite_container) -> None:
    shop_id = add_shop(sqlite_container).shop.id
    app = create_app(container=sqlite_container)

    @app.post("/api/v1/test-only/settings")
    def write_settings():  # type: ignore[no-untyped-def]
        with sqlite_container.session() as s, s.begin():
            update_settings(s.get(Shop, shop_id), policy={"debounce_seconds": -1})
        return {"saved": True}

    response = app.test_client().post("/api/v1/test-only/settings")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "invalid settings",
        "errors": {"policy.debounce_seconds": "Input should be greater than or equal to 0"},
    }
    with sqlite_container.session() as s:
        assert s.get(Shop, shop_id).settings["policy"]["debounce_seconds"] == 0
