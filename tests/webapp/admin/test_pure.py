"""The admin's pure parts: secret hints, form parsing, link decoration."""

from __future__ import annotations

import pytest

from core.links import Links
from core.services.engagement import CLICK, decorate_html, tracked_links
from core.shop_settings import Tracking
from webapp.admin import forms

LINKS = Links("k" * 32, "https://wismo.example")


def test_a_secret_shows_at_most_its_last_four_characters():
    assert forms.hint("smtp://u:very-secret@host:587") == "…:587"
    assert forms.hint("short") == "set"
    assert forms.hint("") == ""


def test_status_map_lines():
    assert forms.parse_status_map("# comment\nwc-a = packed\n\nwc-b =\n") == {
        "wc-a": "packed",
        "wc-b": "",
    }
    with pytest.raises(forms.FormError, match="line 1: write key = value"):
        forms.parse_status_map("wc-a packed")
    with pytest.raises(forms.FormError, match="not a Wismo status"):
        forms.parse_status_map("wc-a = beamed")


def test_general_form_refuses_bad_values():
    good = {
        "locale": "uk",
        "timezone": "Europe/Kyiv",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        "debounce_minutes": "2",
    }
    assert forms.parse_general(good) == (
        {"locale": "uk", "timezone": "Europe/Kyiv"},
        {"quiet_hours": ["21:00", "08:00"], "debounce_seconds": 120},
    )
    for key, bad in (("locale", "de"), ("quiet_start", "9pm"), ("debounce_minutes", "-1")):
        with pytest.raises(forms.FormError):
            forms.parse_general({**good, key: bad})


def test_no_quiet_hours_is_said_with_a_box_not_with_equal_times():
    base = {"locale": "en", "timezone": "UTC", "debounce_minutes": "0"}
    # ticked: none, whatever the (greyed out) times say
    _, policy = forms.parse_general({**base, "no_quiet": "on", "quiet_start": "21:00"})
    assert policy["quiet_hours"] == ["00:00", "00:00"]
    # unticked with equal times is a mistake the merchant is told about, not "none"
    with pytest.raises(forms.FormError, match="No quiet hours"):
        forms.parse_general({**base, "quiet_start": "22:00", "quiet_end": "22:00"})


def test_links_are_tracked_but_not_the_unsubscribe_link():
    html = (
        '<a href="https://shop.example/a?x=1&amp;y=2">a</a>'
        '<a href="https://wismo.example/unsubscribe/tok">stop</a></body>'
    )
    out = decorate_html(LINKS, Tracking(clicks=True, opens=True), 7, html)
    assert "shop.example" not in out and "/unsubscribe/tok" in out
    token = out.split("/c/")[1].split('"')[0]
    assert LINKS.read(CLICK, token) == [7, 0]
    assert out.index("/o/") < out.index("</body>")
    assert tracked_links(html)[0] == "https://shop.example/a?x=1&y=2"
    assert decorate_html(LINKS, Tracking(), 7, html) == html
