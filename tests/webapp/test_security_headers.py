"""The security headers the app factory sets on every response, once (webapp/headers.py).

JSON, scripts, errors and pages alike carry them; a response that brings its own policy
(the admin) keeps it; an app proxy's Liquid, rendered inside the shop's page, gets none.
"""

from __future__ import annotations

import pytest
from flask import Response

from webapp import create_app
from webapp.admin.blueprint import ADMIN_CSP
from webapp.headers import BASE_CSP, security_headers


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),  # JSON
        ("GET", "/widget.js", 200),  # a script other shops' pages load
        ("GET", "/openapi.json", 200),
        ("POST", "/api/v1/orders/events", 401),  # an error answered by the API
        ("GET", "/no/such/page", 404),  # werkzeug's own error page
        ("GET", "/", 200),  # the landing page
    ],
)
def test_every_response_carries_the_strict_headers(client, method, path, status):
    r = client.open(path, method=method)
    assert r.status_code == status
    assert r.headers["Content-Security-Policy"] == BASE_CSP
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"


def test_a_response_with_its_own_policy_keeps_it(client):
    r = client.get("/admin/sign-in")
    assert r.status_code == 200
    assert r.headers["Content-Security-Policy"] == ADMIN_CSP
    assert r.headers["Referrer-Policy"] == "same-origin"  # the admin's own
    assert r.headers.getlist("Content-Security-Policy") == [ADMIN_CSP]  # set once, not twice


def test_liquid_for_a_shops_storefront_gets_no_policy_or_framing_rule_of_ours(container):
    app = create_app(container=container)
    with app.test_request_context("/shopify/proxy"):
        liquid = security_headers(Response("<p>ok</p>", mimetype="application/liquid"))
        html = security_headers(Response("<p>ok</p>", mimetype="text/html"))
    assert "Content-Security-Policy" not in liquid.headers
    assert "X-Frame-Options" not in liquid.headers
    assert liquid.headers["X-Content-Type-Options"] == "nosniff"
    assert html.headers["Content-Security-Policy"] == BASE_CSP
