"""The pure pieces of the SMS and messenger channels: signatures, phone numbers, opt-in tokens,
failover chains."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

import pytest

from core.channels import twilio, viber, whatsapp
from core.channels.phones import region_of, to_e164
from core.domain.rules import Planned, Policy, first_of_chain, next_in_chain, plan
from core.domain.statuses import Status
from core.services.optin import make_token, read_token

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
KEY = "test-secret-key-0123456789-abcdefghijklmnop"

# Twilio's published example (docs "Secure webhooks", and the api-snippets validation samples)
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675310",
    "Digits": "1234",
    "From": "+14158675310",
    "To": "+18005551212",
}


def test_twilio_published_signature_vector() -> None:
    assert twilio.signature("12345", TWILIO_URL, TWILIO_PARAMS) == "GvWf1cFY/Q7PnoempGyD5oXAezc="
    assert twilio.valid_signature(
        "12345", TWILIO_URL, TWILIO_PARAMS, "GvWf1cFY/Q7PnoempGyD5oXAezc="
    )


def test_twilio_older_published_vector() -> None:
    params = {**TWILIO_PARAMS, "Caller": "+14158675309", "From": "+14158675309"}
    assert twilio.signature("12345", TWILIO_URL, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


@pytest.mark.parametrize(
    ("token", "url", "params", "given"),
    [
        ("12346", TWILIO_URL, TWILIO_PARAMS, "GvWf1cFY/Q7PnoempGyD5oXAezc="),  # wrong token
        ("12345", TWILIO_URL + "&x=1", TWILIO_PARAMS, "GvWf1cFY/Q7PnoempGyD5oXAezc="),  # url
        ("12345", TWILIO_URL, {**TWILIO_PARAMS, "Digits": "1235"}, "GvWf1cFY/Q7PnoempGyD5oXAezc="),
        ("12345", TWILIO_URL, TWILIO_PARAMS, ""),
    ],
)
def test_twilio_signature_rejects_any_change(token, url, params, given) -> None:
    assert not twilio.valid_signature(token, url, params, given)


def test_viber_signature_is_hex_hmac_sha256_of_the_body() -> None:
    body = b'{"event":"delivered","timestamp":1457764197627,"message_token":491266184665523145}'
    expected = hmac.new(b"445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9", body, hashlib.sha256)
    sig = viber.signature("445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9", body)
    assert sig == expected.hexdigest() and re.fullmatch(r"[0-9a-f]{64}", sig)
    assert viber.valid_signature(
        "445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9", body, sig.upper()
    )
    assert not viber.valid_signature("other", body, sig)


def test_whatsapp_signature_header_format() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    header = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert whatsapp.valid_signature("app-secret", body, header)
    assert not whatsapp.valid_signature("app-secret", body + b" ", header)
    assert not whatsapp.valid_signature("app-secret", body, header.removeprefix("sha256="))


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("067 123 45 67", "UA", "+380671234567"),
        ("+38 (067) 123-45-67", None, "+380671234567"),
        ("00380671234567", None, "+380671234567"),
        ("0671234567", None, None),  # no country code and no store country: unknowable
        ("030 901820", "DE", "+4930901820"),
        ("12", "UA", None),
        ("not a number", "UA", None),
        ("", "UA", None),
    ],
)
def test_phone_numbers_are_normalised_with_the_store_country(raw, region, e164) -> None:
    assert to_e164(raw, region) == e164


def test_store_country_comes_from_settings() -> None:
    assert region_of("ua") == "UA"
    assert region_of("Ukraine") is None and region_of(None) is None


def test_opt_in_token_fits_telegram_start_and_reads_back() -> None:
    token = make_token(KEY, 3, 1001, 77, NOW)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token)
    assert read_token((KEY,), token, NOW + timedelta(days=29)) == (3, 1001, 77)


def test_opt_in_token_expires_and_resists_forgery() -> None:
    token = make_token(KEY, 3, 1001, 77, NOW)
    assert read_token((KEY,), token, NOW + timedelta(days=31)) is None
    assert read_token(("another-key",), token, NOW) is None
    assert read_token(("another-key", KEY), token, NOW) == (3, 1001, 77)  # rotated keys
    tampered = ("A" if token[0] != "A" else "B") + token[1:]
    assert read_token((KEY,), tampered, NOW) is None
    assert read_token((KEY,), "short", NOW) is None and read_token((KEY,), "!!", NOW) is None


CHAIN = {"shipped": ("whatsapp", "sms", "email")}
ALL_ON = {"shipped": {"email": True, "sms": True, "whatsapp": True, "webhook": True}}


def test_plan_sends_only_the_best_channel_of_the_chain_plus_extras() -> None:
    policy = Policy(
        matrix=ALL_ON,
        failover=CHAIN,
        debounce=timedelta(0),
        quiet_start=datetime.min.time(),
        quiet_end=datetime.min.time(),
    )
    due = plan(policy, Status.SHIPPED, NOW, {"email", "sms", "whatsapp", "webhook"})
    assert [p.channel for p in due] == ["whatsapp", "webhook"]
    due = plan(policy, Status.SHIPPED, NOW, {"email", "sms"}, opted_out={"sms"})
    assert [p.channel for p in due] == ["email"]


def test_without_a_chain_every_channel_goes() -> None:
    due = [Planned("email", NOW), Planned("sms", NOW)]
    assert first_of_chain(Policy(matrix=ALL_ON), Status.SHIPPED, due) == due


def test_next_in_chain_skips_what_is_unusable_or_switched_off() -> None:
    policy = Policy(matrix=ALL_ON, failover=CHAIN)
    assert next_in_chain(policy, Status.SHIPPED, "whatsapp", {"sms", "email"}) == "sms"
    assert next_in_chain(policy, Status.SHIPPED, "whatsapp", {"email"}) == "email"
    assert next_in_chain(policy, Status.SHIPPED, "email", {"sms"}) is None  # the end
    assert next_in_chain(policy, Status.SHIPPED, "webhook", {"sms"}) is None  # not in chain
    off = Policy(matrix={"shipped": {"whatsapp": True, "email": True}}, failover=CHAIN)
    assert next_in_chain(off, Status.SHIPPED, "whatsapp", {"sms", "email"}) == "email"


def _shipped_sms(locale: str, shop_name: str | None = None):
    from core.rendering import Renderer
    from core.rendering.samples import sample_facts

    facts = sample_facts(Status.SHIPPED, locale)
    if shop_name:
        facts = {**facts, "shop": {**facts["shop"], "name": shop_name}}
    return Renderer().render("sms", Status.SHIPPED, locale, facts)


@pytest.mark.parametrize(
    ("locale", "shop_name", "encoding"),
    [
        ("en", "Chai & Kettle", "GSM-7"),
        ("uk", None, "UCS-2"),
        ("ru", None, "UCS-2"),
        ("en", "Chai 🫖 Kettle", "UCS-2"),
    ],
)
def test_real_sms_texts_are_counted_as_carriers_bill_them(locale, shop_name, encoding) -> None:
    from core.domain.sms import LIMITS

    rendered = _shipped_sms(locale, shop_name)
    info = rendered.sms
    assert info is not None and info.encoding == encoding
    units = len(rendered.text.encode("utf-16-le")) // 2 if encoding == "UCS-2" else info.characters
    assert info.characters == units
    single, multi = LIMITS[encoding]
    assert info.segments == (1 if units <= single else -(-units // multi))
