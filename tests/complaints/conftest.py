"""Staff users and a fixed clock shared by the complaints service tests."""

import pytest
from django.utils import timezone

from tests.members.factories import UserFactory


@pytest.fixture
def t0():
    """The moment the test starts; services are given `now=` relative to it."""
    return timezone.now()


@pytest.fixture
def officer():
    return UserFactory(roles=["officer"])


@pytest.fixture
def investigator():
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
def auditor():
    return UserFactory(roles=["auditor"])
