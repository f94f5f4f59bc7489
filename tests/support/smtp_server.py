"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests, and the `smtp_server` fixture.

    def test_sends(smtp_server):
        channel = SmtpChannel.from_url(smtp_server.url + "?from=shop@example.com", ctx)
        channel.send(message)
        (mail,) = smtp_server.wait_for(1)
        assert mail.message["Subject"] == "Shipped"      # a parsed EmailMessage
        assert mail.rcpt_tos == ["anna@example.com"]     # the envelope

    smtp_server.fail("rcpt", "550 5.1.1 No such user")   # every RCPT answers 550
    smtp_server.fail("data", "451 4.3.0 Try later", times=1)   # only the next DATA
    smtp_server.users["wismo"] = "secret"                # accepted AUTH credentials

`smtp_server_factory(tls="starttls"|"ssl")` starts more servers, with a self-signed
certificate (`server.client_ssl_context()` trusts it).
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

STAGES = ("mail", "rcpt", "data")


@dataclass
class ReceivedMail:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage
    login: str | None = None


@dataclass
class _Failure:
    reply: str
    times: int | None


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    def _failure(self, stage: str) -> str | None:
        return self.server._take_failure(stage)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        reply = self._failure("mail")
        if reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self._failure("rcpt")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self._failure("data")
        if reply:
            return reply
        raw = bytes(envelope.original_content or envelope.content)
        # Parse as a mail client would: with local line endings, not the wire's CRLF.
        parsed = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        self.server._received(
            ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), raw, parsed, login)
        )
        return "250 Message accepted"


class SmtpServer:
    """An aiosmtpd server in a thread, collecting messages; see the module docstring."""

    def __init__(self, tls: str | None = None, cert_dir: Path | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.tls = tls
        self.users: dict[str, str] = {}
        self._lock = threading.Condition()
        self._messages: list[ReceivedMail] = []
        self._failures: dict[str, _Failure] = {}
        self._cert: tuple[Path, Path] | None = None
        kwargs: dict[str, Any] = {
            "server_hostname": "smtp.wismo.test",
            "authenticator": self._authenticate,
            "auth_require_tls": False,  # plain AUTH too; auth stays optional, so no warning
            "enable_SMTPUTF8": True,
        }
        if tls:
            self._cert = self_signed_cert(cert_dir or Path(tempfile.mkdtemp()))
            server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_ctx.load_cert_chain(*self._cert)
            if tls == "ssl":
                kwargs["ssl_context"] = server_ctx
            else:
                kwargs["tls_context"] = server_ctx
                kwargs["require_starttls"] = True
        self._kwargs = kwargs
        self._stopped = False
        self.controller = Controller(_Handler(self), hostname=self.host, port=self.port, **kwargs)

    @property
    def url(self) -> str:
        """The server as an smtp:// (or smtps://) URL, without credentials or options."""
        scheme = "smtps" if self.tls == "ssl" else "smtp"
        return f"{scheme}://{self.host}:{self.port}"

    def start(self) -> SmtpServer:
        if self._stopped:  # an aiosmtpd controller does not start twice: a fresh one
            self.controller = Controller(
                _Handler(self), hostname=self.host, port=self.port, **self._kwargs
            )
        self.controller.start()
        self._stopped = False
        return self

    def stop(self) -> None:
        """Stop listening (connections are refused); `start()` listens again on the same port."""
        if not self._stopped:
            self.controller.stop()
            self._stopped = True

    @property
    def messages(self) -> list[ReceivedMail]:
        """A copy of everything received so far."""
        with self._lock:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMail]:
        """Block until `count` messages arrived; return them (fail the test on timeout)."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._messages) >= count, timeout):
                pytest.fail(f"expected {count} emails within {timeout}s, got {len(self._messages)}")
            return list(self._messages)

    def clear(self) -> None:
        """Forget received messages, injected failures and users."""
        with self._lock:
            self._messages.clear()
            self._failures.clear()
            self.users.clear()

    def fail(self, stage: str, reply: str, times: int | None = None) -> None:
        """Answer `reply` (e.g. "550 5.1.1 No such user") at mail, rcpt or data."""
        if stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}")
        with self._lock:
            self._failures[stage] = _Failure(reply, times)

    def client_ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's self-signed certificate."""
        assert self._cert, "only TLS servers have a certificate"
        ctx = ssl.create_default_context(cafile=str(self._cert[0]))
        return ctx

    def _take_failure(self, stage: str) -> str | None:
        with self._lock:
            failure = self._failures.get(stage)
            if failure is None:
                return None
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self._failures[stage]
            return failure.reply

    def _received(self, mail: ReceivedMail) -> None:
        with self._lock:
            self._messages.append(mail)
            self._lock.notify_all()

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if self.users.get(login) == password:
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """Write a self-signed certificate for 127.0.0.1 and localhost; return (cert, key) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # OpenSSL checks the real clock, the tests may run with theirs moved a year ahead
        .not_valid_before(now - dt.timedelta(days=800))
        .not_valid_after(now + dt.timedelta(days=800))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server (AUTH offered, not required), fresh for each test."""
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_server_factory(tmp_path: Path) -> Iterator[Callable[..., SmtpServer]]:
    """Start extra servers: `smtp_server_factory(tls="starttls")` or `tls="ssl"`."""
    started: list[SmtpServer] = []

    def start(tls: str | None = None) -> SmtpServer:
        cert_dir = tmp_path / f"smtp-cert-{len(started)}"
        cert_dir.mkdir()
        server = SmtpServer(tls=tls, cert_dir=cert_dir).start()
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


__all__ = ["ReceivedMail", "SmtpServer", "free_port", "self_signed_cert"]
