"""Fixtures for the whole suite: the roles, one API client per user, and cases walked through the services.

A case in a later state is reached with the demo's CaseWalker (`walker`, or `case_at` for a new
case), never written directly, so no test sees a state the engine could not produce.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.demo.walker import CaseWalker, Stage
from complaints.models import Sanction
from complaints.services.standing import sanctions_mark_spent
from tests.complaints.factories import CaseFactory
from tests.members.factories import MemberFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories give every login a password; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stored files (evidence's native files) go to a folder of the test's own, never the project's."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


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


@pytest.fixture
def client_for():
    """client_for(user, **options): an API client authenticated as `user` (anonymous for None).

    The options go to APIClient (raise_request_exception=False, say).
    """

    def make(user, **options) -> APIClient:
        client = APIClient(**options)
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


# --- The roles ---------------------------------------------------------------------------------------


@pytest.fixture
def officer():
    """A compliance officer: triages, opens investigations, sets appeal panels, closes."""
    return UserFactory(roles=["officer"])


@pytest.fixture
def investigator():
    """A second compliance officer: the investigator the walker assigns by default."""
    return UserFactory(roles=["officer"])


@pytest.fixture
def panel():
    """Three panel members: panel[:1] is a panel of one, the whole list a full panel."""
    return [UserFactory(roles=["panel"]) for _ in range(3)]


@pytest.fixture
def judge():
    """A panel member who sits on no first panel: hears appeals."""
    return UserFactory(roles=["panel"])


@pytest.fixture
def appeal_panel():
    """Three panel members who sat on no first panel: a full appeal panel."""
    return [UserFactory(roles=["panel"]) for _ in range(3)]


@pytest.fixture
def auditor():
    """An auditor: reads the log, the register and the statistics; writes nothing."""
    return UserFactory(roles=["auditor"])


@pytest.fixture
def auditor_client(client_for, auditor):
    """An API client for `auditor`, for tests that only read as one."""
    return client_for(auditor)


@pytest.fixture
def member():
    """A member with a login (a complainant, say)."""
    return MemberFactory(with_login=True)


@pytest.fixture
def respondent():
    """A member with a login, to be complained about."""
    return MemberFactory(with_login=True)


# --- Cases, walked through the services ----------------------------------------------------------------


@pytest.fixture
def t0():
    """The moment the test starts; services are given `now=` relative to it."""
    return timezone.now()


@pytest.fixture
def walker(officer, investigator, panel, judge, t0):
    """The demo's CaseWalker with these staff: `investigator` investigates, panel[0] decides, `judge` hears appeals."""
    return CaseWalker(officer=officer, investigator=investigator, panel=panel, appeal_panel=[judge], now=t0)


@pytest.fixture
def case_at(walker):
    """case_at(Stage.PANEL, **choices): a new case (or `case`) walked to that stage through the services.

    The notice charges `rules` (default: the complaint's rules, else RU9); the other choices
    are CaseWalker.walk's.
    """

    def make(stage: Stage, case=None, *, rules=None, **choices):
        case = case or CaseFactory()
        if rules is None and not case.complaint.rules.exists():
            rules = ["RU9"]
        return walker.walk(case, stage, rules=rules, **choices)

    return make


def _audit_triggers(enable: bool) -> None:
    """Set aside, or restore, the triggers that stop Django emptying the audit tables between tests."""
    from django.db import connection

    from tests.audit.tamper import SQLITE_TRIGGERS

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            state = "ENABLE" if enable else "DISABLE"
            cursor.execute(f"ALTER TABLE audit_auditevent {state} TRIGGER audit_no_truncate")
            cursor.execute(f"ALTER TABLE audit_auditcheckpoint {state} TRIGGER audit_checkpoint_no_truncate")
        elif enable:
            for name, sql in SQLITE_TRIGGERS.items():
                cursor.execute(sql.replace(f"CREATE TRIGGER {name}", f"CREATE TRIGGER IF NOT EXISTS {name}"))
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
            cursor.execute("DROP TRIGGER IF EXISTS audit_checkpoint_no_delete")


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


# The rule whose guidance (no prior record) contains each sanction, so that no departure is needed.
RULE_FOR_SANCTION = {
    "no_further_action": "RU11",
    "reminder": "RU9",
    "formal_warning": "RU9",
    "conditions": "RU9",
    "suspension_office": "RU10",
    "suspension_membership": "RU10",
    "expulsion": "RU1",
}


@pytest.fixture
def sanctioned(walker):
    """sanctioned(respondent, code, on=date, ...): a sanction imposed through the services; returns it.

    The case is decided (and confirmed, unless `status` is pending) at noon on `on` (default
    today), charging `rules` (default: a rule whose guidance holds the sanction). An overturned
    or varied sanction is appealed the next day and decided on appeal on `revoked_on` (varied to
    a reminder, which is a second sanction); a spent one is marked spent the day after it ends.
    """

    def make(
        respondent=None,
        code="formal_warning",
        *,
        on=None,
        days=None,
        status=Sanction.Status.ACTIVE,
        revoked_on=None,
        rules=None,
        conditions="",
        departure_reason="",
    ) -> Sanction:
        on = on or timezone.localdate()
        at = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
        spec = walker.sanction(code, days, conditions or ("Apologise in writing." if code == "conditions" else ""))
        case = CaseFactory(respondent=respondent) if respondent else CaseFactory()
        case = walker.walk(
            case,
            Stage.DECIDED,
            now=at,
            rules=rules or [RULE_FOR_SANCTION[code]],
            sanctions=[spec],
            departure_reason=departure_reason,
            confirm=status != Sanction.Status.PENDING,
        )
        sanction = case.sanctions.get()
        if status in (Sanction.Status.OVERTURNED, Sanction.Status.VARIED):
            revoked_at = timezone.make_aware(dt.datetime.combine(revoked_on, dt.time(12)))
            case = walker.walk(case, Stage.APPEAL_PANEL, now=at + dt.timedelta(days=1))
            if status == Sanction.Status.OVERTURNED:
                walker.decide_appeal(case, outcome="upheld", now=revoked_at)
            else:
                walker.decide_appeal(case, outcome="varied", sanctions=[walker.sanction("reminder")], now=revoked_at)
        if status == Sanction.Status.SPENT:
            sanctions_mark_spent(today=sanction.ends_on + dt.timedelta(days=1))
        sanction.refresh_from_db()
        assert sanction.status == status, (sanction.status, status)
        return sanction

    return make
