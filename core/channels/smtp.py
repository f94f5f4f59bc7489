"""Email over SMTP: the service's `WISMO_SMTP_URL`, or a shop's own mail server.

URL forms (user and password percent-encoded):

    smtp://user:pass@host:587?starttls=true&from=Shop%20Name%20<shop@example.com>
    smtps://user:pass@host:465        implicit TLS
    smtp://host:25                    plain, no TLS

Query options: `starttls`, `from`, `reply_to`, `timeout` (seconds), `helo`.
One connection per send: simple, and nothing stale to recover after a server restart.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import smtplib
import socket
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

from core import netguard
from core.errors import ConfigError, PermanentChannelError, TransientChannelError
from core.i18n import N_
from core.plugins import ChannelMetadata, ConfigField

from . import kinds as message_kinds
from .base import ChannelContext, OutboundMessage

# 7bit keeps non-ASCII bodies in base64 or quoted-printable, so servers without
# 8BITMIME accept them too.
_POLICY = policy.default.clone(cte_type="7bit")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._+=-]{1,120}$")
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect, and who the mail is from."""

    host: str
    port: int
    security: str = "plain"  # "plain", "starttls" or "ssl"
    username: str | None = None
    password: str | None = None
    from_address: str | None = None
    from_name: str | None = None
    reply_to: str | None = None
    timeout: float = 30.0
    helo: str | None = None


def parse_smtp_url(url: str) -> SmtpSettings:
    """Parse an smtp:// or smtps:// URL into settings; raise ConfigError when malformed."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("an SMTP URL looks like smtp://user:pass@host:587?starttls=true")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "smtps":
        security = "ssl"
    elif query.get("starttls", "").lower() in _TRUE:
        security = "starttls"
    else:
        security = "plain"
    try:
        port = parts.port or {"ssl": 465, "starttls": 587}.get(security, 25)
        timeout = float(query.get("timeout", 30))
    except ValueError as exc:
        raise ConfigError(f"bad SMTP URL: {exc}") from None
    from_name, from_address = parseaddr(query.get("from", ""))
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        from_address=from_address or None,
        from_name=from_name or None,
        reply_to=query.get("reply_to") or None,
        timeout=timeout,
        helo=query.get("helo") or None,
    )


class SmtpChannel:
    """Sends email through one SMTP server, a new connection per message."""

    name: ClassVar[str] = "smtp"
    kinds: ClassVar[frozenset[str]] = frozenset({"email"})
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="smtp",
        label="Email (SMTP)",
        fields=(
            ConfigField(
                "url",
                N_("SMTP URL, e.g. smtp://user:password@mail.example.com:587?starttls=true"),
                secret=True,
            ),
            ConfigField("from_address", N_("From address")),
            ConfigField("from_name", N_("From name")),
            ConfigField("reply_to", N_("Reply-to address")),
        ),
        defines=(message_kinds.EMAIL,),
    )

    def __init__(
        self,
        settings: SmtpSettings,
        context: ChannelContext,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if not settings.from_address or "@" not in settings.from_address:
            raise ConfigError("the SMTP channel needs a from address (URL ?from= or from_address)")
        self.settings = settings
        self.context = context
        self.ssl_context = ssl_context or ssl.create_default_context()

    @classmethod
    def from_url(cls, url: str, context: ChannelContext) -> SmtpChannel:
        """Build from an SMTP URL alone."""
        return cls.from_config({"url": url}, context)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: ChannelContext) -> SmtpChannel:
        """Build from {url, from_address, from_name, reply_to, timeout}; keys override the URL."""
        if not config.get("url"):
            raise ConfigError("the SMTP channel needs a url")
        settings = parse_smtp_url(str(config["url"]))
        overrides = {
            key: config[key]
            for key in ("from_address", "from_name", "reply_to", "helo")
            if config.get(key)
        }
        if config.get("timeout"):
            try:
                overrides["timeout"] = float(config["timeout"])
            except (TypeError, ValueError):
                raise ConfigError("the SMTP timeout must be a number of seconds") from None
        return cls(replace(settings, **overrides), context)

    @property
    def domain(self) -> str:
        """The sender's domain, used in Message-IDs."""
        return str(self.settings.from_address).rpartition("@")[2]

    def message_id(self, message: OutboundMessage) -> str:
        """Return the Message-ID: derived from the idempotency key, so a retry reuses it."""
        key = message.idempotency_key
        if not key:
            return make_msgid("wismo", domain=self.domain)
        if not _SAFE_ID.match(key):
            key = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"<wismo-{key}@{self.domain}>"

    def build(self, message: OutboundMessage) -> EmailMessage:
        """Return the MIME message for `message`; raise PermanentChannelError if unbuildable."""
        s = self.settings
        try:
            mail = EmailMessage(policy=_POLICY)
            mail["From"] = formataddr(
                (s.from_name or self.context.sender_name, str(s.from_address))
            )
            mail["To"] = message.to
            mail["Subject"] = message.subject or ""
            mail["Date"] = format_datetime(self.context.now())
            mail["Message-ID"] = self.message_id(message)
            if s.reply_to:
                mail["Reply-To"] = s.reply_to
            unsubscribe = message.metadata.get("unsubscribe_url")
            if unsubscribe:
                mail["List-Unsubscribe"] = f"<{unsubscribe}>"
                mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            for key, value in message.headers.items():
                del mail[key]
                mail[key] = value
            mail.set_content(message.text)
            if message.html:
                mail.add_alternative(message.html, subtype="html")
        except (ValueError, TypeError) as exc:  # header injection, unparsable address
            raise PermanentChannelError(f"cannot build the email: {exc}") from exc
        return mail

    def send(self, message: OutboundMessage) -> str:
        """Send one email; return its Message-ID."""
        recipient = parseaddr(message.to)[1]
        if "@" not in recipient or any(c in message.to for c in "\r\n"):
            raise PermanentChannelError(f"not an email address: {message.to!r}", unreachable=True)
        mail = self.build(message)
        with _channel_errors(), self._connection() as smtp:
            smtp.send_message(mail, from_addr=self.settings.from_address, to_addrs=[recipient])
        return str(mail["Message-ID"])

    def probe(self) -> None:
        """Connect, start TLS and log in as a send would, then hang up (for `wismo check`)."""
        with _channel_errors(), self._connection() as smtp:
            smtp.noop()

    @contextmanager
    def _connection(self) -> Iterator[smtplib.SMTP]:
        s = self.settings
        smtp: smtplib.SMTP
        try:
            if s.security == "ssl":
                smtp = _GuardedSMTPSSL(
                    s.host, s.port, self._helo(), timeout=s.timeout, context=self.ssl_context
                )
            else:
                smtp = _GuardedSMTP(s.host, s.port, self._helo(), timeout=s.timeout)
        except ssl.SSLCertVerificationError:
            raise  # the server is there and speaks TLS: its certificate is the news
        except (smtplib.SMTPException, OSError) as exc:
            # Refused, silent, or not SMTP at all: one answer, naming nothing the other end
            # said, so the admin's test cannot tell a closed port from an open one (item 3).
            raise TransientChannelError(f"no SMTP server answered at {s.host}:{s.port}") from exc
        try:
            if s.security == "starttls":
                smtp.starttls(context=self.ssl_context)
            if s.username:
                smtp.login(s.username, s.password or "")
            yield smtp
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _helo(self) -> str:
        # socket.getfqdn(), smtplib's default, can stall on DNS in containers.
        name = self.settings.helo or urlsplit(self.context.public_url).hostname or self.domain
        try:
            return f"[{ipaddress.ip_address(name)}]"
        except ValueError:
            return name or socket.gethostname()


