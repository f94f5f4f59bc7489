"""The tracking page's content and forms: FAQ, promotions, preferences, feedback, problems."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.domain.statuses import Status
from core.services.shops import update_settings
from core.storage.models import (
    Feedback,
    Notification,
    OptOut,
    ProblemReport,
    Shop,
    TrackingVisit,
)
from tests.conftest import add_shop
from webapp import create_app

from .orders import PEOPLE, XSS, order_in, push, track_path


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def test_page_shows_status_timeline_parcel_items_and_support(container, client):
    shop = add_shop(container, branding={"support_email": "help@shop.example"})
    order_id = order_in(
        container,
        shop.shop.id,
        "1001",
        "progress",
        "en",
        items=[{"name": "Gooseneck kettle", "quantity": 1, "price": "89.00"}],
        currency="EUR",
    )
    html = client.get(track_path(container, shop.shop.id, order_id)).get_data(as_text=True)
    for text in (
        "In transit",
        "Nova Poshta",
        "20450012345678",
        "Gooseneck kettle",
        "help@shop.example",
        "Emma",
        "Questions and answers",
        "November 24, 2026",
        'href="https://novaposhta.ua/tracking/?cargo_number=20450012345678"',
    ):
        assert text in html, text
    assert "Clarke" not in html and "emma@example.com" not in html  # first name only
    assert html.count("<time") == 4  # placed, processing, shipped, in transit, each with a time


def test_a_delay_shows_its_reason_and_new_date(container, client):
    shop = add_shop(container)
    order_id = order_in(container, shop.shop.id, "1001", "problem", "uk")
    html = client.get(track_path(container, shop.shop.id, order_id)).get_data(as_text=True)
    assert "Шторм на складі" in html and "27 листопада 2026" in html
    assert "Нова орієнтовна дата" in html


def test_merchant_faq_and_promotions_replace_the_defaults(container, client):
    shop = add_shop(
        container,
        branding={
            "faq": {"ru": [{"q": "Есть ли самовывоз?", "a": "Да, на Дерибасовской."}]},
            "promotions": {
                "title": {"ru": "Скидка на следующий заказ", "en": "Next order discount"},
                "code": "CHAI10",
                "products": [
                    {"name": "Улун", "url": "https://shop.example/oolong"},
                    {"name": "Bad", "url": "javascript:alert(1)"},
                ],
            },
        },
    )
    order_id = order_in(container, shop.shop.id, "1001", "progress", "ru")
    html = client.get(track_path(container, shop.shop.id, order_id)).get_data(as_text=True)
    assert "Есть ли самовывоз?" in html and "Когда придёт мой заказ?" not in html
    assert "Скидка на следующий заказ" in html and "CHAI10" in html
    assert 'href="https://shop.example/oolong"' in html and "javascript:" not in html


@pytest.mark.parametrize(
    "settings",
    [
        {"promotions": {"text": "10% off", "products": [{"name": "Sale", "url": "https://s.ex/"}]}},
        {
            "branding": {
                "promotions": [{"text": "10% off"}, {"text": "Sale", "url": "https://s.ex/"}]
            }
        },
    ],
    ids=["top-level", "list-of-lines"],
)
def test_promotions_stored_in_older_shapes_still_show(container, client, settings):
    shop = add_shop(container, **settings)
    order_id = order_in(container, shop.shop.id, "1001", "progress", "en")
    html = client.get(track_path(container, shop.shop.id, order_id)).get_data(as_text=True)
    assert "10% off" in html and 'href="https://s.ex/"' in html


def test_names_with_html_are_shown_as_text(container, client):
    shop = add_shop(container)
    customer = PEOPLE["en"].__class__(name=XSS + " Smith", email="x@example.com", locale="en")
    order_id = push(
        container,
        shop.shop.id,
        "1001",
        Status.PLACED,
        customer=customer,
        items=[{"name": XSS, "quantity": 1, "price": "1.00"}],
    )
    html = client.get(track_path(container, shop.shop.id, order_id)).get_data(as_text=True)
    assert "<script>window.pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html


def test_an_sms_opt_out_on_the_page_stops_sms(container, client):
    shop = add_shop(container, policy={"matrix": {s.value: {"sms": True} for s in Status}})
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["ru"])
    path = track_path(container, shop.shop.id, order_id)
    html = client.get(path).get_data(as_text=True)
    assert 'value="sms" checked' in html and 'value="email" checked' in html
    kept = ["email", "email_optional"]
    asked = client.post(path + "/preferences", data={"channel": kept})  # a confirmation first
    assert asked.status_code == 200 and "подтвердите" in asked.get_data(as_text=True)
    with container.session() as s:
        assert s.scalars(select(OptOut.channel)).all() == []
    saved = client.post(path + "/preferences", data={"channel": kept, "confirm": "1"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#preferences")
    assert "Настройки сохранены" in client.get(saved.headers["Location"]).get_data(as_text=True)
    with container.session() as s:
        assert s.scalars(select(OptOut.channel)).all() == ["sms"]
    push(container, shop.shop.id, "1001", Status.SHIPPED, 5)
    with container.session() as s:
        shipped = dict(
            s.execute(
                select(Notification.channel, Notification.state).where(
                    Notification.status == "shipped"
                )
            ).all()
        )
    assert shipped == {"email": "sent"}  # no sms planned for the shopper who stopped it
    on = ["email", "email_optional", "sms"]
    client.post(path + "/preferences", data={"channel": on})  # and back on
    with container.session() as s:
        assert s.scalars(select(OptOut)).all() == []


def test_feedback_after_delivery_is_stored_and_can_be_changed(container, client):
    shop = add_shop(container)
    order_id = order_in(container, shop.shop.id, "1001", "delivered", "uk")
    path = track_path(container, shop.shop.id, order_id)
    assert 'id="feedback"' in client.get(path).get_data(as_text=True)
    assert client.post(path + "/feedback", data={"rating": "9"}).status_code == 400
    done = client.post(path + "/feedback", data={"rating": "4", "comment": "Швидко!"})
    assert done.status_code == 303
    assert "Дякуємо за відгук" in client.get(done.headers["Location"]).get_data(as_text=True)
    client.post(path + "/feedback", data={"rating": "5", "comment": ""})
    with container.session() as s:
        (row,) = s.scalars(select(Feedback)).all()
    assert (row.rating, row.comment, row.order_id) == (5, None, order_id)


def test_no_feedback_before_delivery(container, client):
    shop = add_shop(container)
    order_id = order_in(container, shop.shop.id, "1001", "progress", "en")
    path = track_path(container, shop.shop.id, order_id)
    assert 'id="feedback"' not in client.get(path).get_data(as_text=True)
    assert client.post(path + "/feedback", data={"rating": "5"}).status_code == 400
    with container.session() as s:
        assert s.scalars(select(Feedback)).all() == []


def test_delivered_messages_link_to_the_feedback_form(container):
    shop = add_shop(container)
    order_in(container, shop.shop.id, "1001", "delivered", "ru")
    with container.session() as s:
        note = s.scalar(select(Notification).where(Notification.status == "delivered"))
    assert "#feedback" in note.body_text and "#feedback" in note.body_html


def test_a_problem_report_reaches_the_merchant_by_email(container, client, smtp_server):
    shop = add_shop(container, branding={"support_email": "support@shop.example"})
    with container.session() as s:
        update_settings(
            s.get(Shop, shop.shop.id),
            channels={
                "email": [{"provider": "smtp", "url": smtp_server.url + "?from=wismo@shop.example"}]
            },
        )
        s.commit()
    order_id = order_in(container, shop.shop.id, "1001", "progress", "en")
    path = track_path(container, shop.shop.id, order_id)
    sent = client.post(
        path + "/problem",
        data={"kind": "change_address", "message": "Please deliver to my office " + XSS},
    )
    assert sent.status_code == 303
    mails = [m for m in smtp_server.wait_for(1) if m.rcpt_tos == ["support@shop.example"]]
    assert mails and "#1001" in mails[0].message["Subject"]
    assert "deliver to my office" in mails[0].message.get_body(("plain",)).get_content()
    with container.session() as s:
        (report,) = s.scalars(select(ProblemReport)).all()
    assert report.kind == "change_address" and report.forwarded_at is not None
    assert report.forward_error is None


def test_a_problem_report_reaches_the_merchants_webhook(container, client, http_stub):
    http_stub.route("POST", "/hook", status=200)
    shop = add_shop(container)
    with container.session() as s:
        row = s.get(Shop, shop.shop.id)
        update_settings(
            row, channels={"webhook": [{"provider": "webhook", "url": http_stub.url_for("/hook")}]}
        )
        sealed = container.box.open(row.secrets)
        row.secrets = container.box.seal(
            {**sealed, "channels": {"webhook": [{"secret": shop.webhook_secret}]}}
        )
        s.commit()
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["uk"])
    http_stub.clear()
    http_stub.route("POST", "/hook", status=200)
    client.post(
        track_path(container, shop.shop.id, order_id) + "/problem",
        data={"kind": "damaged", "message": "Кришка тріснула"},
    )
    (req,) = http_stub.wait_for(1)
    body = req.json()
    assert body["type"] == "order.problem_reported"
    assert body["data"]["kind"] == "damaged" and body["data"]["order_number"] == "#1001"
    assert "Кришка тріснула" in body["data"]["text"]
    assert req.headers["webhook-signature"].startswith("v1,")


def test_an_empty_problem_report_is_refused(container, client):
    shop = add_shop(container)
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    response = client.post(
        track_path(container, shop.shop.id, order_id) + "/problem", data={"message": " "}
    )
    assert response.status_code == 400 and "a few words" in response.get_data(as_text=True)


def test_forms_with_a_forged_token_are_404(client):
    for form in ("preferences", "feedback", "problem"):
        assert client.post(f"/track/forged.token/{form}", data={"rating": 5}).status_code == 404


def test_a_link_naming_one_shop_never_opens_another_shops_order(container, client):
    a, b = add_shop(container, name="Shop A"), add_shop(container, name="Shop B")
    push(container, a.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    b_order = push(container, b.shop.id, "2002", Status.PLACED, customer=PEOPLE["ru"])
    forged = track_path(container, a.shop.id, b_order)  # validly signed, but A never had it
    assert client.get(forged).status_code == 404
    for form in ("preferences", "feedback", "problem"):
        assert client.post(f"{forged}/{form}", data={"message": "hello"}).status_code == 404
    assert client.get(track_path(container, b.shop.id, b_order)).status_code == 200


def test_linked_messengers_can_be_switched_off_too(container):
    from core.services.contacts import opted_out_channels
    from core.services.shopper import preferences, set_preferences
    from core.storage.models import ContactChannel, Order

    shop = add_shop(container, policy={"matrix": {"shipped": {"whatsapp": True}}})
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["uk"])
    with container.session() as s:
        order = s.get(Order, order_id)
        s.add(
            ContactChannel(
                shop_id=shop.shop.id,
                customer_id=order.customer_id,
                channel="telegram",
                address="chat-42",
            )
        )
        s.commit()
        row = s.get(Shop, shop.shop.id)
        offered = [p.channel for p in preferences(s, row, order.customer)]
        assert offered == ["email", "email_optional", "sms", "whatsapp", "telegram"]
        set_preferences(s, row, order.customer, {"email", "email_optional", "sms"})
        s.commit()
        assert opted_out_channels(s, shop.shop.id, order.customer) == {"whatsapp", "telegram"}


def test_adapters_show_the_page_through_show_order(container):
    from webapp.tracking import show_order

    shop = add_shop(container)
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    other = add_shop(container, name="Other")
    app = create_app(container=container)
    with app.test_request_context("/apps/wismo/order"):
        response = show_order(shop.shop.id, order_id)
        assert response.status_code == 200 and b"Order placed" in response.data
        assert show_order(other.shop.id, order_id)[1] == 404
    with container.session() as s:
        assert s.scalars(select(TrackingVisit.source)).all() == ["proxy"]


def test_progress_emails_can_be_stopped_while_confirmations_still_come(container, client):
    from core.services.contacts import opted_out_channels
    from core.storage.models import Order

    shop = add_shop(container)
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["uk"])
    path = track_path(container, shop.shop.id, order_id)
    html = client.get(path).get_data(as_text=True)
    assert 'value="email_optional" checked' in html
    assert "Листи про хід доставки" in html
    client.post(path + "/preferences", data={"channel": ["email", "sms"], "confirm": "1"})
    with container.session() as s:
        customer = s.get(Order, order_id).customer
        assert opted_out_channels(s, shop.shop.id, customer) == {"email_optional"}


@pytest.mark.parametrize(
    "locale, words",
    [
        ("en", ["You are switching off:", "Yes, stop these messages"]),
        ("uk", ["Ви вимикаєте:", "Так, вимкнути ці повідомлення"]),
        ("ru", ["Вы отключаете:", "Да, отключить эти сообщения"]),
    ],
)
def test_an_opt_out_from_a_tracking_link_is_confirmed_before_it_is_saved(
    container, client, locale, words
):
    """A forwarded link cannot silently stop the shopper's messages: one click is not enough."""
    shop = add_shop(container)
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE[locale])
    path = track_path(container, shop.shop.id, order_id)
    everything_off = client.post(path + "/preferences", data={})
    html = everything_off.get_data(as_text=True)
    assert everything_off.status_code == 200
    for word in words:
        assert word in html
    assert 'name="confirm" value="1"' in html
    assert 'value="email" checked' not in html  # the form shows what would be off
    with container.session() as s:
        assert s.scalars(select(OptOut)).all() == []  # nothing stopped yet
    # switching channels back on, or saving what is already on, needs no confirmation
    on = client.post(path + "/preferences", data={"channel": ["email", "email_optional", "sms"]})
    assert on.status_code == 303
    done = client.post(path + "/preferences", data={"confirm": "1"})
    assert done.status_code == 303
    with container.session() as s:
        assert sorted(s.scalars(select(OptOut.channel))) == ["email", "email_optional", "sms"]


def test_problem_reports_are_limited_per_order_and_per_ip(container, client):
    shop = add_shop(container)
    first = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["uk"])
    second = push(container, shop.shop.id, "1002", Status.PLACED, customer=PEOPLE["en"])

    def report(order_id, ip):
        return client.post(
            track_path(container, shop.shop.id, order_id) + "/problem",
            data={"kind": "other", "message": "Where is it?"},
            environ_base={"REMOTE_ADDR": ip},
        )

    # per order: 3 an hour, from any number of machines
    answers = [report(first, f"198.51.100.{n}").status_code for n in range(4)]
    assert answers == [303, 303, 303, 429]
    assert "Ваші повідомлення про це замовлення вже отримано" in report(first, "1.2.3.4").text
    # per IP: 5 an hour over any orders
    third = push(container, shop.shop.id, "1003", Status.PLACED, customer=PEOPLE["ru"])
    ip = "203.0.113.5"
    answers = [report(o, ip).status_code for o in (second, second, second, third, third, third)]
    assert answers == [303, 303, 303, 303, 303, 429]
    with container.session() as s:
        assert len(s.scalars(select(ProblemReport)).all()) == 3 + 5
