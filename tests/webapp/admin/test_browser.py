"""The admin in headless Chromium, as a merchant uses it."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from core.domain.states import MessageState
from core.domain.statuses import Status
from core.storage.models import Notification
from tests.conftest import add_shop
from tests.support.browser import screenshot

from .helpers import PASSWORD, make_staff, order_event
from .month import seed_month


def _shop(c):
    new = add_shop(c, name="Чайники та Ко", locale="uk")
    make_staff(c, new.shop.id, "owner@kettles.example")
    return new


def sign_in(page, base, email="owner@kettles.example", password=PASSWORD):
    page.goto(base + "/admin/")
    page.fill("input[name=email] >> nth=0", email)
    page.fill("input[name=password]", password)
    page.click("form[action$='/admin/sign-in'] button")  # labelled in the browser's language


def test_sign_in_with_a_wrong_then_the_right_password(sqlite_container, live_app, page):
    _shop(sqlite_container)
    base = live_app(sqlite_container)
    sign_in(page, base, password="not the password")
    assert page.locator(".err").inner_text() == "That email and password do not match an account."
    sign_in(page, base)
    assert page.locator("h1").inner_text() == "Get started"
    assert "owner@kettles.example (owner)" in page.locator(".topbar").inner_text()


def test_onboarding_to_the_first_test_email(sqlite_container, live_app, page, smtp_server):
    _shop(sqlite_container)
    base = live_app(sqlite_container)
    sign_in(page, base)
    page.click("a:has-text('Channel settings')")
    email = page.locator("fieldset[data-kind=email]")
    email.locator("select[name=provider]").select_option("smtp")
    email.locator("input[name=f-smtp-url]").fill(smtp_server.url)
    email.locator("input[name=f-smtp-from_address]").fill("hello@kettles.example")
    email.locator("button:has-text('Save email')").click()
    assert page.locator(".flash").inner_text() == "Saved."
    page.click("a:has-text('Get started')")
    assert page.locator("[data-step=sender] h2").inner_text().endswith("done")
    page.click("#send-test")
    assert "Test sent to owner@kettles.example through smtp" in page.locator(".flash").inner_text()
    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["owner@kettles.example"]
    text = mail.message.get_body(("plain",)).get_content()
    link = re.search(r"http://wismo.test(/admin/confirm/\S+)", text)[1]
    page.goto(base + link)
    assert page.locator("h1").inner_text() == "It arrived"
    page.goto(base + "/admin/onboarding")
    assert page.locator("[data-step=test] h2").inner_text().endswith("done")
    screenshot(page, "admin-onboarding")


def test_editing_a_template_updates_the_preview_and_errors_show_their_line(
    sqlite_container, live_app, page
):
    _shop(sqlite_container)
    base = live_app(sqlite_container)
    sign_in(page, base)
    page.goto(base + "/admin/messages/email/shipped/uk")
    subject = page.locator("#preview-subject")
    assert subject.inner_text() == "Замовлення #1001 відправлено"
    page.fill("#part-subject", "Посилка {{ order_number }} вже їде!")
    expect(subject).to_have_text("Посилка #1001 вже їде!")
    frame = page.frame_locator("#preview-html")
    page.fill(
        "#part-html",
        '{% extends "uk/email/_layout.html.j2" %}\n'
        "{% block content %}<p>Нова версія для {{ greeting_name }}</p>{% endblock %}",
    )
    frame.locator("text=Нова версія для Олено").wait_for()
    page.fill("#part-txt", "Рядок один\nРядок два\n{{ tracking_numbr }}\n")
    expect(page.locator("#live-error")).to_contain_text("Line 3:")
    page.click("#save")
    assert page.locator(".err[data-part=txt]").inner_text().startswith("Line 3:")
    assert "tracking_numbr" in page.locator(".err-line").inner_text()
    screenshot(page, "admin-editor-error")


def test_sms_preview_shows_characters_encoding_and_segments(sqlite_container, live_app, page):
    _shop(sqlite_container)
    base = live_app(sqlite_container)
    sign_in(page, base)
    page.goto(base + "/admin/messages/sms/shipped/en")
    page.fill("#part-txt", "Order {{ order_number }} is on its way")
    expect(page.locator("#sms-info")).to_have_text("25 characters · GSM-7 · 1 segment")


def test_resending_from_the_log(sqlite_container, live_app, page):
    new = _shop(sqlite_container)
    order_event(sqlite_container, new.shop.id, "e1", "4242", Status.PLACED)
    base = live_app(sqlite_container)
    sign_in(page, base)
    page.click("nav >> text=Message log")
    row = page.locator("#log tbody tr").first
    assert row.get_attribute("data-state") == "sent"
    row.locator("button:has-text('Resend')").click()
    assert page.locator(".flash").inner_text() == "Resent: the new message is in the log."
    assert page.locator("#state").inner_text() == "sent"
    with sqlite_container.session() as s:
        notes = s.scalars(select(Notification).order_by(Notification.id)).all()
    assert len(notes) == 2 and notes[1].subject == notes[0].subject
    page.click("nav >> text=Message log")
    assert page.locator("#log tbody tr").count() == 2


def test_the_dashboard_with_a_month_of_data(sqlite_container, live_app, page):
    new = _shop(sqlite_container)
    seed_month(sqlite_container, new.shop.id)
    with sqlite_container.session() as s:
        sent = sum(
            1
            for n in s.scalars(select(Notification))
            if n.state == MessageState.SENT and n.created_at.month == 10
        )
    base = live_app(sqlite_container)
    sign_in(page, base)
    page.goto(base + "/admin/dashboard?from=2026-10-01&to=2026-10-31")
    assert page.locator("[data-kpi=sent]").inner_text() == str(sent)
    assert page.locator(".chart svg rect").count() > 20
    assert "Estimate = shoppers who checked" in page.locator("#formula").inner_text()
    screenshot(page, "admin-dashboard")


def test_an_agent_sees_no_settings(sqlite_container, live_app, page):
    new = _shop(sqlite_container)
    make_staff(sqlite_container, new.shop.id, "agent@kettles.example", "agent")
    base = live_app(sqlite_container)
    sign_in(page, base, "agent@kettles.example")
    assert page.locator("h1").inner_text() == "Orders"
    assert page.locator("nav >> text=Settings").count() == 0
    response = page.goto(base + "/admin/settings")
    assert response.status == 403


def test_done_when_a_merchant_changes_the_ukrainian_shipped_email(
    sqlite_container, live_app, page, smtp_server
):
    """Sign in, onboarding, change the Ukrainian shipped email, preview it; the next shipped
    order sends the new text (to the real SMTP server) and the log shows it as sent."""
    new = _shop(sqlite_container)
    base = live_app(sqlite_container)
    sign_in(page, base)
    assert page.locator("h1").inner_text() == "Get started"
    page.goto(base + "/admin/settings#channels")
    email = page.locator("fieldset[data-kind=email]")
    email.locator("select[name=provider]").select_option("smtp")
    email.locator("input[name=f-smtp-url]").fill(smtp_server.url)
    email.locator("input[name=f-smtp-from_address]").fill("hello@kettles.example")
    email.locator("button:has-text('Save email')").click()
    page.click("nav >> text=Messages")
    page.click("a[href='/admin/messages/email/shipped/uk']")
    page.fill("#part-subject", "{{ greeting_name }}, замовлення {{ order_number }} вже їде!")
    # the preview is fetched after a pause in typing: give a loaded machine time to answer
    expect(page.locator("#preview-subject")).to_have_text(
        "Олено, замовлення #1001 вже їде!", timeout=20_000
    )
    page.click("#save")
    assert page.locator(".flash").inner_text().startswith("Saved.")
    order_event(sqlite_container, new.shop.id, "e1", "3003", Status.PLACED)
    order_event(sqlite_container, new.shop.id, "e2", "3003", Status.SHIPPED)
    mails = smtp_server.wait_for(2)
    assert mails[1].message["Subject"] == "Олено, замовлення #3003 вже їде!"
    page.click("nav >> text=Message log")
    newest = page.locator("#log tbody tr").first
    assert newest.get_attribute("data-state") == "sent"
    newest.locator("a").first.click()
    assert page.locator("#subject").inner_text() == "Олено, замовлення #3003 вже їде!"
    page.goto(base + "/admin/onboarding")
    assert page.locator("[data-step=live] h2").inner_text().endswith("done")
    screenshot(page, "admin-done-when")
