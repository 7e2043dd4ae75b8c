"""Alembic migrations; run them with `kaikubot db upgrade`."""
