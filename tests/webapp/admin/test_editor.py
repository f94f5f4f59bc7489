"""The message editor: preview, validation at the line, history, and the done-when path."""

from __future__ import annotations

from sqlalchemy import select

from core.domain.states import MessageState
from core.domain.statuses import Status
from core.services.shortlinks import CODE_LENGTH
from core.storage.models import Notification, OutboxMessage, Shop, TemplateVersion

from .helpers import Admin, order_event

URL = "/admin/messages/email/shipped/uk"
NEW_SUBJECT = "Посилка {{ order_number }} вже їде до вас!"


def _sources(admin):
    page = admin.get(URL).get_data(as_text=True)
    assert "Відправлено" in page or "відправлено" in page
    return page


def test_the_grid_lists_every_status_and_channel(app, owner):
    page = Admin(app, "owner@a.example").get("/admin/messages?locale=uk").get_data(as_text=True)
    for status in Status:
        for channel in ("email", "sms", "messenger"):
            assert f"/admin/messages/{channel}/{status.value}/uk" in page


def test_preview_renders_the_draft_with_the_sample_order(app, owner):
    admin = Admin(app, "owner@a.example")
    r = admin.post(URL + "/preview", {"part-subject": "Привіт, {{ greeting_name }}!"})
    assert r.json["subject"] == "Привіт, Олено!"
    assert "Нова Пошта" in r.json["html"]  # the sample order's parcel, in Ukrainian


def test_preview_reports_an_unknown_variable_at_its_line(app, owner):
    admin = Admin(app, "owner@a.example")
    body = "line one\n{{ order_number }}\n{{ no_such_thing }}\n"
    r = admin.post("/admin/messages/sms/shipped/en/preview", {"part-txt": body})
    assert r.json["error"]["line"] == 3
    assert "no_such_thing" in r.json["error"]["message"]


def test_sms_preview_counts_characters_encoding_and_segments(app, owner):
    admin = Admin(app, "owner@a.example")
    r = admin.post("/admin/messages/sms/shipped/uk/preview", {"part-txt": "Привіт " * 12})
    assert r.json["sms"] == {
        "encoding": "UCS-2",
        "characters": 83,
        "segments": 2,
        "summary": "83 characters · UCS-2 · 2 segments",
    }
    r = admin.post(
        "/admin/messages/sms/shipped/en/preview", {"part-txt": "Order {{ order_number }}"}
    )
    assert r.json["sms"] == {
        "encoding": "GSM-7",
        "characters": 11,
        "segments": 1,
        "summary": "11 characters · GSM-7 · 1 segment",
    }


def test_sms_preview_counts_the_short_link_at_its_real_length(app, container, owner):
    admin = Admin(app, "owner@a.example")
    r = admin.post("/admin/messages/sms/shipped/uk/preview", {"part-txt": "{{ tracking_link }}"})
    link = r.json["text"]
    assert link.startswith(container.links.public_url + "/t/")
    assert r.json["sms"]["characters"] == len(container.links.short_url("x" * CODE_LENGTH))
    saved = admin.get("/admin/messages/messenger/shipped/uk").get_data(as_text=True)
    assert link in saved and "sample-token" not in saved


