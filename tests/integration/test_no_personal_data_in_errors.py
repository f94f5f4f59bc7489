"""Issue 16 item 13 (part): a database error names the statement, not the shopper's data."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from core.storage.models import StaffUser
from tests.conftest import add_shop


def test_a_database_error_does_not_carry_the_bound_values(container):
    add_shop(container)
    with container.session() as s:
        # a foreign key error: the driver's own detail names the key only; the statement's
        # parameters (the email) were what SQLAlchemy added to every message and log line
        s.add(StaffUser(shop_id=999_999, email="olena.private@example.com", role="owner"))
        with pytest.raises(IntegrityError) as info:
            s.commit()
    assert "olena.private" not in str(info.value)
    assert "hidden due to hide_parameters" in str(info.value)


def test_a_unique_key_error_names_the_constraint_not_the_value(container, caplog):
    """PostgreSQL's own DETAIL quotes the key's value (item 13, rest): it is dropped, the
    constraint's name kept; SQLite never quotes values."""
    shop = add_shop(container).shop
    with container.session() as s:
        s.add(StaffUser(shop_id=shop.id, email="olena.private@example.com", role="owner"))
        s.commit()
    with container.session() as s:
        s.add(StaffUser(shop_id=shop.id, email="olena.private@example.com", role="agent"))
        with pytest.raises(IntegrityError) as info:
            s.commit()
        logging.getLogger("wismo.test").exception("the insert failed")
    text = str(info.value)
    assert "olena.private" not in text
    assert "olena.private" not in str(info.value.orig)
    assert "olena.private" not in caplog.text  # the logged traceback, chained cause included
    if container.engine.dialect.name == "postgresql":
        assert "DETAIL" not in caplog.text
        assert "CONSTRAINT: " in text  # what a reader needs to find the cause
        assert "duplicate key value violates unique constraint" in text
