"""Storage: SQLAlchemy models, sessions and Alembic migrations. The database is the truth."""
