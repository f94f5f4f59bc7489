"""Webhook deliveries, pure: the signature, the ping, and payloads turned into events."""

from __future__ import annotations

import json

import pytest

from adapters.woocommerce import WooCommerceAdapter
from adapters.woocommerce.webhooks import is_ping, sign
from core.adapters import InboundRequest
from core.domain.statuses import Status
from core.errors import InvalidSignature, MalformedPayload

from .wc import delivery, fixture, order, tracking_item, tracking_meta

SECRET = "wc_s3cret-of-our-own"
SECRETS = {"wc_webhook_secret": SECRET, "webhook_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
adapter = WooCommerceAdapter()


def request(body, secret=SECRET, **kw) -> InboundRequest:
    raw, headers = delivery(body, secret, **kw)
    return InboundRequest(raw, headers)


def events(body, settings=None, **kw):
    req = request(body, **kw)
    adapter.verify(req, SECRETS)
    return adapter.parse(req, settings or {})


def test_signature_is_base64_hmac_sha256_of_the_raw_body():
    # printf %s {"id":1} | openssl dgst -sha256 -hmac secret -binary | base64
    assert sign("secret", b'{"id":1}') == "A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc="


def test_a_forged_or_unsigned_delivery_is_refused():
    raw, headers = delivery(order(), "someone-else")
    with pytest.raises(InvalidSignature):
        adapter.verify(InboundRequest(raw, headers), SECRETS)
    del headers["X-WC-Webhook-Signature"]
    with pytest.raises(InvalidSignature, match="missing"):
        adapter.verify(InboundRequest(raw, headers), SECRETS)
    _, headers = delivery(order(), SECRET)
    with pytest.raises(InvalidSignature):  # a valid signature of another body
        adapter.verify(InboundRequest(raw.replace(b"processing", b"completed"), headers), SECRETS)


def test_a_delivery_signed_with_the_shops_whsec_secret_is_accepted_too():
    req = request(order(), secret=SECRETS["webhook_secret"])
    adapter.verify(req, SECRETS)


def test_the_creation_ping_passes_unsigned_and_makes_no_event():
    ping = InboundRequest(b"webhook_id=17", {"Content-Type": "application/x-www-form-urlencoded"})
    assert is_ping(ping)
    adapter.verify(ping, SECRETS)
    assert adapter.parse(ping, {}) == []
    # the same body with X-WC headers is a delivery and must be signed
    fake = InboundRequest(b"webhook_id=17", {"X-WC-Webhook-Topic": "order.updated"})
    with pytest.raises(InvalidSignature):
        adapter.verify(fake, SECRETS)


def test_the_published_order_becomes_placed_then_processing():
    placed, processing = events(order("processing"), topic="order.created")
    assert placed.status == Status.PLACED and placed.event_key == "wc:727:placed"
    assert placed.occurred_at.isoformat() == "2017-03-22T19:28:02+00:00"  # date_created_gmt
    assert processing.status == Status.PROCESSING
    assert processing.event_key == "wc:727:2017-03-22T19:28:08:processing"
    assert processing.occurred_at.isoformat() == "2017-03-22T19:28:08+00:00"
    assert processing.customer.email == "john.doe@example.com"
    assert processing.customer.name == "John Doe"
    assert (processing.number, processing.total, processing.currency) == ("#727", "29.35", "USD")
    assert processing.items[0] == {
        "name": "Woo Single #1",
        "quantity": 2,
        "price": "6.00",
        "sku": None,
    }


def test_the_ios_fixture_order_parses():
    body = fixture("ios_order.json")["data"]
    (placed, processing) = events(body)
    assert processing.order_id == "963" and processing.customer.phone == "333-333-3333"


def test_on_hold_is_the_confirmation_itself():
    (only,) = events(order("on-hold"))
    assert only.status == Status.PLACED


@pytest.mark.parametrize("status", ["pending", "checkout-draft", "auto-draft", "failed"])
def test_orders_not_placed_yet_make_no_event(status):
    assert events(order(status)) == []


def test_the_published_auto_draft_order_makes_no_event():
    assert events(fixture("ios_order-auto-draft-status.json")["data"]) == []


@pytest.mark.parametrize(
    ("wc", "expected"),
    [("cancelled", Status.CANCELLED), ("refunded", Status.REFUNDED)],
)
def test_cancel_and_refund_send_no_belated_confirmation(wc, expected):
    (only,) = events(order(wc))
    assert only.status == expected


def test_completed_without_tracking_ships_the_whole_order():
    placed, shipped = events(order("completed"))
    assert shipped.status == Status.SHIPPED and shipped.shipment is None


def test_completed_with_several_tracking_items_ships_each_parcel():
    body = order(
        "completed",
        meta_data=[
            tracking_meta(
                tracking_item("9400111899223", "USPS"),
                tracking_item(
                    "NP-20450000000000",
                    "",
                    custom_tracking_provider="Nova Poshta",
                    custom_tracking_link="https://novaposhta.ua/tracking/?cargo_number=204",
                ),
                tracking_item("ZZ1", "Acme Couriers"),
            )
        ],
    )
    placed, *parcels = events(body)
    assert [p.status for p in parcels] == [Status.SHIPPED] * 3
    usps, np, acme = (p.shipment for p in parcels)
    assert (usps.carrier, usps.tracking_number) == ("USPS", "9400111899223")
    assert usps.tracking_url.endswith("qtc_tLabels1=9400111899223")
    assert (np.carrier, np.tracking_url) == (
        "Nova Poshta",
        "https://novaposhta.ua/tracking/?cargo_number=204",
    )
    assert (acme.carrier, acme.tracking_url) == ("Acme Couriers", None)
    assert len({p.event_key for p in parcels}) == 3


def test_tracking_on_an_order_still_processing_is_kept_without_a_message():
    body = order("processing", meta_data=[tracking_meta(tracking_item("1Z999"))])
    placed, processing, parcel = events(body)
    assert parcel.status is None and parcel.shipment.tracking_number == "1Z999"


def test_advanced_shipment_tracking_slugs_read_as_carrier_names():
    body = order("completed", meta_data=[tracking_meta(tracking_item("204", "nova-poshta"))])
    _, parcel = events(body)
    assert parcel.shipment.carrier == "Nova Poshta"
    assert parcel.shipment.tracking_url == "https://novaposhta.ua/tracking/?cargo_number=204"


def test_delivered_per_the_shop_setting_and_ast_statuses():
    settings = {"woocommerce": {"completed": "delivered"}}
    _, delivered = events(order("completed"), settings)
    assert delivered.status == Status.DELIVERED
    _, partial = events(order("partial-shipped", meta_data=[tracking_meta(tracking_item("A1"))]))
    assert partial.status == Status.SHIPPED and partial.shipment.tracking_number == "A1"


def test_a_custom_status_without_a_mapping_keeps_the_facts_only():
    (only,) = events(order("pre-ordered"))
    assert only.status is None and only.extra["wc_status"] == "pre-ordered"
    (mapped, packed) = events(
        order("awaiting-pickup"), {"woocommerce": {"statuses": {"awaiting-pickup": "packed"}}}
    )
    assert packed.status == Status.PACKED


def test_a_deleted_order_is_acknowledged_without_events():
    assert events({"id": 727}, topic="order.deleted") == []


def test_two_deliveries_of_one_state_share_a_key_and_a_new_state_does_not():
    first = events(order("processing"), delivery_id="same")
    again = events(order("processing"), delivery_id="other")
    later = events(order("processing", date_modified_gmt="2017-03-22T19:30:00"), delivery_id="same")
    assert [e.event_key for e in first] == [e.event_key for e in again]
    assert first[1].event_key != later[1].event_key


def test_a_signed_body_that_is_not_an_order_is_malformed():
    with pytest.raises(MalformedPayload, match="JSON"):
        events(b"not json")
    with pytest.raises(MalformedPayload, match="id"):
        events(json.dumps({"status": "processing"}).encode())


def test_the_number_reads_as_woocommerce_shows_it_and_the_time_is_the_milestones():
    from adapters.woocommerce.orders import order_events

    done = order(
        "completed",
        date_modified_gmt="2026-11-22T07:25:40",  # the payload was built three minutes later
        date_completed_gmt="2026-11-22T07:22:05",
    )
    (event,) = order_events(done, "wh12", {}, with_placed=False)
    assert event.number == "#727"
    assert event.occurred_at.isoformat() == "2026-11-22T07:22:05+00:00"


def test_delivery_cost_refunds_and_the_order_time_come_from_the_order():
    # WooCommerce's documented order: 10.00 shipping, created 2017-03-22T19:28:02 GMT
    placed = events(order("processing"))[0]
    assert placed.shipping_total == "10.00"
    assert (
        placed.placed_at is not None and placed.placed_at.isoformat() == "2017-03-22T19:28:02+00:00"
    )
    assert placed.refund_amount is None  # nothing refunded yet
    refunds = [{"id": 726, "reason": "", "total": "-10.00"}, {"id": 727, "total": "-5.35"}]
    refunded = events(order("refunded", refunds=refunds, shipping_tax="2.00"))[0]
    assert refunded.status == Status.REFUNDED
    assert refunded.refund_amount == "15.35"
    assert refunded.shipping_total == "12.00"  # what the shopper paid: with its tax
