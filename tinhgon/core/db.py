"""Database housekeeping that operators' commands run after bulk work."""

from __future__ import annotations

from django.db import connection


def refresh_statistics() -> None:
    """After tens of thousands of rows arrive at once, PostgreSQL's planner still believes the
    tables are small until autovacuum catches up; ANALYZE now so the next queries plan well.
    SQLite plans without statistics of this kind; nothing to do there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
