"""Bad input on every POST endpoint is a 400 naming the field (never a 500) and stores nothing.

Each endpoint is first shown to accept its valid body, so that each refusal below is caused by
the one field the case changes.
"""

import json
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEvent
from complaints.models import Appeal, Case, Complaint, Decision, Evidence, Response, Sanction
from core.models import IdempotencyKey
from tests.complaints.factories import AppealFactory, CaseFactory, DecisionFactory
from tests.conduct.factories import rule
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


MISSING = object()
NOW = "2024-05-01T10:00:00Z"
NESTED = "[" * 5000 + "]" * 5000


@dataclass
class Target:
    client: APIClient
    path: str
    body: dict
    case: Case | None = None


def _staff():
    return {
        "officer": UserFactory(username="officer", roles=["officer"]),
        "investigator": UserFactory(username="investigator", roles=["officer"]),
        "judge": UserFactory(username="judge", roles=["panel"]),
        "appeal_judge": UserFactory(username="appeal_judge", roles=["panel"]),
    }


def _action_target(client_for, action: str) -> Target:
    staff = _staff()
    officer = client_for(staff["officer"])
    if action in ("open_investigation", "dismiss", "resolve_informally"):
        case, client = CaseFactory(), officer
    elif action == "issue_notice":
        case, client = CaseFactory(investigation=True, assigned_to=staff["investigator"]), officer
    elif action == "refer_to_panel":
        noticed = CaseFactory(investigation=True, assigned_to=staff["investigator"], notice_issued_at=timezone.now())
        case, client = noticed, officer
    elif action == "decide":
        case = CaseFactory(panel_stage=True, assigned_to=staff["investigator"])
        case.panel.add(staff["judge"])
        case.rules_charged.add(rule("RU9"))
        client = client_for(staff["judge"])
    else:  # set_appeal_panel, decide_appeal
        case = CaseFactory(appeal=True, assigned_to=staff["investigator"])
        case.panel.add(staff["judge"])
        AppealFactory(decision=DecisionFactory(case=case, decided_by=staff["judge"]), case=case)
        if action == "decide_appeal":
            case.appeal_panel.add(staff["appeal_judge"])
            client = client_for(staff["appeal_judge"])
        else:
            client = officer
    body = {"action": action, "version": case.version, **VALID_ACTIONS[action]}
    return Target(client, f"/api/cases/{case.reference}/actions/", body, case)


VALID_ACTIONS = {
    "open_investigation": {"investigator": "investigator"},
    "dismiss": {"reason_code": "vexatious", "reason": "Vexatious."},
    "resolve_informally": {"sanction": "reminder", "reasons": "A minor lapse."},
    "issue_notice": {"allegations": "Abusive posts.", "rules": ["RU9"]},
    "refer_to_panel": {"report": "The report.", "panel": ["judge"]},
    "decide": {
        "outcome": "upheld",
        "findings": [{"rule": "RU9", "breached": True}],
        "sanctions": [{"code": "formal_warning"}],
        "reasons": "Proven.",
        "departure_reason": "Explained.",
    },
    "set_appeal_panel": {"panel": ["appeal_judge"]},
    "decide_appeal": {"outcome": "dismissed", "reasons": "No merit."},
}


def target(client_for, kind: str) -> Target:
    if kind.startswith("action:"):
        return _action_target(client_for, kind.removeprefix("action:"))
    if kind == "complaint":
        member = MemberFactory(with_login=True)
        body = {"summary": "Abuse", "description": "Abusive messages.", "respondents": [{"name": "A troll"}]}
        return Target(client_for(member.user), "/api/complaints/", body)
    if kind == "response":
        case = CaseFactory(awaiting_response=True)
        return Target(
            client_for(case.respondent.user), f"/api/allegations/{case.reference}/response/", {"text": "No."}, case
        )
    if kind == "appeal":
        case = CaseFactory(decided=True, notice_issued_at=timezone.now())
        DecisionFactory(case=case)
        return Target(
            client_for(case.respondent.user), f"/api/allegations/{case.reference}/appeal/", {"grounds": "G."}, case
        )
    if kind == "token":
        UserFactory(username="someone")
        return Target(
            client_for(None), "/api/auth/token/", {"username": "someone", "password": "correct-horse-battery"}
        )
    raise AssertionError(kind)


ENDPOINTS = ["complaint", "response", "appeal", "token", *(f"action:{a}" for a in VALID_ACTIONS)]


