"""Every operation of the OpenAPI schema, called with generated input by each kind of caller: the
engine must never answer with a server error (5xx), whatever it is sent.

Run by .ci/run in its own step (schemathesis is not a runtime or test dependency):
    pip install -r .ci/fuzz/requirements.txt
    pytest -p no:cacheprovider -c .ci/fuzz/pytest.ini .ci/fuzz
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

EXAMPLES = 25


pytestmark = pytest.mark.django_db
# The schema is read once, at collection; it needs no database.
schema = schemathesis.from_wsgi("/api/schema/", application, headers={"Host": "127.0.0.1"})


def token_for(username: str) -> str:
    from django.contrib.auth import get_user_model

    from members.tokens import token_issue

    return token_issue(user=get_user_model().objects.get(username=username)).key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
@pytest.mark.parametrize("who", ["officer", "auditor", "panel1", "member", "respondent", None])
def test_no_operation_answers_with_a_server_error(case, who):
    headers = {"Host": "127.0.0.1"}
    if who is not None:
        headers["Authorization"] = f"Token {token_for(who)}"
    case.call_and_validate(headers=headers, checks=(not_a_server_error,))
