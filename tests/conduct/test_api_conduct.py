"""The public pages: the rules in force and the sanction ladder, readable without logging in."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


RULE_FIELDS = {"code", "title", "text", "category", "severity"}
SANCTION_FIELDS = {"code", "name", "level", "max_duration_days"}


def test_rules_in_force_are_public_and_list_ru1_to_ru12():
    response = APIClient().get("/api/conduct/rules/")
    assert response.status_code == 200
    rules = response.json()
    assert isinstance(rules, list)
    assert [r["code"] for r in rules] == [f"RU{n}" for n in range(1, 13)]
    for rule in rules:
        assert RULE_FIELDS <= set(rule)
        assert rule["title"] and rule["text"]
        assert rule["severity"] in {"low", "medium", "high", "critical"}
    by_code = {r["code"]: r for r in rules}
    assert by_code["RU1"]["category"] == "threat_of_violence"
    assert by_code["RU1"]["severity"] == "critical"
    assert by_code["RU2"]["category"] == "antisemitism"


def test_sanction_ladder_is_public_and_has_seven_rungs_least_severe_first():
    response = APIClient().get("/api/conduct/sanctions/")
    assert response.status_code == 200
    rungs = response.json()
    assert isinstance(rungs, list)
    assert [r["code"] for r in rungs] == [
        "no_further_action",
        "reminder",
        "formal_warning",
        "conditions",
        "suspension_office",
        "suspension_membership",
        "expulsion",
    ]
    for rung in rungs:
        assert SANCTION_FIELDS <= set(rung)
    assert [r["level"] for r in rungs] == list(range(7))
    by_code = {r["code"]: r for r in rungs}
    assert by_code["suspension_membership"]["max_duration_days"] == 365
    assert by_code["suspension_office"]["max_duration_days"] == 365
    assert by_code["formal_warning"]["max_duration_days"] is None


def test_interim_suspension_is_not_on_the_sanction_ladder():
    codes = {r["code"] for r in APIClient().get("/api/conduct/sanctions/").json()}
    assert not any("interim" in code or "administrative" in code for code in codes)


@pytest.mark.parametrize("path", ["/api/conduct/rules/", "/api/conduct/sanctions/"])
def test_public_pages_ignore_a_bad_token(path):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/api/conduct/rules/", "/api/conduct/sanctions/"])
def test_public_pages_are_read_only(path):
    response = APIClient().post(path, {"code": "RU13"}, format="json")
    assert response.status_code == 405