def state(t: Target) -> tuple:
    counts = tuple(
        m.objects.count() for m in (Complaint, Case, AuditEvent, Evidence, Response, Appeal, Decision, Sanction, Token)
    )
    if t.case is None:
        return counts
    t.case.refresh_from_db()
    return counts, t.case.status, t.case.version, t.case.assigned_to_id, t.case.panel.count()


def post(t: Target, body, **extra):
    return t.client.post(t.path, body, format="json", **extra)


def assert_refused(t: Target, response, field: str | None, before):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    data = response.json()
    if field is not None:
        assert isinstance(data, dict) and field in data, data
    assert state(t) == before
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.parametrize("kind", ENDPOINTS)
def test_the_valid_body_of_each_endpoint_is_accepted(client_for, kind):
    t = target(client_for, kind)
    response = post(t, t.body)
    # Actions answer with the case and the token endpoint with the token (200); the rest create something (201).
    expected = 200 if kind.startswith("action:") or kind == "token" else 201
    assert response.status_code == expected, response.content


# --- Field by field ------------------------------------------------------------------------------


def _with(body: dict, changes: dict) -> dict:
    out = dict(body)
    for key, value in changes.items():
        if value is MISSING:
            out.pop(key, None)
        else:
            out[key] = value
    return out


OK_ITEM = {"channel": "twitter", "author_handle": "sender", "occurred_at": NOW}

