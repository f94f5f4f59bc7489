"""Short links in SMS and messengers: `/t/<code>` stored per order, redirecting to the page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.domain.sms import count_segments
from core.domain.statuses import Status
from core.rendering import Renderer, sample_facts
from core.services.shortlinks import CODE_LENGTH, code_for, link_facts
from core.storage.models import Notification, Order, Shop, ShortLink
from tests.conftest import add_shop, make_container
from tests.support.channels import push
from webapp.app import create_app

PUBLIC_URL = "https://track.example-shop.com.ua"
SHORT = re.compile(re.escape(PUBLIC_URL) + r"/t/([A-Za-z0-9]+)")
ALL_SMS = {status.value: {"sms": True, "email": True} for status in Status}


@pytest.fixture
def public(database_url):
    """A container with a realistic https public URL, as in production."""
    c = make_container(database_url, public_url=PUBLIC_URL)
    yield c
    c.engine.dispose()


def sms_shop(c, **settings):
    return add_shop(c, policy={"matrix": ALL_SMS}, country="UA", **settings)


def bodies(c, shop_id, channel):
    with c.session() as s:
        return s.scalars(
            select(Notification.body_text)
            .where(Notification.shop_id == shop_id, Notification.channel == channel)
            .order_by(Notification.id)
        ).all()


def test_sms_carries_a_short_link_that_opens_the_orders_page(public):
    new = sms_shop(public)
    push(public, new.shop.id, "e1", Status.PLACED)
    push(public, new.shop.id, "e2", Status.SHIPPED, 2)
    placed, shipped = bodies(public, new.shop.id, "sms")
    codes = {SHORT.search(placed).group(1), SHORT.search(shipped).group(1)}
    assert len(codes) == 1  # one code per order, reused by every message
    (code,) = codes
    assert len(code) == CODE_LENGTH and "/track/" not in shipped
    assert count_segments(shipped).segments == 2  # it was 3 with the signed link
    assert all("/track/" in body for body in bodies(public, new.shop.id, "email"))

    client = create_app(container=public).test_client()
    r = client.get(f"/t/{code}")
    assert r.status_code == 302 and r.headers["Cache-Control"] == "private, no-store"
    assert r.headers["Location"].startswith("/track/")
    page = client.get(r.headers["Location"], headers={"Accept-Language": "uk"})
    assert page.status_code == 200 and "#1001" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "This link does not work"),
        ("ru", "Эта ссылка не работает"),
        ("uk", "Це посилання не працює"),
    ],
)
def test_an_unknown_code_gets_the_lookup_form_with_a_friendly_line(container, language, words):
    client = create_app(container=container).test_client()
    for code in ("Zz9Zz9Zz", "short", "Zz9Zz9Zz9Zz", "Zz9-z9Zz"):
        r = client.get(f"/t/{code}", headers={"Accept-Language": language})
        page = r.get_data(as_text=True)
        assert r.status_code == 404 and words in page
        assert 'action="/track"' in page and 'name="number"' in page  # a way to find it


def test_a_code_opens_nothing_once_its_shop_stopped(container):
    new = sms_shop(container)
    push(container, new.shop.id, "e1", Status.PLACED)
    with container.session() as s, s.begin():
        order = s.scalars(select(Order)).one()
        code = code_for(s, new.shop.id, order.id)
        s.get(Shop, new.shop.id).active = False
    r = create_app(container=container).test_client().get(f"/t/{code}")
    assert r.status_code == 404


def test_codes_are_random_per_order_and_shop_scoped(container):
    a, b = sms_shop(container, name="A"), sms_shop(container, name="B")
    push(container, a.shop.id, "e1", Status.PLACED, order="1001")
    push(container, b.shop.id, "e1", Status.PLACED, order="1001")
    with container.session() as s, s.begin():
        orders = s.scalars(select(Order).order_by(Order.id)).all()
        codes = [code_for(s, o.shop_id, o.id) for o in orders]
        assert codes[0] != codes[1]
        assert code_for(s, orders[0].shop_id, orders[0].id) == codes[0]  # stored, not remade
        rows = s.scalars(select(ShortLink).order_by(ShortLink.id)).all()
        assert [(r.shop_id, r.order_id) for r in rows] == [(o.shop_id, o.id) for o in orders]


def test_short_link_guessing_is_rate_limited_per_ip(container):
    app = create_app(container=container)
    app.config["WISMO_LINK_LIMIT_IP"] = "3 per minute"
    client = app.test_client()
    statuses = [client.get(f"/t/Guess{i:03d}").status_code for i in range(4)]
    assert statuses == [404, 404, 404, 429]
    other = client.get("/t/Guess999", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 404  # another client is not held back


# Delayed and exception messages carry a free-text reason of any length: one more part.
ROOM = {"en": 1, "uk": 2, "ru": 2}
WITH_REASON = {Status.DELAYED, Status.EXCEPTION}


def test_every_sms_fits_its_segments_with_a_real_public_url(public):
    """en: one part each; uk/ru (UCS-2, 67 a part): two, with the shop's name and number."""
    new = sms_shop(public, name="Чайники та Ко")
    push(public, new.shop.id, "e1", Status.PLACED, order="10425")
    renderer = Renderer()
    with public.session() as s, s.begin():
        order = s.scalars(select(Order)).one()
        links = link_facts(s, public.links, new.shop.id, order.id)
    counts = {}
    for locale in ROOM:
        for status in Status:
            facts = {**sample_facts(status, locale), **links}
            facts["order"]["number"] = order.number
            text = renderer.render("sms", status, locale, facts).text
            assert PUBLIC_URL + "/t/" in text
            counts[locale, status] = count_segments(text).segments
    over = {
        key: n
        for key, n in counts.items()
        if n > ROOM[key[0]] + (1 if key[1] in WITH_REASON else 0)
    }
    assert over == {}
