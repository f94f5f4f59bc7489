"""The shop's sender address on the shared relay, previews and tests (issue 16 item 4).

Real aiosmtpd as the relay (`WISMO_SMTP_URL`): an owner cannot make Wismo's relay send as
`security-alerts@bigbank.example`, nor send tests and previews to outside addresses, nor
send them without limit.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.storage.models import Shop
from tests.conftest import add_shop, make_container
from webapp.app import create_app

from .helpers import Admin, make_staff

SPOOF = "security-alerts@bigbank.example"


@pytest.fixture
def relay(database_url: str, smtp_server: Any) -> Any:
    c = make_container(database_url, smtp_url=f"{smtp_server.url}?from=wismo@relay.example")
    yield c
    c.engine.dispose()


@pytest.fixture
def admin(relay: Any) -> Any:
    new = add_shop(relay, name="Shop A", branding={"sender_email": SPOOF})
    make_staff(relay, new.shop.id, "owner@a.example", "owner")
    a = Admin(create_app(container=relay), "owner@a.example")
    a.shop_id = new.shop.id
    return a


def _body(mail: Any) -> str:
    part = mail.message.get_body(("plain",))
    return str(part.get_content())


def test_an_unverified_sender_is_only_a_reply_to_under_the_relays_address(
    admin: Any, smtp_server: Any
) -> None:
    admin.post("/admin/onboarding/test")
    (mail,) = smtp_server.wait_for(1)
    assert mail.message["From"] == "Shop A <wismo@relay.example>"
    assert mail.message["Reply-To"] == SPOOF
    assert mail.mail_from == "wismo@relay.example"
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "bigbank.example is not verified yet" in page


def test_a_confirmation_link_mailed_to_the_address_verifies_its_domain(
    admin: Any, relay: Any, smtp_server: Any
) -> None:
    admin.post("/admin/settings/sender/verify")
    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == [SPOOF]  # only whoever reads mail there can confirm
    assert mail.message["From"] == "Shop A <wismo@relay.example>"
    link = re.search(r"http://wismo\.test(/admin/sender/confirm/\S+)", _body(mail))
    assert link
    smtp_server.clear()
    # a forged or altered link verifies nothing
    admin.get(link.group(1)[:-3] + "xyz")
    admin.post("/admin/onboarding/test")
    assert smtp_server.wait_for(1)[0].message["From"] == "Shop A <wismo@relay.example>"
    smtp_server.clear()

    admin.get(link.group(1))
    with relay.session() as s:
        assert s.get(Shop, admin.shop_id).state["sender"]["verified"] == ["bigbank.example"]
    assert "bigbank.example is verified" in admin.get("/admin/settings").get_data(as_text=True)
    admin.post("/admin/onboarding/test")
    (mail,) = smtp_server.wait_for(1)
    assert mail.message["From"] == f"Shop A <{SPOOF}>"
    assert mail.message["Reply-To"] is None


def test_a_link_for_one_shop_does_not_verify_another(
    admin: Any, relay: Any, smtp_server: Any
) -> None:
    other = add_shop(relay, name="Shop B", branding={"sender_email": "news@b.example"})
    admin.post("/admin/settings/sender/verify")
    link = re.search(r"(/admin/sender/confirm/\S+)", _body(smtp_server.wait_for(1)[0]))
    assert link
    admin.get(link.group(1))
    with relay.session() as s:
        assert "sender" not in (s.get(Shop, other.shop.id).state or {})


def test_tests_and_previews_go_only_to_the_signed_in_person(admin: Any, smtp_server: Any) -> None:
    admin.post("/admin/onboarding/test", {"to": "victim@outside.example"})
    admin.post("/admin/settings/channels/email/test", {"to": "victim@outside.example"})
    admin.post(
        "/admin/messages/email/shipped/en/send",
        {"to": "victim@outside.example", "subject": "Your bank", "html": "<p>click</p>"},
    )
    mails = smtp_server.wait_for(3)
    assert [m.rcpt_tos for m in mails] == [["owner@a.example"]] * 3


def test_tests_and_previews_are_limited_per_shop(admin: Any, smtp_server: Any) -> None:
    for _ in range(10):
        admin.post("/admin/onboarding/test")
    assert len(smtp_server.wait_for(10)) == 10
    admin.post("/admin/onboarding/test")
    page = admin.get("/admin/onboarding").get_data(as_text=True)
    assert "Too many test messages" in page
    admin.post("/admin/messages/email/shipped/en/send")
    admin.post("/admin/settings/sender/verify")
    assert len(smtp_server.messages) == 10  # nothing more went out
