import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo data, built once: every operation is called against a realistic database."""
    from complaints.demo.build import build_demo

    with django_db_blocker.unblock():
        build_demo(password="fuzz-pass-123")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI application, which closes the database connection after each
    one; the test's transaction needs it kept, as Django's test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
