"""Browser fixtures: the real app on a loopback port, and headless Chromium driven by Playwright.

- ``live_app(container)``: serves ``create_app(container=...)`` from a thread on a free port
  and returns its base URL; stops it afterwards.
- ``browser`` (session): the system Chromium (``WISMO_TEST_CHROMIUM``, set by scripts/test)
  launched headless through Playwright; the tests fail with a hint when it is missing.
- ``page``: a fresh browser context and page per test; on failure a screenshot is kept
  under ``test-artifacts/`` (CI keeps that folder).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path() -> str | None:
    return os.environ.get("WISMO_TEST_CHROMIUM") or shutil.which("chromium")


@pytest.fixture
def live_app() -> Iterator[Callable[..., str]]:
    servers: list[Any] = []

    def serve(container: Any, **config: Any) -> str:
        from webapp.app import create_app

        app = create_app(container=container)
        app.config.update(config)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    try:
        yield serve
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if not path:
        pytest.fail(
            "browser tests need Chromium: run `make test` (it installs Debian's chromium when "
            "root) or set WISMO_TEST_CHROMIUM to a chromium binary"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        context.close()


def screenshot(page: Any, name: str) -> Path:
    """Keep a screenshot as a test artifact (test-artifacts/<name>.png) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
