"""GET/POST /track: finding an order by number plus email or phone, uniform failures, limits."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from core.domain.statuses import Status
from core.services.lookup import find_order, normalize_phone, same_contact
from core.storage.models import TrackingVisit
from tests.conftest import add_shop
from webapp import create_app

from .orders import PEOPLE, push


@pytest.fixture
def shops(container):
    """Two shops, each with an order #1001 (different shoppers)."""
    a, b = add_shop(container, name="Shop A"), add_shop(container, name="Shop B")
    push(container, a.shop.id, "1001", Status.PLACED, customer=PEOPLE["ru"])
    push(container, b.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    return a, b


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def lookup(client, number, contact, **extra):
    return client.post("/track", data={"number": number, "contact": contact, **extra})


def test_phone_numbers_are_compared_normalised():
    assert normalize_phone("+380 (50) 123-45-67") == "+380501234567"
    assert same_contact("050 123 45 67", None, "+380501234567")  # national format, stored E.164
    assert same_contact("+380501234567", None, "+380 50 123 45 67")
    assert not same_contact("050 123 45 68", None, "+380501234567")
    assert same_contact(" Anna@Example.COM ", "anna@example.com", None)


@pytest.mark.parametrize("contact", ["anna@example.com", "ANNA@example.com", "050 123 45 67"])
def test_lookup_by_number_and_email_or_phone_opens_the_page(client, shops, contact):
    response = lookup(client, "#1001", contact)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Анна" in page.get_data(as_text=True)
    assert "Смирнова" not in page.get_data(as_text=True)  # first name only


def test_lookup_narrowed_to_one_shop_never_finds_another_shops_order(client, shops):
    a, b = shops
    assert lookup(client, "1001", "emma@example.com", shop=a.shop.key).status_code == 404
    assert lookup(client, "1001", "emma@example.com", shop=b.shop.key).status_code == 303


def test_failures_are_byte_identical_whatever_went_wrong(client, shops):
    a, _ = shops
    bodies = {
        "no such order": lookup(client, "9999", "anna@example.com"),
        "wrong email": lookup(client, "1001", "someone@example.com"),
        "wrong phone": lookup(client, "1001", "+380509999999"),
        "empty contact": lookup(client, "1001", ""),
    }
    assert {r.status_code for r in bodies.values()} == {404}
    # the number typed is kept in its field: apart from it, every failure is the same bytes
    same = {r.get_data().replace(b'value="9999"', b'value="1001"') for r in bodies.values()}
    assert len(same) == 1
    assert len({r.headers["Content-Security-Policy"] for r in bodies.values()}) == 1
    in_shop = [
        lookup(client, "1001", "emma@example.com", shop=a.shop.key),  # B's shopper, A's shop
        lookup(client, "1001", "nobody@example.com", shop=a.shop.key),
    ]
    assert in_shop[0].get_data() == in_shop[1].get_data()


def test_a_failed_lookup_keeps_the_number_but_not_the_email(client, shops):
    page = lookup(client, "#1001", "someone@example.com").get_data(as_text=True)
    assert (
        'name="number" required maxlength="64" autocomplete="off" inputmode="text" value="#1001"'
        in page
    )
    assert "someone@example.com" not in page
    hostile = lookup(client, '"><script>x</script>', "a@b.c").get_data(as_text=True)
    assert "<script>x" not in hostile and "&#34;&gt;&lt;script&gt;" in hostile


def test_a_miss_does_the_same_database_work_as_a_wrong_contact(container, shops):
    statements: list[str] = []
    event.listen(
        container.engine,
        "before_cursor_execute",
        lambda *args: args[2].startswith("BEGIN") or statements.append(args[2]),
    )
    with container.session() as s:
        find_order(s, "9999", "anna@example.com", None)
        missing = list(statements)
        statements.clear()
        find_order(s, "1001", "nobody@example.com", None)
    assert len(missing) == len(statements)
    assert missing[0] == statements[0]  # the same query, only the number differs


def test_lookups_are_rate_limited_per_order_number(container, shops):
    app = create_app(container=container)
    app.config.update(WISMO_LOOKUP_LIMIT_ORDER="3 per minute", WISMO_LOOKUP_LIMIT_IP="100/minute")
    client = app.test_client()
    for _ in range(3):
        assert lookup(client, "1001", "guess@example.com").status_code == 404
    blocked = lookup(client, "1001", "anna@example.com")  # even the right answer now waits
    assert blocked.status_code == 429
    assert "Слишком много попыток" in client.post(
        "/track", data={"number": "#1001", "contact": "x"}, headers={"Accept-Language": "ru"}
    ).get_data(as_text=True)
    assert lookup(client, "1002", "x@example.com").status_code == 404  # another order: allowed


def test_lookups_are_rate_limited_per_ip(container, shops):
    app = create_app(container=container)
    app.config.update(WISMO_LOOKUP_LIMIT_IP="4 per minute", WISMO_LOOKUP_LIMIT_ORDER="100/minute")
    client = app.test_client()
    for n in range(4):
        assert lookup(client, str(5000 + n), "x@example.com").status_code == 404
    assert lookup(client, "1001", "anna@example.com").status_code == 429
    other_ip = client.post(
        "/track",
        data={"number": "1001", "contact": "anna@example.com"},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert other_ip.status_code == 303


def test_limits_are_kept_in_redis_when_wismo_redis_url_is_set(
    request, database_url, redis_client, redis_url
):
    from tests.conftest import make_container

    c = make_container(database_url, redis_url=redis_url)
    request.addfinalizer(c.engine.dispose)
    a = add_shop(c)
    push(c, a.shop.id, "1001", Status.PLACED, customer=PEOPLE["ru"])
    app = create_app(container=c)
    app.config.update(WISMO_LOOKUP_LIMIT_ORDER="2 per minute")
    for _ in range(2):
        assert lookup(app.test_client(), "1001", "x@example.com").status_code == 404
    assert any(b"wismo-limits" in k for k in redis_client.keys("*"))
    # a second web process (a new app on the same Redis) sees the same count
    second = create_app(container=c)
    second.config.update(WISMO_LOOKUP_LIMIT_ORDER="2 per minute")
    assert lookup(second.test_client(), "1001", "anna@example.com").status_code == 429


def test_every_view_is_recorded_without_the_ip(container, client, shops):
    location = lookup(client, "1001", "anna@example.com").headers["Location"]
    client.get(location)
    client.get(location.split("?")[0])
    with container.session() as s:
        visits = s.scalars(select(TrackingVisit).order_by(TrackingVisit.id)).all()
    assert [v.source for v in visits] == ["lookup", "link"]
    assert len({v.visitor for v in visits}) == 1  # the same browser, counted as one shopper
    assert all("127.0.0.1" not in v.visitor and len(v.visitor) == 32 for v in visits)


def test_lookup_form_is_localised_and_branded(client, shops):
    a, _ = shops
    html = client.get(f"/track?shop={a.shop.key}", headers={"Accept-Language": "uk"}).get_data(
        as_text=True
    )
    assert "Де моє замовлення?" in html and "Shop A" in html and 'lang="uk"' in html
    assert f'name="shop" value="{a.shop.key}"' in html


def test_behind_a_proxy_each_client_gets_its_own_ip_limit(container, shops, monkeypatch):
    monkeypatch.setenv("WISMO_PROXY_HOPS", "1")
    app = create_app(container=container)
    app.config.update(WISMO_LOOKUP_LIMIT_IP="2 per minute", WISMO_LOOKUP_LIMIT_ORDER="100/minute")
    client = app.test_client()

    def from_ip(ip):
        return client.post(
            "/track", data={"number": "77", "contact": "x"}, headers={"X-Forwarded-For": ip}
        ).status_code

    assert [from_ip("203.0.113.1") for _ in range(3)] == [404, 404, 429]
    assert from_ip("203.0.113.2") == 404  # another shopper behind the same proxy