class _GuardedSMTP(smtplib.SMTP):
    """smtplib's client connecting only where core.netguard permits (a shop's own server)."""

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return netguard.connect(host, port, timeout, self.source_address)  # type: ignore[arg-type]


class _GuardedSMTPSSL(smtplib.SMTP_SSL, _GuardedSMTP):
    """The same over implicit TLS: SMTP_SSL wraps the guarded socket."""


@contextmanager
def _channel_errors() -> Iterator[None]:
    """smtplib's and the socket's exceptions as the channel errors the dispatcher handles."""
    try:
        yield
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()), (550, b""))
        raise _by_code(code, f"recipient refused: {_text(reply)}", unreachable=True) from exc
    except smtplib.SMTPResponseException as exc:
        # Sender refused, data refused, auth failed, connect refused with a code.
        raise _by_code(exc.smtp_code, f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}") from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise PermanentChannelError(f"SMTP server lacks a needed extension: {exc}") from exc
    except ssl.SSLCertVerificationError as exc:
        raise PermanentChannelError(f"SMTP server certificate rejected: {exc}") from exc
    except (smtplib.SMTPException, OSError) as exc:  # disconnects, refusals, timeouts
        raise TransientChannelError(f"SMTP server unavailable: {exc}") from exc


def _by_code(
    code: int, text: str, unreachable: bool = False
) -> TransientChannelError | PermanentChannelError:
    """4xx replies are temporary by SMTP's own definition; anything else is not."""
    if 400 <= code < 500:
        return TransientChannelError(text)
    return PermanentChannelError(text, unreachable=unreachable)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
