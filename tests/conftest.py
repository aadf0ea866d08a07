import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def audit_flushable_db(django_db_serialized_rollback, transactional_db):
    """transactional_db for tests with real concurrent connections; the shipped data (rules, groups)
    is restored after the flush.

    On PostgreSQL the audit table refuses TRUNCATE, which is how Django empties the
    database after such a test; the trigger is set aside for that flush only.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_no_truncate")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_no_truncate")
