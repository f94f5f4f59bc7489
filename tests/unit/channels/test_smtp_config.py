"""SMTP URL parsing and message building, without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.channels.base import ChannelContext, OutboundMessage
from core.channels.smtp import SmtpChannel, SmtpSettings, parse_smtp_url
from core.errors import ConfigError, PermanentChannelError

CONTEXT = ChannelContext(
    public_url="https://wismo.example.org",
    sender_name="Ромашка",
    now=lambda: datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://user%40shop:p%40ss%2Fw@mail.example.com:587"
            "?starttls=true&from=Shop%20Name%20<shop@example.com>",
            SmtpSettings(
                "mail.example.com",
                587,
                "starttls",
                "user@shop",
                "p@ss/w",
                "shop@example.com",
                "Shop Name",
            ),
        ),
        ("smtps://u:p@mail.example.com", SmtpSettings("mail.example.com", 465, "ssl", "u", "p")),
        ("smtp://localhost:25", SmtpSettings("localhost", 25, "plain")),
        ("smtp://localhost", SmtpSettings("localhost", 25, "plain")),
        ("smtp://h?starttls=1", SmtpSettings("h", 587, "starttls")),
        ("smtp://h:2525?starttls=false", SmtpSettings("h", 2525, "plain")),
        (
            "smtp://h?from=a@b.example&reply_to=help@b.example&timeout=5&helo=mx.b.example",
            SmtpSettings(
                "h",
                25,
                "plain",
                from_address="a@b.example",
                reply_to="help@b.example",
                timeout=5.0,
                helo="mx.b.example",
            ),
        ),
    ],
)
def test_parse_smtp_url(url: str, expected: SmtpSettings) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example.com", "smtp://", "smtp://h:notaport", "smtp://h?timeout=x"]
)
def test_parse_smtp_url_rejects_malformed_urls(url: str) -> None:
    with pytest.raises(ConfigError):
        parse_smtp_url(url)


def test_config_keys_override_the_url() -> None:
    channel = SmtpChannel.from_config(
        {
            "url": "smtp://h?from=a@b.example",
            "from_address": "orders@shop.example",
            "from_name": "Shop",
            "reply_to": "help@shop.example",
            "timeout": "3",
        },
        CONTEXT,
    )
    s = channel.settings
    assert (s.from_address, s.from_name, s.reply_to, s.timeout) == (
        "orders@shop.example",
        "Shop",
        "help@shop.example",
        3.0,
    )


@pytest.mark.parametrize("config", [{}, {"url": "smtp://h"}, {"url": "smtp://h?from=nobody"}])
def test_a_sender_and_url_are_required(config: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        SmtpChannel.from_config(config, CONTEXT)


def message(**overrides: object) -> OutboundMessage:
    fields: dict = dict(
        notification_id=7,
        shop_id=1,
        kind="email",
        to="anna@example.com",
        text="Заказ отправлен",
        subject="Заказ №1001 отправлен",
        idempotency_key="n-7",
    )
    fields.update(overrides)
    return OutboundMessage(**fields)


def test_build_sets_the_standard_headers() -> None:
    channel = SmtpChannel.from_url("smtp://h?from=shop@romashka.example", CONTEXT)
    mail = channel.build(message())
    assert mail["From"] == "Ромашка <shop@romashka.example>"  # context.sender_name as fallback
    assert mail["To"] == "anna@example.com"
    assert mail["Subject"] == "Заказ №1001 отправлен"
    assert mail["Date"] == "Wed, 01 May 2024 12:00:00 +0000"
    assert mail["Message-ID"] == "<wismo-n-7@romashka.example>"
    assert mail.get_content_type() == "text/plain"
    assert "List-Unsubscribe" not in mail and "Reply-To" not in mail


def test_unsafe_idempotency_keys_are_hashed_into_the_message_id() -> None:
    channel = SmtpChannel.from_url("smtp://h?from=shop@r.example", CONTEXT)
    first = channel.message_id(message(idempotency_key="a b@c>"))
    assert first == channel.message_id(message(idempotency_key="a b@c>"))
    assert first.startswith("<wismo-") and first.endswith("@r.example>")
    assert " " not in first and first.count("@") == 1
    assert channel.message_id(message(idempotency_key="")) != channel.message_id(
        message(idempotency_key="")
    )


def test_extra_headers_replace_defaults_and_injection_is_refused() -> None:
    channel = SmtpChannel.from_url("smtp://h?from=shop@r.example", CONTEXT)
    mail = channel.build(message(headers={"X-Wismo-Order": "1001", "Reply-To": "x@r.example"}))
    assert mail["X-Wismo-Order"] == "1001"
    assert mail.get_all("Reply-To") == ["x@r.example"]
    with pytest.raises(PermanentChannelError):
        channel.build(message(subject="hi\r\nBcc: victim@example.com"))


@pytest.mark.parametrize("to", ["not-an-address", "", "a@b.example\r\nBcc: c@d.example"])
def test_send_refuses_bad_addresses_before_connecting(to: str) -> None:
    channel = SmtpChannel.from_url("smtp://192.0.2.1:1?from=shop@r.example&timeout=0.1", CONTEXT)
    with pytest.raises(PermanentChannelError) as info:
        channel.send(message(to=to))
    assert info.value.unreachable
