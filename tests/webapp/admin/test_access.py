"""Access: sign-in, sign-in links, roles, CSRF, session cookies."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.services.staff import INVITE, MAGIC, sign_in_token
from core.storage.models import OutboxMessage, StaffUser

from .helpers import PASSWORD, Admin


def test_password_is_stored_as_argon2id(container, owner):
    with container.session() as s:
        staff = s.scalar(select(StaffUser).where(StaffUser.email == "owner@a.example"))
        assert staff.password_hash.startswith("$argon2id$")
        assert PASSWORD not in staff.password_hash


def test_sign_in_and_out(app, owner):
    admin = Admin(app, "owner@a.example")
    page = admin.get("/admin/onboarding")
    assert page.status_code == 200 and "Get started" in page.get_data(as_text=True)
    admin.post("/admin/sign-out")
    assert admin.get("/admin/onboarding").status_code == 302


def test_signing_out_ends_the_session_server_side_so_a_copied_cookie_stops_working(app, owner):
    admin = Admin(app, "owner@a.example")
    other_device = Admin(app, "owner@a.example")
    cookie = admin.client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert thief.get("/admin/orders").status_code == 200  # the copy works while signed in
    assert admin.post("/admin/sign-out").status_code == 302
    assert thief.get("/admin/orders").status_code == 302  # ... and not after signing out
    assert other_device.get("/admin/orders").status_code == 302  # sign-out ends every session
    assert Admin(app, "owner@a.example").get("/admin/orders").status_code == 200


def test_wrong_password_is_refused_with_one_message(app, owner):
    client = app.test_client()
    token = re.search(r'csrf-token" content="([^"]+)', client.get("/admin/sign-in").text)[1]
    for email in ("owner@a.example", "nobody@a.example"):
        r = client.post(
            "/admin/sign-in",
            data={"email": email, "password": "wrong-password-1", "csrf_token": token},
        )
        assert r.status_code == 401
        assert "do not match" in r.get_data(as_text=True)
    assert client.get("/admin/orders").status_code == 302


def test_session_cookie_is_http_only_and_same_site(app, owner):
    client = app.test_client()
    token = re.search(r'csrf-token" content="([^"]+)', client.get("/admin/sign-in").text)[1]
    r = client.post(
        "/admin/sign-in",
        data={"email": "owner@a.example", "password": PASSWORD, "csrf_token": token},
    )
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_post_without_csrf_token_is_rejected(app, owner):
    admin = Admin(app, "owner@a.example")
    r = admin.client.post("/admin/settings/tracking", data={"opens": "on"})
    assert r.status_code == 400
    r = admin.client.post("/admin/sign-out", data={"csrf_token": "forged"})
    assert r.status_code == 400
    assert admin.get("/admin/settings").status_code == 200  # still signed in


def test_every_owner_page_is_forbidden_to_an_agent(app, owner):
    agent = Admin(app, "agent@a.example")
    owner_only = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("admin.")
        and getattr(app.view_functions[r.endpoint], "__wrapped__", None) is not None
        and (
            "settings" in r.rule
            or "messages" in r.rule
            or "onboarding" in r.rule
            or "dashboard" in r.rule
            or "team" in r.rule
        )
    ]
    assert len(owner_only) >= 15
    for rule in owner_only:
        url = re.sub(
            r"<(?:\w+:)?(\w+)>",
            lambda m: {
                "kind": "email",
                "channel": "email",
                "status": "shipped",
                "locale": "uk",
            }.get(m[1], "1"),
            rule.rule,
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            r = agent.post(url) if method == "POST" else agent.get(url)
            assert r.status_code == 403, (method, url, r.status_code)
    assert agent.get("/admin/orders").status_code == 200
    assert agent.get("/admin/log").status_code == 200


def test_magic_link_works_once(app, container, owner):
    client = app.test_client()
    token = re.search(r'csrf-token" content="([^"]+)', client.get("/admin/sign-in").text)[1]
    r = client.post("/admin/sign-in/link", data={"email": "owner@a.example", "csrf_token": token})
    assert r.status_code == 302
    with container.session() as s:
        mail = s.scalars(select(OutboxMessage)).one()  # no sender set up: the dev outbox
    link = re.search(r"http://wismo.test(/admin/sign-in/link/\S+)", mail.text)[1]
    assert client.get(link).status_code == 200  # a button, not a sign-in (mail scanners)
    token = re.search(r'csrf-token" content="([^"]+)', client.get(link).text)[1]
    assert client.post(link, data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/orders").status_code == 200
    other = app.test_client()
    token = re.search(r'csrf-token" content="([^"]+)', other.get(link).text)[1]
    assert other.post(link, data={"csrf_token": token}).status_code == 404  # spent
    assert other.get("/admin/orders").status_code == 302


def test_unknown_address_gets_the_same_answer_and_no_mail(app, container, owner):
    client = app.test_client()
    token = re.search(r'csrf-token" content="([^"]+)', client.get("/admin/sign-in").text)[1]
    r = client.post("/admin/sign-in/link", data={"email": "who@x.example", "csrf_token": token})
    assert r.status_code == 302
    with container.session() as s:
        assert s.scalars(select(OutboxMessage)).all() == []


def test_links_of_one_purpose_do_not_open_another(app, container, owner):
    with container.session() as s:
        staff = s.scalar(select(StaffUser).where(StaffUser.email == "owner@a.example"))
        invite = sign_in_token(container.links, staff, INVITE)
        magic = sign_in_token(container.links, staff, MAGIC)
    client = app.test_client()
    page = client.get(f"/admin/sign-in/link/{invite}").text
    token = re.search(r'csrf-token" content="([^"]+)', page)[1]
    assert (
        client.post(f"/admin/sign-in/link/{invite}", data={"csrf_token": token}).status_code == 404
    )
    assert (
        client.post(f"/admin/sign-in/link/{magic}?p=invite", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        client.post(
            f"/admin/sign-in/link/{invite}?p=invite", data={"csrf_token": token}
        ).status_code
        == 302
    )


def test_changing_the_password_ends_other_sessions(app, owner):
    first = Admin(app, "owner@a.example")
    second = Admin(app, "owner@a.example")
    r = first.post(
        "/admin/account", {"current_password": PASSWORD, "new_password": "a brand new password"}
    )
    assert r.status_code == 302
    assert first.get("/admin/orders").status_code == 200
    assert second.get("/admin/orders").status_code == 302
    Admin(app, "owner@a.example", "a brand new password")


def test_open_redirects_are_refused(app, owner):
    client = app.test_client()
    token = re.search(r'csrf-token" content="([^"]+)', client.get("/admin/sign-in").text)[1]
    r = client.post(
        "/admin/sign-in",
        data={
            "email": "owner@a.example",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert r.headers["Location"].endswith("/admin/")


def test_cli_staff_add_and_shops_add_owner_link(container, tmp_path):
    from click.testing import CliRunner

    from wismo.cli import main

    def invoke(*args, **kw):
        result = runner.invoke(main, *args, env=env, **kw)
        return result

    env = {
        "WISMO_DATABASE_URL": container.settings.database_url,
        "WISMO_SECRET_KEY": container.settings.secret_key,
        "WISMO_PUBLIC_URL": "http://wismo.test",
    }
    runner = CliRunner()
    r = invoke(
        [
            "shops",
            "add",
            "--platform",
            "woocommerce",
            "--name",
            "K",
            "--owner-email",
            "first@k.example",
            "--json",
        ]
    )
    assert r.exit_code == 0, r.output
    import json

    out = json.loads(r.output)
    assert "/admin/sign-in/link/" in out["admin_sign_in_link"]
    r = invoke(
        [
            "staff",
            "add",
            "--shop",
            out["shop_key"],
            "--email",
            "agent@k.example",
            "--role",
            "agent",
        ],
        input="long enough pw\nlong enough pw\n",
    )
    assert r.exit_code == 0, r.output
    with container.session() as s:
        roles = {u.email: u.role for u in s.scalars(select(StaffUser))}
    assert roles == {"first@k.example": "owner", "agent@k.example": "agent"}


def test_password_guessing_is_paused_after_five_failures(app, owner):
    client = app.test_client()
    token = re.search(r'csrf-token" content="([^"]+)', client.get("/admin/sign-in").text)[1]

    def attempt(password):
        return client.post(
            "/admin/sign-in",
            data={"email": "owner@a.example", "password": password, "csrf_token": token},
        )

    assert [attempt(f"guess-number-{i}").status_code for i in range(5)] == [401] * 5
    r = attempt(PASSWORD)  # even the right password waits now
    assert r.status_code == 429 and "Too many failed attempts" in r.text
    assert client.get("/admin/orders").status_code == 302


def test_the_pause_holds_across_web_processes_sharing_redis(
    request, database_url, redis_client, redis_url
):
    from tests.conftest import add_shop, make_container
    from webapp.app import create_app

    from .helpers import make_staff

    c = make_container(database_url, redis_url=redis_url)
    request.addfinalizer(c.engine.dispose)
    shop = add_shop(c, name="Shop R")
    make_staff(c, shop.shop.id, "owner@r.example", "owner")

    def attempt(app, password):
        client = app.test_client()
        page = client.get("/admin/sign-in").text
        token = re.search(r'csrf-token" content="([^"]+)', page)[1]
        return client.post(
            "/admin/sign-in",
            data={"email": "owner@r.example", "password": password, "csrf_token": token},
        ).status_code

    first, second = create_app(container=c), create_app(container=c)
    assert [attempt(first if i % 2 else second, f"guess-{i}") for i in range(5)] == [401] * 5
    assert any(b"wismo-sign-in" in k for k in redis_client.keys("*"))
    assert attempt(second, PASSWORD) == 429  # a worker that saw none of the failures
    assert attempt(first, PASSWORD) == 429


def test_another_resolver_plugs_in_like_shopify_session_tokens(app, container, owner):
    """The seam a Shopify session-token resolver uses: a bearer token decides the shop."""
    from webapp.admin.access import Principal, add_resolver

    def bearer(req):
        if req.headers.get("Authorization") == "Bearer signed-by-shopify":
            return Principal(
                owner.shop.id,
                "owner",
                "merchant@shopify",
                via="shopify",
                shop_name="Shop A",
                frame_ancestors="https://a.myshopify.com https://admin.shopify.com",
            )
        return None

    add_resolver(app, bearer)
    client = app.test_client()
    headers = {"Authorization": "Bearer signed-by-shopify"}
    page = client.get("/admin/settings", headers=headers)
    assert page.status_code == 200 and "X-Frame-Options" not in page.headers
    assert (
        "frame-ancestors https://a.myshopify.com https://admin.shopify.com"
        in (page.headers["Content-Security-Policy"])
    )
    assert client.get("/admin/settings").headers["X-Frame-Options"] == "DENY"
    assert client.get("/admin/settings").status_code == 302  # no token: sign in
    # bearer-authenticated posts carry the CSRF token too, like every admin form
    r = client.post("/admin/settings/tracking", data={"opens": "on"}, headers=headers)
    assert r.status_code == 400
    csrf = page.get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    r = client.post(
        "/admin/settings/tracking", data={"opens": "on", "csrf_token": csrf}, headers=headers
    )
    assert r.status_code == 302
    with container.session() as s:
        from core.storage.models import Shop

        assert s.get(Shop, owner.shop.id).settings["tracking"] == {"opens": True, "clicks": False}


def _sign_in_attempt(app, email, password, ip):
    client = app.test_client()
    page = client.get("/admin/sign-in", environ_base={"REMOTE_ADDR": ip}).text
    token = re.search(r'csrf-token" content="([^"]+)', page)[1]
    return client.post(
        "/admin/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    ).status_code


def test_a_stranger_guessing_cannot_lock_the_owner_out(app, owner):
    stranger, home = "203.0.113.66", "198.51.100.10"
    guesses = [_sign_in_attempt(app, "owner@a.example", f"g-{i}", stranger) for i in range(6)]
    assert guesses == [401] * 5 + [429]
    assert _sign_in_attempt(app, "owner@a.example", PASSWORD, stranger) == 429
    assert _sign_in_attempt(app, "owner@a.example", PASSWORD, home) == 302  # the owner gets in


def test_one_ip_is_limited_over_every_address(app, owner):
    ip = "192.0.2.50"
    answers = [_sign_in_attempt(app, f"who{n}@x.example", "guess-guess", ip) for n in range(21)]
    assert answers == [401] * 20 + [429]
    assert _sign_in_attempt(app, "owner@a.example", PASSWORD, ip) == 429  # the whole IP waits
    assert _sign_in_attempt(app, "owner@a.example", PASSWORD, "192.0.2.51") == 302


def test_with_redis_down_the_throttle_falls_back_to_this_process_not_open(request, database_url):
    from tests.conftest import add_shop, make_container
    from tests.support.servers import free_port
    from webapp.app import create_app

    from .helpers import make_staff

    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    c = make_container(database_url, redis_url=dead)
    request.addfinalizer(c.engine.dispose)
    shop = add_shop(c, name="Shop D")
    make_staff(c, shop.shop.id, "owner@d.example", "owner")
    app = create_app(container=c)
    ip = "203.0.113.80"
    guesses = [_sign_in_attempt(app, "owner@d.example", f"g-{i}", ip) for i in range(6)]
    assert guesses == [401] * 5 + [429]
    assert _sign_in_attempt(app, "owner@d.example", PASSWORD, ip) == 429
    assert _sign_in_attempt(app, "owner@d.example", PASSWORD, "203.0.113.81") == 302
