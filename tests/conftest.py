import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories give every login a password; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(django_db_setup, django_db_blocker):
    """Throttle and lockout counters live in the cache (a database table unless REDIS_URL is set);
    each test starts with none."""
    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


def _audit_triggers(enable: bool) -> None:
    """Set aside, or restore, the triggers that stop Django emptying the audit table between tests."""
    from django.db import connection

    from tests.audit.tamper import SQLITE_TRIGGERS

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            state = "ENABLE" if enable else "DISABLE"
            cursor.execute(f"ALTER TABLE audit_auditevent {state} TRIGGER audit_no_truncate")
        elif enable:
            for name, sql in SQLITE_TRIGGERS.items():
                cursor.execute(sql.replace(f"CREATE TRIGGER {name}", f"CREATE TRIGGER IF NOT EXISTS {name}"))
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")


@pytest.fixture
def _audit_triggers_restored(django_db_blocker):
    """Set up before transactional_db, so its teardown runs after the flush: the triggers come back."""
    yield
    with django_db_blocker.unblock():
        _audit_triggers(enable=True)


@pytest.fixture
def audit_flushable_db(_audit_triggers_restored, django_db_serialized_rollback, transactional_db):
    """transactional_db for tests with real concurrent connections; the shipped data (rules, groups)
    is restored after the flush.

    The audit table refuses DELETE (and TRUNCATE on PostgreSQL), which is how Django
    empties the database after such a test; the triggers are set aside for that flush only.
    """
    yield
    _audit_triggers(enable=False)
