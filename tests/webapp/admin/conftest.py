from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import add_shop
from webapp.app import create_app

from .helpers import make_staff


@pytest.fixture
def app(container: Any) -> Any:
    return create_app(container=container)


@pytest.fixture
def owner(container: Any) -> Any:
    """Shop A with an owner (owner@a.example) and an agent (agent@a.example)."""
    new = add_shop(container, name="Shop A")
    make_staff(container, new.shop.id, "owner@a.example", "owner")
    make_staff(container, new.shop.id, "agent@a.example", "agent")
    return new