def test_an_invalid_template_is_not_saved_and_the_error_shows_its_line(app, container, owner):
    admin = Admin(app, "owner@a.example")
    r = admin.post(URL, {"part-subject": "ok", "part-txt": "a\nb\n{% if %}\n"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Line 3:" in page
    with container.session() as s:
        assert "templates" not in s.get(Shop, owner.shop.id).settings
        assert s.scalars(select(TemplateVersion)).all() == []


def test_save_keeps_versions_and_restores_and_resets(app, container, owner):
    admin = Admin(app, "owner@a.example")
    assert admin.post(URL, {"part-subject": "First {{ order_number }}"}).status_code == 302
    assert admin.post(URL, {"part-subject": "Second {{ order_number }}"}).status_code == 302
    with container.session() as s:
        versions = s.scalars(select(TemplateVersion).order_by(TemplateVersion.id)).all()
        assert [v.source for v in versions] == [
            "First {{ order_number }}",
            "Second {{ order_number }}",
        ]
        first = versions[0].id
    assert admin.post(f"/admin/messages/versions/{first}/restore").status_code == 302
    with container.session() as s:
        edits = s.get(Shop, owner.shop.id).settings["templates"]
        assert edits["uk/email/shipped.subject.j2"] == "First {{ order_number }}"
    assert admin.post(URL + "/reset").status_code == 302
    with container.session() as s:
        assert s.get(Shop, owner.shop.id).settings["templates"] == {}
        assert (
            s.scalars(select(TemplateVersion).order_by(TemplateVersion.id.desc())).first().source
            is None
        )
    assert "First {{ order_number }}" not in admin.get(URL).get_data(as_text=True)


def test_send_this_preview_to_me(app, container, owner):
    admin = Admin(app, "owner@a.example")
    r = admin.post(URL + "/send", {"part-subject": "Preview {{ order_number }}"})
    assert r.status_code == 302
    with container.session() as s:
        (mail,) = s.scalars(select(OutboxMessage)).all()
    assert mail.recipient == "owner@a.example" and mail.subject == "Preview #1001"


def test_done_when_the_next_shipped_order_sends_the_new_ukrainian_text(app, container, owner):
    """Sign in, change the Ukrainian shipped email, preview it; the next shipped order
    sends the new text and the log shows it with its state."""
    admin = Admin(app, "owner@a.example")
    r = admin.post(URL + "/preview", {"part-subject": NEW_SUBJECT})
    assert r.json["subject"] == "Посилка #1001 вже їде до вас!"
    assert admin.post(URL, {"part-subject": NEW_SUBJECT}).status_code == 302
    order_event(container, owner.shop.id, "e1", "5001", Status.PLACED)
    order_event(container, owner.shop.id, "e2", "5001", Status.SHIPPED)
    with container.session() as s:
        note = s.scalar(select(Notification).where(Notification.status == "shipped"))
        assert note.state == MessageState.SENT and note.subject == "Посилка #5001 вже їде до вас!"
        outbox = s.scalar(select(OutboxMessage).where(OutboxMessage.notification_id == note.id))
        assert outbox.subject == note.subject
    log = admin.get("/admin/log").get_data(as_text=True)
    assert f'data-id="{note.id}" data-state="sent"' in log
    message = admin.get(f"/admin/log/{note.id}").get_data(as_text=True)
    assert "Посилка #5001 вже їде до вас!" in message


# issue 16 item 7: the loop that passed the old check and held a worker for 18 s
RUNAWAY = "{% for i in range(99999) %}{% for j in range(900) %}{% endfor %}{% endfor %}"


def test_a_template_that_does_too_much_work_is_refused_at_save_in_the_admins_language(
    app, container, owner
):
    admin = Admin(app, "owner@a.example")
    admin.post("/admin/language", {"locale": "uk"})
    r = admin.post(URL, {"part-subject": "ok", "part-txt": RUNAWAY})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    # the operations limit, or on a very loaded machine the wall time one
    assert "Цей шаблон виконує забагато роботи: " in page
    assert "понад 100\u00a0000 операцій" in page or "на його обробку йде понад 2" in page
    with container.session() as s:
        assert "templates" not in s.get(Shop, owner.shop.id).settings
    admin.post("/admin/language", {"locale": "ru"})
    page = admin.post(URL, {"part-txt": '{{ "x" * 600000 }}'}).get_data(as_text=True)
    assert "Этот шаблон выполняет слишком много работы: он создаёт или выводит более" in page


def test_the_live_preview_stops_a_runaway_template_and_says_why(app, owner):
    admin = Admin(app, "owner@a.example")
    admin.post("/admin/language", {"locale": "en"})
    r = admin.post("/admin/messages/sms/shipped/en/preview", {"part-txt": RUNAWAY})
    assert r.json["error"]["message"] in (
        "This template does too much work: more than 100,000 operations (loop turns, lookups).",
        "This template does too much work: longer than 2.0 s to render.",  # a loaded machine
    )
    assert r.json["error"]["line"] == 1
