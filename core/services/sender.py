"""A shop's own sender address on the shared relay: only from a domain the shop verified.

Through `WISMO_SMTP_URL` every shop sends from Wismo's servers, so an owner could write any
address (`security-alerts@bigbank.example`) as the sender (issue 16 item 4). A shop's
`branding.sender_email` becomes the From of its mail only once its domain is verified,
either by a confirmation link mailed to that address (whoever can read mail at the domain
vouches for it) or by a DNS TXT record `wismo-verify=<token>` on the domain (whoever runs
its DNS vouches for it; checked with dnspython, the token derived from the secret key, the
shop and the domain, so nothing is stored before the check). Until then mail goes from the
relay's own address, with the shop's name as the display name and the shop's address as
Reply-To, so answers still reach the shop.

The verified domains live in `shop.state["sender"]["verified"]` (lower case). A shop's own
SMTP server is its own affair: this rule covers the shared relay only.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

import dns.exception
import dns.resolver

from core.links import Links
from core.storage.models import Shop

VERIFY = "wismo.sender-domain"
LINK_DAYS = 3
TXT_PREFIX = "wismo-verify="


def domain_of(address: str | None) -> str:
    """The domain of an email address, lower case ('' when there is none)."""
    return (address or "").rpartition("@")[2].strip().lower()


def sender_state(shop: Shop) -> dict[str, Any]:
    """What the shop has verified: {"verified": [domains], "at": {domain: iso time}}."""
    state = (shop.state or {}).get("sender")
    return dict(state) if isinstance(state, dict) else {}


def is_verified(shop: Shop, address: str | None) -> bool:
    """Whether mail may say it is from `address`: its domain is one the shop verified."""
    domain = domain_of(address)
    return bool(domain) and domain in (sender_state(shop).get("verified") or [])


def confirmation_token(links: Links, shop: Shop, address: str) -> str:
    """The signed token of the link mailed to `address` (valid LINK_DAYS days)."""
    return links.token(VERIFY, shop.id, domain_of(address))


def read_confirmation(links: Links, token: str) -> tuple[int, str] | None:
    """(shop id, domain) from a confirmation link, or None if forged or too old."""
    ids = links.read(VERIFY, token, max_age=LINK_DAYS * 86400)
    if not ids or len(ids) != 2 or not isinstance(ids[0], int) or not isinstance(ids[1], str):
        return None
    return ids[0], ids[1]


def mark_verified(shop: Shop, domain: str, now: datetime) -> None:
    """Remember that the shop proved it receives mail at `domain`."""
    state = sender_state(shop)
    verified = sorted({*(state.get("verified") or []), domain.lower()})
    at = {**(state.get("at") or {}), domain.lower(): now.isoformat()}
    shop.state = {**(shop.state or {}), "sender": {**state, "verified": verified, "at": at}}


def relay_sender(shop: Shop, sender_email: str | None) -> dict[str, str]:
    """The From and Reply-To settings of the shop's mail through the shared relay."""
    conf = {"from_name": shop.name}
    if sender_email and is_verified(shop, sender_email):
        conf["from_address"] = sender_email
    elif sender_email:
        conf["reply_to"] = sender_email
    return conf


def dns_token(secret_key: str, shop_id: int, domain: str) -> str:
    """The TXT record that proves the shop runs `domain`'s DNS: `wismo-verify=<32 hex>`."""
    message = f"sender-domain|{shop_id}|{domain.lower()}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]
    return f"{TXT_PREFIX}{digest}"


def txt_records(domain: str, nameserver: str | None = None, timeout: float = 5.0) -> list[str]:
    """The domain's TXT strings; [] when it has none or DNS cannot be asked.

    `nameserver` ("host" or "host:port", WISMO_DNS_NAMESERVER) replaces the system's
    resolvers (a local resolver, or the tests' stub)."""
    try:
        resolver = dns.resolver.Resolver(configure=nameserver is None)
        if nameserver:  # "host:port", or a bare host or IPv6 address (port 53)
            host, port = nameserver.split(":") if nameserver.count(":") == 1 else (nameserver, 53)
            resolver.nameservers = [host]
            resolver.port = int(port)
        resolver.lifetime = timeout
        answer = resolver.resolve(domain, "TXT")
    except (dns.exception.DNSException, OSError, ValueError):
        return []
    return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]


def verify_by_dns(
    shop: Shop, domain: str, secret_key: str, nameserver: str | None, now: datetime
) -> bool:
    """Mark `domain` verified if its DNS holds the shop's TXT record; whether it did."""
    if dns_token(secret_key, shop.id, domain) not in txt_records(domain, nameserver):
        return False
    mark_verified(shop, domain, now)
    return True
