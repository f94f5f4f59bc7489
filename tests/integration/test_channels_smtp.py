"""SmtpChannel end to end against a real (aiosmtpd) SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.channels.base import ChannelContext, OutboundMessage
from core.channels.smtp import SmtpChannel
from core.errors import PermanentChannelError, TransientChannelError
from tests.support.smtp_server import SmtpServer, free_port

pytestmark = pytest.mark.integration

CONTEXT = ChannelContext(
    public_url="http://127.0.0.1:5000",
    sender_name="Wismo",
    now=lambda: datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
)
FROM = "?from=%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0%20%3Corders%40romashka.example%3E"


def message(**overrides: object) -> OutboundMessage:
    fields: dict = dict(
        notification_id=42,
        shop_id=1,
        kind="email",
        to="anna@example.com",
        subject="Заказ №1001 отправлен 📦",
        text="Здравствуйте, Анна!\nВаш заказ №1001 передан в доставку.",
        html="<p>Здравствуйте, Анна!</p><p>Ваш заказ <b>№1001</b> передан в доставку.</p>",
        idempotency_key="notif-42",
        metadata={"order_number": "1001"},
    )
    fields.update(overrides)
    return OutboundMessage(**fields)


def channel_for(server: SmtpServer, options: str = FROM) -> SmtpChannel:
    return SmtpChannel.from_url(server.url + options + "&timeout=5", CONTEXT)


def test_sends_a_multipart_email_with_the_right_headers(smtp_server: SmtpServer) -> None:
    provider_id = channel_for(smtp_server).send(message())

    (received,) = smtp_server.wait_for(1)
    mail = received.message
    assert received.mail_from == "orders@romashka.example"
    assert received.rcpt_tos == ["anna@example.com"]
    assert provider_id == mail["Message-ID"] == "<wismo-notif-42@romashka.example>"
    assert mail["From"] == "Ромашка <orders@romashka.example>"
    assert mail["To"] == "anna@example.com"
    assert mail["Subject"] == "Заказ №1001 отправлен 📦"
    assert mail["Date"] == "Wed, 01 May 2024 12:00:00 +0000"
    assert mail.get_content_type() == "multipart/alternative"
    assert "List-Unsubscribe" not in mail and "List-Unsubscribe-Post" not in mail
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content() == "Здравствуйте, Анна!\nВаш заказ №1001 передан в доставку.\n"
    assert "<b>№1001</b>" in html.get_content()
    assert text["Content-Transfer-Encoding"] in ("base64", "quoted-printable")
    assert all(byte < 128 for byte in received.raw), "7-bit on the wire, no 8BITMIME needed"


def test_text_only_when_there_is_no_html(smtp_server: SmtpServer) -> None:
    channel_for(smtp_server).send(message(html=None, text="Plain only"))
    mail = smtp_server.wait_for(1)[0].message
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content() == "Plain only\n"


def test_message_id_is_stable_across_a_retry(smtp_server: SmtpServer) -> None:
    channel = channel_for(smtp_server)
    assert channel.send(message()) == channel.send(message())
    first, second = smtp_server.wait_for(2)
    assert first.message["Message-ID"] == second.message["Message-ID"]
    channel.send(message(idempotency_key="notif-43"))
    assert smtp_server.wait_for(3)[2].message["Message-ID"] == "<wismo-notif-43@romashka.example>"


def test_one_click_unsubscribe_and_extra_headers_when_asked(smtp_server: SmtpServer) -> None:
    url = "https://wismo.example.org/u/abc123"
    channel_for(smtp_server, FROM + "&reply_to=help%40romashka.example").send(
        message(metadata={"unsubscribe_url": url}, headers={"X-Wismo-Shop": "1"})
    )
    mail = smtp_server.wait_for(1)[0].message
    assert mail["List-Unsubscribe"] == f"<{url}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Reply-To"] == "help@romashka.example"
    assert mail["X-Wismo-Shop"] == "1"


def test_authenticates_when_the_url_has_credentials(smtp_server: SmtpServer) -> None:
    smtp_server.users["wismo"] = "s3cr:et"
    options = FROM.replace("?", "") + "&timeout=5"
    url = f"smtp://wismo:s3cr%3Aet@{smtp_server.host}:{smtp_server.port}?{options}"
    SmtpChannel.from_url(url, CONTEXT).send(message())
    assert smtp_server.wait_for(1)[0].login == "wismo"


def test_bad_credentials_are_permanent(smtp_server: SmtpServer) -> None:
    url = f"smtp://wismo:wrong@{smtp_server.host}:{smtp_server.port}{FROM}"
    with pytest.raises(PermanentChannelError) as info:
        SmtpChannel.from_url(url, CONTEXT).send(message())
    assert "535" in str(info.value) and not info.value.unreachable


def test_server_down_is_transient() -> None:
    channel = SmtpChannel.from_url(f"smtp://127.0.0.1:{free_port()}{FROM}&timeout=2", CONTEXT)
    with pytest.raises(TransientChannelError):
        channel.send(message())


def test_recipient_refused_with_550_is_permanent_and_unreachable(smtp_server: SmtpServer) -> None:
    smtp_server.fail("rcpt", "550 5.1.1 No such user here")
    with pytest.raises(PermanentChannelError) as info:
        channel_for(smtp_server).send(message())
    assert info.value.unreachable
    assert "No such user" in str(info.value)
    assert smtp_server.messages == []


def test_greylisting_451_is_transient_then_succeeds(smtp_server: SmtpServer) -> None:
    smtp_server.fail("rcpt", "451 4.7.1 Greylisted, try again later", times=1)
    channel = channel_for(smtp_server)
    with pytest.raises(TransientChannelError):
        channel.send(message())
    channel.send(message())
    assert len(smtp_server.wait_for(1)) == 1


@pytest.mark.parametrize(
    ("stage", "reply", "error"),
    [
        ("data", "451 4.3.0 Local error in processing", TransientChannelError),
        ("data", "554 5.7.1 Message rejected as spam", PermanentChannelError),
        ("mail", "452 4.3.1 Insufficient system storage", TransientChannelError),
        ("mail", "550 5.7.1 Sender not allowed", PermanentChannelError),
    ],
)
def test_other_replies_map_by_their_class(
    smtp_server: SmtpServer, stage: str, reply: str, error: type[Exception]
) -> None:
    smtp_server.fail(stage, reply)
    with pytest.raises(error) as info:
        channel_for(smtp_server).send(message())
    if isinstance(info.value, PermanentChannelError):
        assert not info.value.unreachable


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_tls_modes(smtp_server_factory, tls: str) -> None:
    server = smtp_server_factory(tls=tls)
    settings = SmtpChannel.from_url(server.url + FROM + "&starttls=true", CONTEXT).settings
    assert settings.security == tls
    channel = SmtpChannel(settings, CONTEXT, ssl_context=server.client_ssl_context())
    channel.send(message())
    assert server.wait_for(1)[0].message["Subject"] == "Заказ №1001 отправлен 📦"


def test_an_untrusted_certificate_is_permanent(smtp_server_factory) -> None:
    server = smtp_server_factory(tls="ssl")
    with pytest.raises(PermanentChannelError, match="certificate"):
        SmtpChannel.from_url(server.url + FROM + "&timeout=5", CONTEXT).send(message())


def test_starttls_required_by_the_server_but_not_used(smtp_server_factory) -> None:
    server = smtp_server_factory(tls="starttls")
    with pytest.raises(PermanentChannelError):
        SmtpChannel.from_url(server.url + FROM + "&timeout=5", CONTEXT).send(message())