BAD_FIELDS = [
    # Complaints
    ("complaint", {"summary": 5}, "summary"),
    ("complaint", {"summary": ["Abuse"]}, "summary"),
    ("complaint", {"summary": {"text": "Abuse"}}, "summary"),
    ("complaint", {"summary": "x" * 201}, "summary"),
    ("complaint", {"summary": ""}, "summary"),
    ("complaint", {"summary": None}, "summary"),
    ("complaint", {"summary": MISSING}, "summary"),
    ("complaint", {"summary": "nul\x00byte"}, "summary"),
    ("complaint", {"description": 12.5}, "description"),
    ("complaint", {"description": MISSING}, "description"),
    ("complaint", {"description": "x" * 20_001}, "description"),
    ("complaint", {"incident_date": "2016-02-30"}, "incident_date"),
    ("complaint", {"incident_date": "not-a-date"}, "incident_date"),
    ("complaint", {"incident_date": 20160101}, "incident_date"),
    ("complaint", {"incident_date": ["2016-06-01"]}, "incident_date"),
    ("complaint", {"incident_date": "2999-01-01"}, "incident_date"),
    ("complaint", {"incident_date": "0001-01-01"}, "incident_date"),
    ("complaint", {"rules": "RU1"}, "rules"),
    ("complaint", {"rules": ["RU99"]}, "rules"),
    ("complaint", {"rules": [1]}, "rules"),
    ("complaint", {"rules": [{"code": "RU1"}]}, "rules"),
    ("complaint", {"rules": ["RU1"] * 51}, "rules"),
    ("complaint", {"complainant_is_target": "yes"}, "complainant_is_target"),
    ("complaint", {"complainant_is_target": 1}, "complainant_is_target"),
    ("complaint", {"complainant_is_target": []}, "complainant_is_target"),
    ("complaint", {"share_identity_with_respondent": "maybe"}, "share_identity_with_respondent"),
    ("complaint", {"share_identity_with_respondent": 0}, "share_identity_with_respondent"),
    ("complaint", {"respondents": [{"membership_number": "X9999999"}]}, "respondents"),
    ("complaint", {"respondents": [{"membership_number": 5}]}, "respondents"),
    ("complaint", {"respondents": "a troll"}, "respondents"),
    ("complaint", {"respondents": [{"platform": "myspace", "handle": "troll"}]}, "respondents"),
    ("complaint", {"respondents": [{"platform": "twitter"}]}, "respondents"),
    ("complaint", {"respondents": [{"email": "not-an-email"}]}, "respondents"),
    ("complaint", {"respondents": [{}]}, "respondents"),
    ("complaint", {"respondents": [{"name": "x" * 201}]}, "respondents"),
    ("complaint", {"respondents": [{"name": "A", "email": "a@example.org"}]}, "respondents"),
    ("complaint", {"respondents": [{"nickname": "troll"}]}, "respondents"),
    ("complaint", {"evidence": [{**OK_ITEM, "channel": "carrier-pigeon"}]}, "evidence"),
    ("complaint", {"evidence": [{**OK_ITEM, "channel": 3}]}, "evidence"),
    ("complaint", {"evidence": [{"channel": "twitter", "author_handle": "sender"}]}, "evidence"),
    ("complaint", {"evidence": [{**OK_ITEM, "occurred_at": "2016-02-30T10:00:00Z"}]}, "evidence"),
    ("complaint", {"evidence": [{**OK_ITEM, "occurred_at": "not-a-date"}]}, "evidence"),
    ("complaint", {"evidence": [{**OK_ITEM, "occurred_at": 1700000000}]}, "evidence"),
    ("complaint", {"evidence": [{**OK_ITEM, "occurred_at": "9999-12-31T23:59:59-14:00"}]}, "evidence"),
    ("complaint", {"evidence": [{**OK_ITEM, "text": 5}]}, "evidence"),
    ("complaint", {"evidence": [{**OK_ITEM, "author_handle": ["a"]}]}, "evidence"),
    ("complaint", {"evidence": [{**OK_ITEM, "url": "javascript:alert(1)"}]}, "evidence"),
    ("complaint", {"evidence": [{**OK_ITEM, "sender_key": "member:1"}]}, "evidence"),
    ("complaint", {"evidence": "a post"}, "evidence"),
    ("complaint", {"evidence": [5]}, "evidence"),
    ("complaint", {"colour": "red"}, "colour"),
    # Allegations
    ("response", {"text": 5}, "text"),
    ("response", {"text": ["No."]}, "text"),
    ("response", {"text": {"body": "No."}}, "text"),
    ("response", {"text": ""}, "text"),
    ("response", {"text": "   "}, "text"),
    ("response", {"text": None}, "text"),
    ("response", {"text": MISSING}, "text"),
    ("response", {"text": "x" * 20_001}, "text"),
    ("response", {"colour": "red"}, "colour"),
    ("appeal", {"grounds": 5}, "grounds"),
    ("appeal", {"grounds": ["G."]}, "grounds"),
    ("appeal", {"grounds": ""}, "grounds"),
    ("appeal", {"grounds": MISSING}, "grounds"),
    ("appeal", {"grounds": "x" * 20_001}, "grounds"),
    ("appeal", {"colour": "red"}, "colour"),
    # Token
    ("token", {"username": ["someone"]}, "username"),
    ("token", {"username": {"name": "someone"}}, "username"),
    ("token", {"username": MISSING}, "username"),
    ("token", {"password": ["correct-horse-battery"]}, "password"),
    ("token", {"password": MISSING}, "password"),
    # Every action: the envelope
    ("action:dismiss", {"action": "explode"}, "action"),
    ("action:dismiss", {"action": 7}, "action"),
    ("action:dismiss", {"action": ["dismiss"]}, "action"),
    ("action:dismiss", {"action": None}, "action"),
    ("action:dismiss", {"action": MISSING}, "action"),
    ("action:dismiss", {"version": "abc"}, "version"),
    ("action:dismiss", {"version": 1.5}, "version"),
    ("action:dismiss", {"version": True}, "version"),
    ("action:dismiss", {"version": [1]}, "version"),
    ("action:dismiss", {"version": None}, "version"),
    ("action:dismiss", {"version": 0}, "version"),
    ("action:dismiss", {"version": -1}, "version"),
    ("action:dismiss", {"version": 10**30}, "version"),
    ("action:dismiss", {"version": MISSING}, "version"),
    ("action:dismiss", {"colour": "red"}, "colour"),
    # One action at a time
    ("action:open_investigation", {"investigator": 5}, "investigator"),
    ("action:open_investigation", {"investigator": ["investigator"]}, "investigator"),
    ("action:open_investigation", {"investigator": {"username": "investigator"}}, "investigator"),
    ("action:open_investigation", {"investigator": "nobody"}, "investigator"),
    ("action:open_investigation", {"investigator": "judge"}, "investigator"),
    ("action:open_investigation", {"investigator": ""}, "investigator"),
    ("action:open_investigation", {"investigator": "x" * 151}, "investigator"),
    ("action:open_investigation", {"investigator": MISSING}, "investigator"),
    ("action:dismiss", {"reason_code": "nope"}, "reason_code"),
    ("action:dismiss", {"reason_code": 3}, "reason_code"),
    ("action:dismiss", {"reason_code": ["vexatious"]}, "reason_code"),
    ("action:dismiss", {"reason": 5}, "reason"),
    ("action:dismiss", {"reason": []}, "reason"),
    ("action:dismiss", {"reason": ""}, "reason"),
    ("action:dismiss", {"reason": "x" * 20_001}, "reason"),
    ("action:resolve_informally", {"sanction": "nope"}, "sanction"),
    ("action:resolve_informally", {"sanction": 5}, "sanction"),
    ("action:resolve_informally", {"sanction": "expulsion"}, "sanction"),
    ("action:resolve_informally", {"reasons": {}}, "reasons"),
    ("action:resolve_informally", {"reasons": MISSING}, "reasons"),
    ("action:issue_notice", {"rules": ["RU99"]}, "rules"),
    ("action:issue_notice", {"rules": "RU9"}, "rules"),
    ("action:issue_notice", {"rules": [5]}, "rules"),
    ("action:issue_notice", {"rules": []}, "rules"),
    ("action:issue_notice", {"rules": [["RU9"]]}, "rules"),
    ("action:issue_notice", {"response_due": "2016-02-30"}, "response_due"),
    ("action:issue_notice", {"response_due": "2016-02-30T10:00:00Z"}, "response_due"),
    ("action:issue_notice", {"response_due": "not-a-date"}, "response_due"),
    ("action:issue_notice", {"response_due": 5}, "response_due"),
    ("action:issue_notice", {"response_due": "2020-01-01T00:00:00Z"}, "response_due"),
    ("action:issue_notice", {"response_due": "9999-12-31T23:59:59-14:00"}, "response_due"),
    ("action:issue_notice", {"allegations": []}, "allegations"),
    ("action:issue_notice", {"allegations": "  "}, "allegations"),
    ("action:refer_to_panel", {"panel": ["nobody"]}, "panel"),
    ("action:refer_to_panel", {"panel": "judge"}, "panel"),
    ("action:refer_to_panel", {"panel": [5]}, "panel"),
    ("action:refer_to_panel", {"panel": []}, "panel"),
    ("action:refer_to_panel", {"panel": ["judge", "judge"]}, "panel"),
    ("action:refer_to_panel", {"panel": ["officer"]}, "panel"),
    ("action:refer_to_panel", {"report": 5}, "report"),
    ("action:decide", {"outcome": "maybe"}, "outcome"),
    ("action:decide", {"outcome": True}, "outcome"),
    ("action:decide", {"findings": [{"rule": "RU99", "breached": True}]}, "findings"),
    ("action:decide", {"findings": [{"rule": "RU1", "breached": True}]}, "findings"),
    ("action:decide", {"findings": [{"rule": "RU9", "breached": "yes"}]}, "findings"),
    ("action:decide", {"findings": [{"rule": 9, "breached": True}]}, "findings"),
    ("action:decide", {"findings": [{"rule": "RU9"}]}, "findings"),
    ("action:decide", {"findings": "RU9"}, "findings"),
    ("action:decide", {"findings": [{"rule": "RU9", "breached": True}] * 2}, "findings"),
    ("action:decide", {"sanctions": [{"code": "nope"}]}, "sanctions"),
    ("action:decide", {"sanctions": [{"code": "suspension_membership", "duration_days": 10**12}]}, "sanctions"),
    ("action:decide", {"sanctions": [{"code": "suspension_membership", "duration_days": 2**40}]}, "sanctions"),
    ("action:decide", {"sanctions": [{"code": "suspension_membership", "duration_days": "ten"}]}, "sanctions"),
    ("action:decide", {"sanctions": [{"code": "suspension_membership", "duration_days": 0}]}, "sanctions"),
    ("action:decide", {"sanctions": [{"code": "formal_warning", "duration_days": 1.5}]}, "sanctions"),
    ("action:decide", {"sanctions": [{"code": "formal_warning", "duration_days": 30}]}, "sanctions"),
    ("action:decide", {"sanctions": {"code": "formal_warning"}}, "sanctions"),
    ("action:decide", {"reasons": 5}, "reasons"),
    ("action:decide", {"departure_reason": []}, "departure_reason"),
    ("action:set_appeal_panel", {"panel": ["nobody"]}, "panel"),
    ("action:set_appeal_panel", {"panel": "appeal_judge"}, "panel"),
    ("action:decide_appeal", {"outcome": "maybe"}, "outcome"),
    ("action:decide_appeal", {"outcome": "not_upheld"}, "outcome"),
    ("action:decide_appeal", {"sanctions": [{"code": "nope"}]}, "sanctions"),
    (
        "action:decide_appeal",
        {"outcome": "varied", "sanctions": [{"code": "reminder", "duration_days": 10**12}]},
        "sanctions",
    ),
    ("action:decide_appeal", {"reasons": ["No merit."]}, "reasons"),
    *((f"action:{a}", {"version": 2**40}, "version") for a in VALID_ACTIONS),
]


