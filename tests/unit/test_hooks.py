"""Per-client hooks: run in slug order, the first drop or veto decides, failures contained."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from core import hooks
from core.domain.events import OrderEventIn
from core.domain.statuses import Status
from wismo.sdk.testing import installed

SHOP = hooks.HookShop(1, "key", "Shop", "api", {"client": "c"})
EVENT = OrderEventIn("e1", "api", "1001", datetime(2026, 1, 1, tzinfo=UTC), Status.SHIPPED)
MESSAGE = hooks.HookMessage("sms", "shipped", "1001", "1001")


class Renumber:
    def adjust_event(self, shop: Any, event: OrderEventIn) -> OrderEventIn:
        return replace(event, number="R-1")


class Nonsense:
    def adjust_event(self, shop: Any, event: OrderEventIn) -> Any:
        return {"not": "an event"}

    def template_variables(self, shop: Any, message: Any) -> Any:
        return {"extra": 1, "first_name": "Mallory"}

    def veto(self, shop: Any, message: Any) -> str | None:
        return None


class Dropper:
    def adjust_event(self, shop: Any, event: OrderEventIn) -> None:
        return None

    def veto(self, shop: Any, message: Any) -> str:
        return "never on " + message.channel


def test_no_hooks_change_nothing() -> None:
    assert hooks.adjust_event(SHOP, EVENT) is EVENT
    assert hooks.vetoed(SHOP, MESSAGE) is None
    assert hooks.template_variables(SHOP, MESSAGE, {}) == {}


def test_hooks_run_in_slug_order_and_a_wrong_answer_is_ignored(caplog) -> None:
    with installed("hook", "a_renumber", Renumber), installed("hook", "b_nonsense", Nonsense):
        adjusted = hooks.adjust_event(SHOP, EVENT)
        extra = hooks.template_variables(SHOP, MESSAGE, {"first_name": "Olena"})
    assert adjusted is not None and adjusted.number == "R-1"
    assert extra == {"extra": 1}  # Wismo's own names are never replaced
    assert any("not an OrderEventIn" in r.getMessage() for r in caplog.records)
    assert any(
        "may not replace the template variable 'first_name'" in r.getMessage()
        for r in caplog.records
    )


def test_the_first_drop_or_veto_decides() -> None:
    with installed("hook", "a_dropper", Dropper), installed("hook", "b_renumber", Renumber):
        assert hooks.adjust_event(SHOP, EVENT) is None
        assert hooks.vetoed(SHOP, MESSAGE) == "a_dropper: never on sms"


def test_a_hook_that_cannot_be_built_is_skipped(caplog) -> None:
    class Picky:
        def __init__(self, needed: str) -> None: ...

    caplog.set_level(logging.ERROR, logger="core.hooks")
    with installed("hook", "picky", Picky), installed("hook", "renumber", Renumber):
        adjusted = hooks.adjust_event(SHOP, EVENT)
    assert adjusted is not None and adjusted.number == "R-1"
    assert any("hook picky could not be built" in r.getMessage() for r in caplog.records)
