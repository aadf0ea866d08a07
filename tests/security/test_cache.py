"""Throttle and lockout counters sit in a cache every process shares: Redis, or a database table."""

import subprocess
import sys

import pytest
from django.core.cache import cache, caches
from django.db import connection

from config import settings as project_settings

pytestmark = pytest.mark.django_db

BASE_ENV = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:///:memory:"}
PROD_ENV = {
    **BASE_ENV,
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 64,
    "DJANGO_ALLOWED_HOSTS": "compliance.example.org",
}


def settings_of(env: dict, expression: str) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter under `env` and print `expression`."""
    code = f"import config.settings as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=project_settings.BASE_DIR
    )


@pytest.mark.skipif(bool(project_settings.REDIS_URL), reason="this run uses Redis (REDIS_URL)")
def test_without_redis_the_cache_is_a_table_that_migrate_created(tmp_path):
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    assert "conduct_cache" in connection.introspection.table_names()
    cache.set("probe", 1)
    assert cache.get("probe") == 1
    # A fresh database gets the table from `migrate` alone (make demo, production).
    env = {**BASE_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        env=env,
        capture_output=True,
        text=True,
        cwd=project_settings.BASE_DIR,
    )
    assert migrate.returncode == 0, migrate.stderr
    result = settings_of(
        env,
        "__import__('sqlite3').connect(s.DATABASES['default']['NAME'])"
        ".execute(\"select name from sqlite_master where name='conduct_cache'\").fetchall()",
    )
    assert "conduct_cache" in result.stdout, result.stderr


def test_redis_url_selects_djangos_redis_cache():
    result = settings_of({**BASE_ENV, "REDIS_URL": "redis://127.0.0.1:6379/3"}, "s.CACHES['default']")
    assert result.returncode == 0, result.stderr
    assert "django.core.cache.backends.redis.RedisCache" in result.stdout
    assert "redis://127.0.0.1:6379/3" in result.stdout


def test_sessions_are_kept_in_the_database():
    result = settings_of(BASE_ENV, "s.SESSION_ENGINE")
    assert result.stdout.strip() == "django.contrib.sessions.backends.db"


def test_production_settings_load_with_the_database_cache():
    result = settings_of(PROD_ENV, "s.CACHES['default']['BACKEND']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"