@pytest.mark.parametrize(
    "kind, changes, field",
    BAD_FIELDS,
    ids=[f"{k}-{'-'.join(c)}-{i}" for i, (k, c, _) in enumerate(BAD_FIELDS)],
)
def test_a_bad_field_is_400_naming_it_and_stores_nothing(client_for, kind, changes, field):
    t = target(client_for, kind)
    before = state(t)
    response = post(t, _with(t.body, changes), HTTP_IDEMPOTENCY_KEY="bad-input")
    assert_refused(t, response, field, before)


# --- Malformed or hostile bodies: not JSON, not an object, too deep, lone surrogates ----------------


def _raw_bodies(t: Target) -> dict[str, str]:
    first_key = next(k for k, v in t.body.items() if isinstance(v, str) and k != "action")
    valid = json.dumps(t.body)
    return {
        "nested": json.dumps({**t.body, first_key: "@@"}).replace('"@@"', NESTED),
        "nested-object": json.dumps({**t.body, first_key: "@@"}).replace('"@@"', '{"a":' * 3000 + "1" + "}" * 3000),
        "truncated": valid[: len(valid) // 2],
        "not-json": "summary=abuse",
        "list": json.dumps([t.body]),
        "empty-list": "[]",
        "string": json.dumps("hello"),
        "number": "42",
        "null": "null",
        "empty": "",
        "nan": json.dumps({**t.body, first_key: "@@"}).replace('"@@"', "NaN"),
        "surrogate": json.dumps({**t.body, first_key: "@@"}).replace('"@@"', '"\\ud800"'),
        "surrogate-key": json.dumps({**t.body, "@@": 1}).replace('"@@"', '"\\ud800"'),
        "huge-number": json.dumps({**t.body, first_key: "@@"}).replace('"@@"', "1" * 5000),
    }


RAW_KINDS = [
    "nested",
    "nested-object",
    "truncated",
    "not-json",
    "list",
    "empty-list",
    "string",
    "number",
    "null",
    "empty",
    "nan",
    "surrogate",
    "surrogate-key",
    "huge-number",
]


RAW_CASES = [
    (kind, raw)
    for kind in ["complaint", "response", "appeal", "token", "action:dismiss", "action:decide"]
    for raw in RAW_KINDS
    if not (kind == "token" and raw == "surrogate-key")  # the token endpoint ignores keys it does not know
]


@pytest.mark.parametrize("kind, raw", RAW_CASES, ids=[f"{k}-{r}" for k, r in RAW_CASES])
def test_a_malformed_or_hostile_body_is_400_and_stores_nothing(client_for, kind, raw):
    t = target(client_for, kind)
    before = state(t)
    response = t.client.post(
        t.path, _raw_bodies(t)[raw], content_type="application/json", HTTP_IDEMPOTENCY_KEY="bad-input"
    )
    assert_refused(t, response, None, before)


# --- Odd but valid text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"respondents": [{"platform": "twitter", "handle": "troll[1"}]},
        {"respondents": [{"platform": "twitter", "handle": "https://x.com/]troll"}]},
        {"evidence": [{**OK_ITEM, "author_handle": "[troll"}]},
        {"evidence": [{**OK_ITEM, "author_handle": "https://[::1/troll"}]},
    ],
    ids=["respondent-handle-open-bracket", "respondent-url-close-bracket", "evidence-handle", "evidence-handle-url"],
)
def test_a_handle_with_brackets_is_an_answer_not_a_server_error(client_for, changes):
    """A sender's handle is free text from the outside world: it may hold any character."""
    t = target(client_for, "complaint")
    before = state(t)
    response = post(t, _with(t.body, changes))
    # The handle is stored as given: only a server error would be wrong.
    assert response.status_code == 201, response.content
    assert Complaint.objects.count() == before[0] + 1


def test_unicode_text_is_stored_as_sent(client_for):
    t = target(client_for, "complaint")
    summary = "Ruth — “traitor” 🐍 زن ユダヤ"
    response = post(t, _with(t.body, {"summary": summary}))
    assert response.status_code == 201
    assert Complaint.objects.get().summary == summary
