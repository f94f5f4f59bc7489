"""Issue 16 item 13 (part): a database error names the statement, not the shopper's data."""

from __future__ import annotations

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
