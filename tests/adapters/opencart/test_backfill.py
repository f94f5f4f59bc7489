"""`wismo backfill` for OpenCart: Wismo pulls the open orders from the module, signed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.errors import InvalidSignature
from core.signing import verify
from core.storage.models import Notification, Order
from tests.conftest import add_shop
from wismo.backfill import run_backfill

from .helpers import push_body


@pytest.fixture
def oc_shop(container, http_stub):
    return add_shop(container, platform="opencart", name="Kettles", store_url=http_stub.url + "/")


def module_route(http_stub, secret, orders, per_page=2):
    """The 3.0 module's orders route: checks Wismo's signature, pages the open orders."""
    seen = []

    def handler(req):
        if req.query.get("route") != ["extension/module/wismo/orders"]:
            return (200, {"Content-Type": "text/html"}, "<html>OpenCart page not found</html>")
        try:
            verify(secret, dict(req.headers), req.body)
        except InvalidSignature:
            return (401, {"Content-Type": "application/json"}, {"error": "invalid signature"})
        query = req.json()
        seen.append(query)
        page = orders[(query["page"] - 1) * per_page : query["page"] * per_page]
        body = {"total": len(orders), "per_page": per_page, "orders": page}
        return (200, {"Content-Type": "application/json"}, body)

    http_stub.route("POST", "/index.php", handler=handler)
    return seen


def test_backfill_imports_the_open_orders_quietly(container, oc_shop, http_stub, capsys):
    orders = [
        push_body(status_id=2, status="Processing", id=str(n), comment="")["order"]
        for n in (41, 42, 43)
    ]
    seen = module_route(http_stub, oc_shop.webhook_secret, orders)
    run_backfill(container, oc_shop.shop.key, days=30)
    assert [q["page"] for q in seen] == [1, 2]
    since = datetime.fromtimestamp(seen[0]["since"], UTC)
    assert 29 <= (datetime.now(UTC) - since).days <= 30
    with container.session() as s:
        statuses = dict(s.execute(select(Order.external_id, Order.status)).all())
        sent = s.scalar(select(func.count()).select_from(Notification))
    assert statuses == {"41": "processing", "42": "processing", "43": "processing"}
    assert sent == 0  # the widget now knows them; nobody gets a belated message
    assert "3 event(s) imported" in capsys.readouterr().out
    run_backfill(container, oc_shop.shop.key, days=30)
    assert "0 event(s) imported, 3 already known" in capsys.readouterr().out


def test_a_store_with_an_old_module_says_what_to_do(container, oc_shop, http_stub):
    http_stub.route(
        "POST", "/index.php", handler=lambda req: (200, {"Content-Type": "text/html"}, "<html>")
    )
    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="update the Wismo module"):
        run_backfill(container, oc_shop.shop.key, days=30)


def test_the_pull_is_signed_with_the_shops_secret(container, oc_shop, http_stub):
    module_route(http_stub, "whsec_" + "QUFB" * 8, [])  # the store has another secret
    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="check the secret"):
        run_backfill(container, oc_shop.shop.key, days=30)
