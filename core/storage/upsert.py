"""INSERT ... ON CONFLICT DO NOTHING for the backends we support."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: type[Any]) -> Any:
    """An insert that silently skips rows violating a unique constraint."""
    dialect = session.get_bind().dialect.name
    mod = postgresql if dialect == "postgresql" else sqlite
    return mod.insert(model).on_conflict_do_nothing()
