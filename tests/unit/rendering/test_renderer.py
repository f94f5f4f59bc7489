"""The renderer: every default template, escaping, the sandbox, overrides, errors."""

from pathlib import Path

import pytest

from core.domain.statuses import Status
from core.errors import TemplateError
from core.rendering import (
    SUPPORTED_LOCALES,
    VARIABLES,
    Renderer,
    minimal_facts,
    sample_facts,
    template_context,
)
from core.rendering.renderer import TEMPLATES_DIR

KINDS = ("email", "sms", "whatsapp", "telegram", "viber")
XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("status", list(Status))
def test_every_default_template_renders_with_full_and_minimal_facts(renderer, status, locale):
    for facts in (sample_facts(status, locale), minimal_facts(status)):
        for kind in KINDS:
            message = renderer.render(kind, status, locale, facts)
            assert "#1001" in message.text or "1001" in message.text
            assert "\n\n\n" not in message.text and message.text == message.text.strip()
            assert "wismo.example/track/" in message.text
            if kind == "email":
                assert message.subject and "\n" not in message.subject
                assert message.html and "wismo.example/track/" in message.html
                assert "style=" in message.html
            else:
                assert message.subject is None and message.html is None
            assert (message.sms is not None) == (kind == "sms")


def test_every_status_has_all_five_files_in_every_locale():
    for locale in SUPPORTED_LOCALES:
        for status in Status:
            for part in (
                "email/{}.subject.j2",
                "email/{}.html.j2",
                "email/{}.txt.j2",
                "sms/{}.txt.j2",
                "messenger/{}.txt.j2",
            ):
                assert (TEMPLATES_DIR / locale / part.format(status.value)).is_file()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_sms_defaults_stay_within_two_segments(renderer, locale):
    for status in Status:
        info = renderer.render("sms", status, locale, sample_facts(status, locale)).sms
        assert info is not None and 1 <= info.segments <= 2
        assert info.encoding == ("GSM-7" if locale == "en" else "UCS-2")


def test_status_specific_content(renderer):
    shipped = renderer.render("email", Status.SHIPPED, "uk", sample_facts(Status.SHIPPED, "uk"))
    assert "20450712345678" in shipped.html and "Нова Пошта" in shipped.text
    assert "Відправлено 2 з 3 товарів" in shipped.text
    assert "Вітаємо, Олено!" in shipped.text
    pickup = renderer.render(
        "email", "ready_for_pickup", "en", sample_facts("ready_for_pickup", "en")
    )
    assert "Friedrichstraße 45" in pickup.html and "Open 24/7" in pickup.text
    delayed = renderer.render("telegram", "delayed", "ru", sample_facts("delayed", "ru"))
    assert "непогоды" in delayed.text and "18 марта 2025" in delayed.text
    placed = renderer.render("email", "placed", "uk", sample_facts("placed", "uk"))
    assert "1\u00a0250,00\u00a0₴" in placed.text and "Засіб від накипу" in placed.html
    delivered = renderer.render("email", "delivered", "en", sample_facts("delivered", "en"))
    assert "Rate your order" in delivered.html
    full = renderer.render("email", "shipped", "en", sample_facts("shipped", "en"))
    assert "https://wismo.example/unsubscribe/sample-token" in full.html
    assert "help@shop.example" in full.text


def test_html_escapes_and_text_keeps_shopper_data(renderer):
    facts = sample_facts(Status.PLACED, "en")
    facts["customer"] = {"first_name": XSS, "name": XSS}
    facts["order"]["items"] = [{"name": XSS, "quantity": 1, "price": "5.00"}]
    message = renderer.render("email", Status.PLACED, "en", facts)
    assert XSS not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert XSS in message.text
    assert XSS in renderer.render("whatsapp", "placed", "en", facts).text


def test_brand_colour_cannot_smuggle_css(renderer):
    facts = sample_facts(Status.SHIPPED, "en")
    facts["shop"]["brand_color"] = "red;background:url(https://evil.example)"
    html = renderer.render("email", "shipped", "en", facts).html
    assert html is not None and "evil.example" not in html and "#0f766e" in html


def test_css_is_inlined_and_media_query_kept(renderer):
    html = renderer.render("email", "shipped", "en", sample_facts("shipped", "en")).html
    assert html is not None
    assert 'class="button"' in html and "background: #0f766e" in html
    assert "@media" in html


