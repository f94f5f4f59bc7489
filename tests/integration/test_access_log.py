"""The real `wismo serve` (gunicorn) writes no token, query string or cookie to its access log.

Issue 16 item 13: whoever reads the logs must not be able to open a shopper's tracking page,
use a widget token, follow a sign-in link or learn which email an admin searched for.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from core.bootstrap import bootstrap
from core.settings import Settings
from core.storage.models import Base
from tests.conftest import TEST_SECRET
from tests.support.clock import VARIABLE as CLOCK_VARIABLE
from tests.support.clock import python_command
from tests.support.servers import free_port, stop_process_groups
from wismo.access_log import scrub_path, scrub_url

ROOT = Path(__file__).resolve().parents[2]
SECRETS = (
    "TRACKTOKEN0123456789abcdef",
    "SHORTCODE99",
    "WIDGETTOKENabcdef0123",
    "anna@example.com",
    "anna%40example.com",
    "SIGNINTOKENxyz987",
    "UNSUBTOKEN555",
    "SESSIONCOOKIEVALUE",
    "wsk_secretkey",
    "ABSOLUTEFORMTOKEN42",
)


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"wismo serve exited:\n{log.read_text()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"wismo serve did not listen:\n{log.read_text()}")


@pytest.fixture
def served(tmp_path):
    url = f"sqlite:///{tmp_path / 'wismo.db'}"
    c = bootstrap(Settings(database_url=url, inline_jobs=True))
    Base.metadata.create_all(c.engine)
    c.engine.dispose()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("WISMO_") or k.startswith("WISMO_T")
    }
    env.update(
        {
            "WISMO_DATABASE_URL": url,
            "WISMO_SECRET_KEY": TEST_SECRET,
            "WISMO_PUBLIC_URL": "https://wismo.test",
            "PYTHONPATH": str(ROOT),
            CLOCK_VARIABLE: os.environ.get(CLOCK_VARIABLE, ""),
        }
    )
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            python_command("wismo.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for_port(port, proc, log)
            yield f"http://127.0.0.1:{port}", log
        finally:
            stop_process_groups([proc], timeout=10)


def test_the_access_log_of_wismo_serve_holds_no_token_query_or_cookie(served):
    base, log = served
    cookie = {"Cookie": "session=SESSIONCOOKIEVALUE"}
    with httpx.Client(base_url=base, headers=cookie, follow_redirects=False) as client:
        client.get("/track/TRACKTOKEN0123456789abcdef?utm=anna@example.com")
        client.post("/track/TRACKTOKEN0123456789abcdef/problem", data={"x": "1"})
        client.get("/t/SHORTCODE99")
        client.get("/api/v1/widget/order?token=WIDGETTOKENabcdef0123")
        client.get("/admin/orders?q=anna%40example.com")
        client.get("/admin/sign-in/link/SIGNINTOKENxyz987")
        client.get("/unsubscribe/UNSUBTOKEN555")
        client.get(
            "/healthz",
            headers={
                "Referer": "https://shop.example/track/TRACKTOKEN0123456789abcdef?e=anna@example.com",
                "Authorization": "Bearer wsk_secretkey",
            },
        )
    # a request line in absolute form (as a proxy may send it) is scrubbed the same way
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(
            f"GET {base}/track/ABSOLUTEFORMTOKEN42?e=anna@example.com HTTP/1.1\r\n"
            f"Host: {host}\r\nConnection: close\r\n\r\n".encode()
        )
        while raw.recv(65536):
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and log.read_text().count('"GET /healthz') < 1:
        time.sleep(0.1)
    text = log.read_text()
    lines = [line for line in text.splitlines() if '" 127.0.0.1' in line or "HTTP/1.1" in line]
    assert len(lines) >= 8, text  # every request was logged, so the absence below means something
    assert '"GET /track/* HTTP/1.1"' in text and '"POST /track/*/problem HTTP/1.1"' in text
    assert '"GET /admin/orders HTTP/1.1"' in text and '"GET /api/v1/widget/order HTTP/1.1"' in text
    assert "https://shop.example/track/*" in text  # the referrer, scrubbed
    for secret in SECRETS:
        assert secret not in text, (secret, text)


@pytest.mark.parametrize(
    "raw, scrubbed",
    [
        ("/track/abc", "/track/*"),
        ("/track/abc/preferences?x=1", "/track/*/preferences"),
        ("/o/abc.gif", "/o/*"),
        ("/c/abc", "/c/*"),
        ("/admin/confirm/abc", "/admin/confirm/*"),
        ("/admin/orders/12", "/admin/orders/12"),
        ("/tracking/abc", "/tracking/abc"),
        ("/admin/orders?q=anna@example.com", "/admin/orders"),
    ],
)
def test_scrub_path(raw, scrubbed):
    assert scrub_path(raw) == scrubbed


def test_scrub_url_keeps_the_host_and_drops_the_query():
    assert scrub_url("https://a.example/t/xyz?q=1#f") == "https://a.example/t/*"
    assert scrub_url("/unsubscribe/abc?x=1") == "/unsubscribe/*"
    assert scrub_url("-") == "-"
