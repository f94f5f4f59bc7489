"""A local HTTP server standing in for third-party APIs (webhook receivers, Twilio, Shopify...).

    def test_posts(http_stub):
        http_stub.route("POST", "/hook", status=200, json={"ok": True})
        http_stub.route("POST", "/flaky", responses=[(503, {"Retry-After": "7"}, ""), 200])
        http_stub.route("GET", "/orders/{id}.json", handler=lambda req: (200, {}, {"id": ...}))
        ...call the code under test with http_stub.url_for("/hook")...
        (req,) = http_stub.requests_to("POST", "/hook")
        assert req.headers["content-type"] == "application/json"   # case-insensitive
        assert req.json() == {...}; req.form(); req.query; req.body (bytes)

A handler takes a StubRequest and returns a StubResponse or `(status, headers, body)`;
a body may be bytes, str, or anything JSON-serialisable (then sent as JSON). A route with
`responses=[...]` answers them in turn and repeats the last. `delay=` sleeps before
answering (cut short when the stub stops), for client-timeout tests. Unknown routes
answer 404 and are recorded too.

A plug-in package gets the `http_stub` fixture with, in its conftest.py,
`pytest_plugins = ["wismo.testing.http_stub"]` (Wismo's own suite loads it the same way).
"""

from __future__ import annotations

import json as jsonlib
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from requests.structures import CaseInsensitiveDict


@dataclass
class StubRequest:
    """One request the stub received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: CaseInsensitiveDict[str]
    body: bytes
    path_params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return jsonlib.loads(self.body)

    def form(self) -> dict[str, str]:
        """The body as an urlencoded form, last value per key."""
        return {k: v[-1] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def text(self) -> str:
        return self.body.decode()


@dataclass
class StubResponse:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = b""

    def encoded(self) -> tuple[dict[str, str], bytes]:
        headers = dict(self.headers)
        body = self.body
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = jsonlib.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        return headers, body


Handler = Callable[[StubRequest], "StubResponse | tuple[int, dict[str, str], Any]"]
Canned = StubResponse | tuple[int, dict[str, str], Any] | int


def _as_response(value: Any) -> StubResponse:
    if isinstance(value, StubResponse):
        return value
    if isinstance(value, int):
        return StubResponse(value)
    status, headers, body = value
    return StubResponse(status, dict(headers), body)


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler | None
    responses: list[StubResponse]
    delay: float
    calls: int = 0


class HttpStub:
    """The stub server; see the module docstring."""

    def __init__(self) -> None:
        self._routes: list[_Route] = []
        self._requests: list[StubRequest] = []
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.host = "127.0.0.1"
        self.port = int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url_for(self, path: str) -> str:
        return self.url + path

    def start(self) -> HttpStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def route(
        self,
        method: str,
        path: str,
        handler: Handler | None = None,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        body: Any = b"",
        json: Any = None,
        responses: Sequence[Canned] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer `method path` (`{name}` matches one path segment); newest route wins."""
        if responses is not None:
            canned = [_as_response(r) for r in responses]
        else:
            canned = [StubResponse(status, dict(headers or {}), json if json is not None else body)]
        pattern = re.compile(
            "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$"
        )
        with self._lock:
            self._routes.insert(0, _Route(method.upper(), pattern, handler, canned, delay))

    @property
    def requests(self) -> list[StubRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, method: str, path: str) -> list[StubRequest]:
        return [r for r in self.requests if r.method == method.upper() and r.path == path]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[StubRequest]:
        """Block until `count` requests arrived; return them."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._requests) >= count, timeout):
                pytest.fail(
                    f"expected {count} requests within {timeout}s, got {len(self._requests)}"
                )
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._routes.clear()
            self._requests.clear()

    def _answer(self, request: StubRequest) -> StubResponse:
        with self._lock:
            self._requests.append(request)
            self._lock.notify_all()
            route = None
            for candidate in self._routes:
                match = candidate.pattern.match(request.path)
                if candidate.method == request.method and match:
                    route = candidate
                    request.path_params = match.groupdict()
                    break
            if route is None:
                return StubResponse(404, {}, f"no stub route for {request.method} {request.path}")
            index = min(route.calls, len(route.responses) - 1)
            route.calls += 1
        if route.delay:
            self._stopping.wait(route.delay)
        if route.handler is not None:
            return _as_response(route.handler(request))
        return route.responses[index]


def _make_handler(stub: HttpStub) -> type[BaseHTTPRequestHandler]:
    class _RequestHandler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = StubRequest(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers=CaseInsensitiveDict(dict(self.headers.items())),
                body=body,
            )
            try:
                response = stub._answer(request)
            except Exception as exc:  # a failing test handler answers 500, loudly
                response = StubResponse(500, {}, f"stub handler raised {exc!r}")
            headers, payload = response.encoded()
            try:
                self.send_response(response.status)
                headers.setdefault("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to answer

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return _RequestHandler


@pytest.fixture
def http_stub() -> Iterator[HttpStub]:
    """A fresh stub server for each test."""
    stub = HttpStub().start()
    try:
        yield stub
    finally:
        stub.stop()


__all__ = ["HttpStub", "StubRequest", "StubResponse"]
