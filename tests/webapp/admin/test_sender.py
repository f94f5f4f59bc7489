"""The shop's sender address on the shared relay, previews and tests (issue 16 item 4).

A local DNS server (dnspython's messages over UDP on loopback) stands in for the shop's DNS
in the TXT record test: DNS is not reachable from the test machines.

Real aiosmtpd as the relay (`WISMO_SMTP_URL`): an owner cannot make Wismo's relay send as
`security-alerts@bigbank.example`, nor send tests and previews to outside addresses, nor
send them without limit.
"""

from __future__ import annotations

import re
import socket
import threading
from typing import Any

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from core.services.sender import dns_token
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
    assert admin.get(link.group(1)[:-3] + "xyz").status_code == 404
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


class DnsStub:
    """A DNS server on loopback (UDP) answering TXT queries from `records`, as the shop's
    DNS would; built with dnspython's own message classes."""

    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                wire, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text(omit_final_dot=True)
            values = self.records.get(name, [])
            if question.rdtype == dns.rdatatype.TXT and values:
                response.answer.append(
                    dns.rrset.from_text(
                        question.name, 300, "IN", "TXT", *[f'"{v}"' for v in values]
                    )
                )
            elif not values:
                response.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(response.to_wire(), peer)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def dns_stub() -> Any:
    stub = DnsStub()
    yield stub
    stub.stop()


def test_a_txt_record_on_the_domain_verifies_it(
    database_url: str, smtp_server: Any, dns_stub: DnsStub
) -> None:
    c = make_container(
        database_url,
        smtp_url=f"{smtp_server.url}?from=wismo@relay.example",
        dns_nameserver=dns_stub.address,
    )
    new = add_shop(c, name="Shop A", branding={"sender_email": SPOOF})
    other = add_shop(c, name="Shop B", branding={"sender_email": "news@bigbank.example"})
    make_staff(c, new.shop.id, "owner@a.example", "owner")
    admin = Admin(create_app(container=c), "owner@a.example")
    page = admin.get("/admin/settings").get_data(as_text=True)
    record = re.search(r"(wismo-verify=[0-9a-f]{32})", page)
    assert record
    mine = dns_token(c.settings.secret_key, new.shop.id, "bigbank.example")
    assert record.group(1) == mine

    # no record yet, then another shop's: not verified
    admin.post("/admin/settings/sender/check-dns")
    assert "No TXT record" in admin.get("/admin/settings").get_data(as_text=True)
    dns_stub.records["bigbank.example"] = [
        "v=spf1 -all",
        dns_token(c.settings.secret_key, other.shop.id, "bigbank.example"),
    ]
    admin.post("/admin/settings/sender/check-dns")
    with c.session() as s:
        assert "sender" not in (s.get(Shop, new.shop.id).state or {})

    dns_stub.records["bigbank.example"].append(mine)
    admin.post("/admin/settings/sender/check-dns")
    with c.session() as s:
        assert s.get(Shop, new.shop.id).state["sender"]["verified"] == ["bigbank.example"]
        assert "sender" not in (s.get(Shop, other.shop.id).state or {})
    admin.post("/admin/onboarding/test")
    (mail,) = smtp_server.wait_for(1)
    assert mail.message["From"] == f"Shop A <{SPOOF}>"
    c.engine.dispose()
