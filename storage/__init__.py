"""Storage: SQLAlchemy 2.x models, engine and session factory, Alembic migrations, small repository functions."""
