"""Slow clients cannot block the real `wismo serve` (issue 16 item 14).

Two sync gunicorn workers were held by two clients sending their request a byte at a time,
and `/healthz` waited 31 s. `wismo serve` runs gthread workers: a client holds one thread,
so health checks and shoppers still get through.
"""

from __future__ import annotations

import socket
import threading

import httpx

from tests.integration.test_access_log import served  # noqa: F401 - the served app fixture


def _slow_client(base: str) -> socket.socket:
    """A connection that has begun a request and goes on sending one header byte at a time."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: wismo.test\r\nX-Slow: ")
    return sock


def _trickle(socks: list[socket.socket], stop: threading.Event) -> None:
    """A byte every half second on each connection, as a slowloris does to stay alive."""
    while not stop.wait(0.5):
        for sock in socks:
            try:
                sock.sendall(b"a")
            except OSError:
                pass


def test_healthz_answers_while_slow_clients_hold_connections(served):  # noqa: F811
    base, _log = served
    # one worker (the fixture's) and four slow clients: a sync worker would be held by the
    # first until gunicorn's 30 s worker timeout killed it
    slow = [_slow_client(base) for _ in range(4)]
    stop = threading.Event()
    trickler = threading.Thread(target=_trickle, args=(slow, stop), daemon=True)
    trickler.start()
    try:
        response = httpx.get(f"{base}/healthz", timeout=10)
        assert response.status_code == 200
        # the slow clients are still waiting, unanswered: they were not dropped to make room
        for sock in slow:
            sock.settimeout(0.2)
            try:
                got = sock.recv(1)
            except TimeoutError:
                got = None
            assert got is None, f"a half-sent request was answered or dropped: {got!r}"
    finally:
        stop.set()
        trickler.join()
        for sock in slow:
            sock.close()