def test_locale_normalised_and_fallback_to_english(renderer, tmp_path: Path):
    facts = sample_facts("shipped", "uk")
    assert renderer.render("sms", "shipped", "uk-UA", facts).text.startswith("Чайники та Ко:")
    assert "has shipped" in renderer.render("sms", "shipped", "de-DE", facts).text
    # a locale folder without this template falls back to the English file
    only_subject = Renderer({"ru/sms/placed.txt.j2": "RU {{ order_number }}"})
    assert only_subject.render("sms", "placed", "ru", facts).text == "RU #1001"


def test_overrides_take_precedence(renderer):
    edited = Renderer({"uk/sms/shipped.txt.j2": "Їде! {{ order_number }} {{ tracking_link }}"})
    facts = sample_facts("shipped", "uk")
    assert edited.render("sms", "shipped", "uk", facts).text.startswith("Їде! #1001 https://")
    assert renderer.render("sms", "shipped", "uk", facts).text.startswith("Чайники")


def test_override_can_extend_the_default_layout():
    source = (
        '{% extends "en/email/_layout.html.j2" %}'
        "{% block content %}<p>Custom for {{ customer_name }}</p>{% endblock %}"
    )
    edited = Renderer({"en/email/shipped.html.j2": source})
    html = edited.render("email", "shipped", "en", sample_facts("shipped", "en")).html
    assert html is not None and "Custom for Emma Clarke" in html and "Track your order" in html


def test_unknown_variable_raises_with_line_and_name():
    source = "Hello {{ first_name }}\n\nYour parcel: {{ parcel_code }}\n"
    edited = Renderer({"en/sms/shipped.txt.j2": source})
    with pytest.raises(TemplateError) as info:
        edited.render("sms", "shipped", "en", sample_facts("shipped", "en"))
    assert info.value.lineno == 3
    assert info.value.name == "en/sms/shipped.txt.j2"
    assert "parcel_code" in str(info.value)


def test_error_inside_a_block_of_an_extending_override_reports_its_line():
    source = (
        '{% extends "en/email/_layout.html.j2" %}\n'
        "{% block content %}\n<p>ok</p>\n<p>{{ nope.deeper }}</p>\n{% endblock %}\n"
    )
    edited = Renderer({"en/email/placed.html.j2": source})
    with pytest.raises(TemplateError) as info:
        edited.render("email", "placed", "en", sample_facts("placed", "en"))
    assert (info.value.lineno, info.value.name) == (4, "en/email/placed.html.j2")


def test_syntax_error_raises_with_line():
    edited = Renderer({"en/sms/shipped.txt.j2": "line one\n{% if order_number %}\nno end\n"})
    with pytest.raises(TemplateError) as info:
        edited.render("sms", "shipped", "en", sample_facts("shipped", "en"))
    assert info.value.lineno is not None and info.value.name == "en/sms/shipped.txt.j2"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ items.__class__.__init__.__globals__ }}",
        "{{ status_label.format.__globals__ }}",
        "{% set x = items.append(1) %}",
    ],
)
def test_sandbox_blocks_unsafe_access(renderer, source):
    with pytest.raises(TemplateError):
        renderer.validate("en/sms/shipped.txt.j2", "ok\n" + source)


def test_validate_accepts_good_source_and_reports_lines(renderer):
    renderer.validate("uk/email/shipped.subject.j2", "Замовлення {{ order_number }} у дорозі")
    renderer.validate(
        "ru/email/ready_for_pickup.html.j2",
        '{% extends "ru/email/_layout.html.j2" %}'
        "{% block content %}{{ pickup_point.address }}{% endblock %}",
    )
    with pytest.raises(TemplateError) as info:
        renderer.validate("en/email/delayed.txt.j2", "a\nb\n{{ reason }} {{ typo }}")
    assert info.value.lineno == 3
    with pytest.raises(TemplateError) as info:
        renderer.validate("en/email/delayed.txt.j2", "a\n{% for x in items %}")
    assert info.value.lineno == 2


def test_validate_does_not_change_the_renderer(renderer):
    renderer.validate("en/sms/placed.txt.j2", "changed {{ order_number }}")
    assert not renderer.render("sms", "placed", "en", sample_facts("placed", "en")).text.startswith(
        "changed"
    )


def test_unknown_kind_is_a_value_error(renderer):
    with pytest.raises(ValueError):
        renderer.render("pigeon", "placed", "en", sample_facts("placed", "en"))


def test_variables_catalogue_matches_the_context():
    context = template_context(sample_facts("shipped", "en"), Status.SHIPPED, "en")
    assert set(context) == set(VARIABLES)
    assert all(description for description in VARIABLES.values())
