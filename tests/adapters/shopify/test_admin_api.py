"""The GraphQL Admin API played by a local stub: refresh before expiry, throttling,
reconciliation and backfill (paginated), with the exact requests Shopify documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from adapters.shopify import ShopifyAdapter
from adapters.shopify.api import ShopifyApi, ShopifyApiError, Tokens, throttle_wait
from adapters.shopify.tokens import load_tokens
from core.storage.models import Notification, Order, Shop
from tests.adapters.shopify.conftest import API_KEY, DOMAIN, SECRET, install
from tests.support.ticks import reconcile_tick

pytestmark = pytest.mark.integration
GRAPHQL = "/admin/api/2026-10/graphql.json"
TOKEN = "/admin/oauth/access_token"


def cost(available: float = 990.0, requested: int = 52) -> dict:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": 12,
            "throttleStatus": {
                "maximumAvailable": 2000.0,
                "currentlyAvailable": available,
                "restoreRate": 100.0,
            },
        }
    }


THROTTLED = {
    "errors": [
        {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ],
    "extensions": cost(available=2.0, requested=52),
}


def node(order_id: int, updated: str, *, paid: bool = False, fulfillments=()) -> dict:
    return {
        "id": f"gid://shopify/Order/{order_id}",
        "name": f"#{order_id}",
        "createdAt": "2026-11-20T08:00:00Z",
        "updatedAt": updated,
        "cancelledAt": None,
        "cancelReason": None,
        "displayFinancialStatus": "PAID" if paid else "PENDING",
        "customerLocale": "ru",
        "statusPageUrl": f"https://{DOMAIN}/orders/{order_id}",
        "email": f"shopper{order_id}@example.com",
        "phone": None,
        "currentTotalPriceSet": {"presentmentMoney": {"amount": "120.00", "currencyCode": "EUR"}},
        "customer": {
            "id": f"gid://shopify/Customer/{order_id}0",
            "firstName": "Ira",
            "lastName": "K",
        },
        "lineItems": {
            "nodes": [
                {
                    "name": "Tea",
                    "currentQuantity": 2,
                    "sku": "T1",
                    "originalUnitPriceSet": {"presentmentMoney": {"amount": "60.00"}},
                }
            ]
        },
        "fulfillments": list(fulfillments),
    }


def fulfillment_node(fid: int, updated: str, display: str = "IN_TRANSIT") -> dict:
    return {
        "id": f"gid://shopify/Fulfillment/{fid}",
        "status": "SUCCESS",
        "displayStatus": display,
        "updatedAt": updated,
        "estimatedDeliveryAt": "2026-11-25T12:00:00Z",
        "trackingInfo": [
            {
                "company": "Nova Poshta",
                "number": "20450000000001",
                "url": "https://novaposhta.ua/tracking/?cargo_number=20450000000001",
            }
        ],
        "fulfillmentLineItems": {
            "nodes": [{"quantity": 2}],
            "pageInfo": {"hasNextPage": False, "endCursor": None},
        },
    }


def page(nodes: list[dict], cursor: str | None) -> dict:
    return {
        "data": {
            "orders": {
                "nodes": nodes,
                "pageInfo": {"hasNextPage": cursor is not None, "endCursor": cursor},
            }
        },
        "extensions": cost(),
    }


def test_throttle_wait_reads_the_cost_extension():
    assert throttle_wait(THROTTLED) == pytest.approx(0.5)  # (52 - 2) / 100
    assert throttle_wait({"data": {}}) is None


def test_graphql_waits_out_throttling_and_sends_the_documented_request(http_stub):
    http_stub.route("POST", GRAPHQL, responses=[(200, {}, THROTTLED), (200, {}, page([], None))])
    waits: list[float] = []
    api = ShopifyApi(API_KEY, SECRET, http=_rebased(http_stub), sleep=waits.append)
    data = api.graphql(DOMAIN, "shpat_x", "query { shop { name } }", {"first": 1})
    assert data["orders"]["nodes"] == []
    assert waits == [pytest.approx(0.5)]
    first, second = http_stub.requests_to("POST", GRAPHQL)
    assert first.headers["Host"] == DOMAIN
    assert first.headers["X-Shopify-Access-Token"] == "shpat_x"
    assert first.headers["Content-Type"] == "application/json"
    assert first.json() == {"query": "query { shop { name } }", "variables": {"first": 1}}


def test_graphql_gives_up_after_staying_throttled(http_stub):
    http_stub.route("POST", GRAPHQL, json=THROTTLED)
    api = ShopifyApi(API_KEY, SECRET, http=_rebased(http_stub), sleep=lambda s: None)
    with pytest.raises(ShopifyApiError, match="throttled"):
        api.graphql(DOMAIN, "shpat_x", "query { shop { name } }", {})


def test_a_token_about_to_expire_is_refreshed_first_and_the_new_pair_stored(
    shopify_container, http_stub
):
    c = shopify_container
    shop_id = install(c, expires_in=timedelta(seconds=30))
    http_stub.route(
        "POST",
        TOKEN,
        json={
            "access_token": "shpat_new",
            "expires_in": 3600,
            "refresh_token": "shprt_new",
            "refresh_token_expires_in": 7776000,
            "scope": "read_orders",
        },
    )
    http_stub.route("POST", GRAPHQL, json=page([], None))
    with c.session() as s:
        shop = s.get(Shop, shop_id)
        list(ShopifyAdapter.reconcile(c, shop))
        s.commit()
    (refresh,) = http_stub.requests_to("POST", TOKEN)
    assert refresh.headers["Host"] == DOMAIN
    assert refresh.json() == {
        "client_id": API_KEY,
        "client_secret": SECRET,
        "grant_type": "refresh_token",
        "refresh_token": "shprt_old_refresh",
    }
    (query,) = http_stub.requests_to("POST", GRAPHQL)
    assert query.headers["X-Shopify-Access-Token"] == "shpat_new"
    with c.session() as s:
        tokens = load_tokens(c.box, s.get(Shop, shop_id))
    assert (tokens.access_token, tokens.refresh_token) == ("shpat_new", "shprt_new")
    assert tokens.expires > datetime.now(UTC) + timedelta(minutes=50)


def test_a_fresh_token_is_used_as_it_is(shopify_container, http_stub):
    c = shopify_container
    shop_id = install(c, expires_in=timedelta(minutes=50))
    http_stub.route("POST", GRAPHQL, json=page([], None))
    with c.session() as s:
        list(ShopifyAdapter.reconcile(c, s.get(Shop, shop_id)))
    assert http_stub.requests_to("POST", TOKEN) == []
    (query,) = http_stub.requests_to("POST", GRAPHQL)
    assert query.headers["X-Shopify-Access-Token"] == "shpat_old_access"


def test_reconciliation_feeds_missed_orders_page_by_page_and_advances_its_cursor(
    shopify_container, http_stub, monkeypatch, time_machine
):
    # the first run reads the last day: the orders below were updated within it
    time_machine.move_to(datetime(2026, 11, 21, 13, 0, tzinfo=UTC), tick=False)
    c = shopify_container
    shop_id = install(c)
    # within the first run's window (a day back), whatever day the suite runs
    hour = (datetime.now(UTC) - timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    t10, t11, t12 = ((hour + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ") for h in (0, 1, 2))
    pages = [
        (200, {}, THROTTLED),
        (200, {}, page([node(101, t10)], "cursor-1")),
        (
            200,
            {},
            page(
                [
                    node(
                        102,
                        t11,
                        paid=True,
                        fulfillments=[fulfillment_node(9, t12)],
                    )
                ],
                None,
            ),
        ),
    ]
    http_stub.route("POST", GRAPHQL, responses=pages)
    import adapters.shopify.api as api_module

    waits: list[float] = []
    monkeypatch.setattr(api_module, "pause", waits.append)  # record the back-off, skip the wait
    report = reconcile_tick(c)
    assert (report.shops, report.failed) == (1, 0)
    assert report.accepted == 3  # order 101, order 102, order 102's parcel
    assert waits and waits[0] == pytest.approx(0.5)
    requests = http_stub.requests_to("POST", GRAPHQL)
    assert [r.json()["variables"]["after"] for r in requests] == [None, None, "cursor-1"]
    assert requests[0].json()["variables"]["query"].startswith("updated_at:>=")
    assert requests[0].json()["variables"]["first"] == 50
    with c.session() as s:
        shop = s.get(Shop, shop_id)
        assert shop.state["shopify"]["reconcile_cursor"] == (hour + timedelta(hours=1)).isoformat()
        orders = {o.external_id: o for o in s.scalars(select(Order))}
        assert orders["102"].shipments[0].carrier == "Nova Poshta"
        assert orders["102"].status == "in_transit"
        assert orders["101"].locale == "ru"
        assert s.scalar(select(func.count()).select_from(Notification)) > 0  # missed news is sent

    # the next run starts from the cursor and finds nothing new to add
    http_stub.clear()
    http_stub.route("POST", GRAPHQL, json=page([node(102, t11, paid=True)], None))
    again = reconcile_tick(c, now=datetime.now(UTC) + timedelta(hours=1))
    assert (again.accepted, again.duplicates) == (0, 1)
    (req,) = http_stub.requests_to("POST", GRAPHQL)
    overlap = (hour + timedelta(minutes=55)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert overlap in req.json()["variables"]["query"]  # cursor minus overlap


def test_backfill_imports_open_orders_of_60_days_silently_with_progress(
    shopify_container, http_stub, capsys
):
    c = shopify_container
    install(c)

    def answer(req):
        body = req.json()
        if "ordersCount" in body["query"]:
            return 200, {}, {"data": {"ordersCount": {"count": 2}}, "extensions": cost()}
        if body["variables"]["after"] is None:
            return 200, {}, page([node(201, "2026-11-01T10:00:00Z")], "c1")
        return 200, {}, page([node(202, "2026-11-02T10:00:00Z", paid=True)], None)

    http_stub.route("POST", GRAPHQL, handler=answer)
    from wismo.backfill import run_backfill

    with c.session() as s:
        key = s.scalars(select(Shop.key)).one()
    run_backfill(c, key, 60)
    assert "2 event(s) imported" in capsys.readouterr().out
    count_query = http_stub.requests_to("POST", GRAPHQL)[0].json()["variables"]["query"]
    since = (datetime.now(UTC) - timedelta(days=60)).strftime("%Y-%m-%d")
    assert count_query.startswith(f"status:open created_at:>='{since}")
    with c.session() as s:
        statuses = dict(s.execute(select(Order.external_id, Order.status)).all())
        assert statuses == {"201": "placed", "202": "processing"}
        assert s.scalar(select(func.count()).select_from(Notification)) == 0  # old news: no mail


def _rebased(http_stub):
    import httpx

    from adapters.shopify.api import Rebase

    return httpx.Client(transport=Rebase(http_stub.url))


def test_shopifyapp_decides_when_to_refresh_from_the_real_expiry(shopify_container, http_stub):
    """Its README: call refresh_token_exchanged_access_token, add no checks of your own."""
    c = shopify_container
    shop_id = install(c, expires_in=timedelta(minutes=3))  # inside our old 5-minute margin
    http_stub.route("POST", GRAPHQL, json=page([], None))
    with c.session() as s:
        list(ShopifyAdapter.reconcile(c, s.get(Shop, shop_id)))
    assert http_stub.requests_to("POST", TOKEN) == []  # still good for more than a minute
    (query,) = http_stub.requests_to("POST", GRAPHQL)
    assert query.headers["X-Shopify-Access-Token"] == "shpat_old_access"


def test_an_expired_refresh_token_asks_for_a_reinstall_without_calling_shopify(
    shopify_container, http_stub
):
    api = ShopifyApi(API_KEY, SECRET, http=_rebased(http_stub))
    now = datetime.now(UTC)
    stale = Tokens("a", "r", now - timedelta(minutes=1), now - timedelta(days=1))
    with pytest.raises(ShopifyApiError, match="refresh_token_expired"):
        api.refresh(DOMAIN, stale)
    assert http_stub.requests_to("POST", TOKEN) == []


# --- issue 17: throttling, cost, protected data, big orders, one FAILURE mapping ----------


def test_an_empty_bucket_is_waited_for_not_read_as_full(http_stub):
    empty = {**page([], None), "extensions": cost(available=0.0, requested=52)}
    http_stub.route("POST", GRAPHQL, json=empty)
    waits: list[float] = []
    api = ShopifyApi(API_KEY, SECRET, http=_rebased(http_stub), sleep=waits.append)
    api.graphql(DOMAIN, "shpat_x", "query { shop { name } }", {})
    assert waits == [pytest.approx(0.52)]  # 52 points at 100 a second


MAX_COST = {
    "errors": [
        {
            "message": "Query cost is 1452, which exceeds the single query max cost limit (1000).",
            "extensions": {"code": "MAX_COST_EXCEEDED", "cost": 1452, "maxCost": 1000},
        }
    ]
}


def test_a_page_over_the_max_cost_is_asked_again_smaller_and_costs_are_logged(
    shopify_container, http_stub, caplog
):
    c = shopify_container
    shop_id = install(c)

    def answer(req):
        first = req.json()["variables"]["first"]
        return (200, {}, MAX_COST if first > 12 else page([], None))

    http_stub.route("POST", GRAPHQL, handler=answer)
    caplog.set_level("INFO", logger="adapters.shopify.sync")
    with c.session() as s:
        list(ShopifyAdapter.reconcile(c, s.get(Shop, shop_id)))
    sizes = [r.json()["variables"]["first"] for r in http_stub.requests_to("POST", GRAPHQL)]
    assert sizes == [50, 25, 12]
    assert "1 queries, requested cost 52, actual cost 12" in caplog.text


def test_protected_fields_refused_leave_the_rest_and_are_told_to_the_merchant(
    shopify_container, http_stub, client
):
    c = shopify_container
    shop_id = install(c)
    order = node(301, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), paid=True)
    order.update(
        email=None,
        phone=None,
        customer={"id": order["customer"]["id"], "firstName": None, "lastName": None},
    )
    denied = {
        **page([order], None),
        "errors": [
            {
                "message": f"Access denied for {field} field.",
                "path": ["orders", "nodes", 0, *path],
                "extensions": {"code": "ACCESS_DENIED"},
            }
            for field, path in (
                ("email", ["email"]),
                ("phone", ["phone"]),
                ("firstName", ["customer", "firstName"]),
            )
        ],
    }
    http_stub.route("POST", GRAPHQL, json=denied)
    report = reconcile_tick(c)
    assert (report.failed, report.accepted) == (0, 1)  # the order came through without them
    with c.session() as s:
        shop = s.get(Shop, shop_id)
        assert shop.state["shopify"]["protected_fields_denied"] == ["email", "firstName", "phone"]
        assert s.scalars(select(Order)).one().status == "processing"
    from tests.adapters.shopify.test_auth import session_token

    for locale, words in (
        ("en", "protected customer data"),
        ("uk", "захищених даних"),
        ("ru", "защищённым данным"),
    ):
        html = client.get(
            f"/shopify/app?id_token={session_token()}&shop={DOMAIN}&embedded=1&locale={locale}"
        ).get_data(as_text=True)
        notice = html.split('id="protected-data"')[1].split("</p>")[0]
        assert words in notice and "email" in notice and "firstName" not in notice, locale
        names = {
            "en": "email, name, phone",
            "uk": "email, ім&#39;я, телефон",
            "ru": "email, имя, телефон",
        }
        assert names[locale] in notice


def test_big_orders_are_read_to_the_end_with_current_quantities(shopify_container, http_stub):
    c = shopify_container
    shop_id = install(c)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parcels = [fulfillment_node(900 + i, now, display="IN_TRANSIT") for i in range(20)]
    parcels[0]["fulfillmentLineItems"]["pageInfo"] = {"hasNextPage": True, "endCursor": "f1"}
    order = node(401, now, paid=True, fulfillments=parcels)
    order["lineItems"] = {
        "nodes": [{"name": f"Cup {i}", "currentQuantity": 1, "sku": None} for i in range(50)],
        "pageInfo": {"hasNextPage": True, "endCursor": "l1"},
    }

    def answer(req):
        body = req.json()
        name = body["query"].split("query ", 1)[1].split("(", 1)[0]
        if name == "WismoOrders":
            return 200, {}, page([order], None)
        if name == "WismoLineItems":
            assert body["variables"] == {"id": order["id"], "after": "l1"}
            more = [
                {"name": "Saucer", "currentQuantity": 3},
                {"name": "Removed", "currentQuantity": 0},
            ]
            done = {"hasNextPage": False, "endCursor": None}
            return 200, {}, {"data": {"order": {"lineItems": {"nodes": more, "pageInfo": done}}}}
        if name == "WismoFulfillments":
            extra = fulfillment_node(999, now, display="FAILURE")
            return 200, {}, {"data": {"order": {"fulfillments": [*parcels, extra]}}}
        assert name == "WismoFulfillmentItems" and body["variables"]["after"] == "f1"
        items = {"nodes": [{"quantity": 5}], "pageInfo": {"hasNextPage": False}}
        return 200, {}, {"data": {"fulfillment": {"fulfillmentLineItems": items}}}

    http_stub.route("POST", GRAPHQL, handler=answer)
    with c.session() as s:
        events = list(ShopifyAdapter.reconcile(c, s.get(Shop, shop_id)))
    first = events[0]
    assert len(first.items) == 51  # 50 + the saucer; the removed line is not coming
    assert first.items[-1] == {"name": "Saucer", "quantity": 3, "price": None, "sku": None}
    parcels_seen = {e.shipment.id: e for e in events[1:]}
    assert len(parcels_seen) == 21
    assert parcels_seen["900"].shipment.items_count == 7  # 2 on the first page, 5 after
    assert parcels_seen["999"].status == "exception"  # FAILURE: as the webhook maps it
