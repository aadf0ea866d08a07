"""Every API endpoint, every method, every kind of caller: the exact status code of each cell.

The routes are read from the URL configuration, so a new endpoint without a row here fails
the test. Writes are sent with an empty body, so each cell shows the first refusal a caller
meets: no login 401, the wrong role 403, out of scope (or conflicted, for reads) 404, bad
input 400. A conflicted officer acting on a case meets the input check first; with valid
input the registry refuses them with 403 in words (tests/complaints/test_registry.py).
The world: a complaint filed by `member`, its case at the panel stage against `respondent`
(with a threat item from them), `panel_on` on its panel, `conflicted` an officer who declared
a conflict with the respondent. Run with MATRIX_PRINT=1 to print the observed table.
"""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver

from complaints.demo.walker import Stage
from complaints.models import ConflictDeclaration, Evidence, UploadJob
from complaints.services.evidence import evidence_upload
from complaints.services.evidence.files import evidence_file_attach
from tests.complaints.factories import CaseFactory, ComplaintFactory
from tests.members.factories import IdentityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "member", "respondent", "conflicted", "officer", "panel_on", "panel_off", "auditor"]
METHODS = ("get", "post", "put", "patch", "delete")

# (route name, method): status for each caller, in the order of CALLERS.
EXPECTED = {
    ("conduct-rules", "get"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("conduct-sanctions", "get"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("conduct-guidance", "get"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("auth-token", "post"): (400, 400, 400, 400, 400, 400, 400, 400),
    ("auth-token", "delete"): (401, 204, 204, 204, 204, 204, 204, 204),
    ("me", "get"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("audit-events", "get"): (401, 403, 403, 403, 403, 403, 403, 200),
    ("audit-security", "get"): (401, 403, 403, 403, 403, 403, 403, 200),
    ("audit-checkpoints", "get"): (401, 403, 403, 403, 403, 403, 403, 200),
    ("audit-verify", "get"): (401, 403, 403, 403, 403, 403, 403, 200),
    ("audit-access", "get"): (401, 403, 403, 403, 403, 403, 403, 200),
    ("complaint-list", "get"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("complaint-list", "post"): (401, 400, 400, 403, 403, 403, 403, 403),
    ("complaint-detail", "get"): (401, 200, 404, 404, 200, 200, 404, 200),
    ("complaint-evidence", "get"): (401, 200, 404, 404, 200, 200, 404, 200),
    ("complaint-evidence", "post"): (401, 400, 404, 404, 400, 400, 404, 403),
    ("evidence-files", "post"): (401, 400, 404, 404, 400, 403, 404, 403),
    ("evidence-file", "get"): (401, 200, 404, 404, 200, 200, 404, 200),
    ("upload-job", "get"): (401, 200, 404, 404, 200, 404, 404, 404),
    ("evidence-mappings", "get"): (401, 403, 403, 200, 200, 403, 403, 403),
    ("evidence-mappings", "post"): (401, 403, 403, 400, 400, 403, 403, 403),
    ("complaint-senders", "get"): (401, 403, 403, 404, 200, 403, 403, 403),
    ("complaint-threats", "get"): (401, 403, 403, 404, 200, 403, 403, 403),
    ("complaint-police-referrals", "post"): (401, 403, 403, 404, 400, 403, 403, 403),
    ("complaint-police-pack", "get"): (401, 403, 403, 404, 200, 403, 403, 403),
    ("evidence-classification", "post"): (401, 403, 403, 404, 400, 403, 403, 403),
    ("complaint-case-open", "post"): (401, 403, 403, 404, 400, 403, 403, 403),
    ("case-list", "get"): (401, 403, 403, 200, 200, 200, 200, 200),
    ("case-detail", "get"): (401, 404, 404, 404, 200, 200, 404, 200),
    ("case-actions", "post"): (401, 403, 403, 400, 400, 400, 404, 403),
    ("case-police-referrals", "post"): (401, 403, 403, 403, 400, 403, 403, 403),
    ("case-interim-suspension", "post"): (401, 403, 403, 400, 400, 403, 403, 403),
    ("case-interim-review", "post"): (401, 403, 403, 400, 400, 403, 403, 403),
    ("allegation-list", "get"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("allegation-response", "post"): (401, 404, 400, 404, 404, 404, 404, 403),
    ("allegation-appeal", "post"): (401, 404, 400, 404, 404, 404, 404, 403),
    ("audit-stats", "get"): (401, 403, 403, 200, 200, 403, 403, 200),
    ("audit-sanctions", "get"): (401, 403, 403, 200, 200, 403, 403, 200),
    ("audit-member-history", "get"): (401, 403, 403, 404, 200, 403, 403, 200),
    ("schema", "get"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("api-docs", "get"): (200, 200, 200, 200, 200, 200, 200, 200),
}


def api_routes():
    """(route name, pattern, methods) of every API endpoint, from the URL configuration."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith("api/"):
            continue
        view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        methods = [m for m in METHODS if view is not None and hasattr(view, m)]
        yield pattern.name, route, methods


@pytest.fixture
def world(case_at, panel):
    complainant = MemberFactory(with_login=True)
    respondent = MemberFactory(with_login=True)
    complaint = ComplaintFactory(filed_by=complainant.user, complainant=complainant)
    case = case_at(Stage.PANEL, CaseFactory(complaint=complaint, respondent=respondent))
    IdentityFactory(member=respondent, platform="twitter", value="respondent_handle")
    threat = {
        "channel": "twitter",
        "author_handle": "respondent_handle",
        "text": "someone will hang you Ruth, just wait",
        "url": "https://twitter.com/respondent_handle/status/1",
        "occurred_at": complaint.submitted_at,
    }
    evidence_upload(complaint=complaint, items=[threat], rejected=[], actor=complainant.user)
    evidence = Evidence.objects.filter(complaint=complaint).first()
    screenshot = SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    native = evidence_file_attach(evidence=evidence, upload=screenshot, actor=complainant.user)
    job = UploadJob.objects.create(
        complaint=complaint, created_by=complainant.user, path="evidence-uploads/none", size=1, format="csv"
    )
    conflicted = UserFactory(roles=["officer"])
    ConflictDeclaration.objects.create(user=conflicted, member=respondent, reason="my brother")
    callers = {
        "anonymous": None,
        "member": complainant.user,
        "respondent": respondent.user,
        "conflicted": conflicted,
        "officer": UserFactory(roles=["officer"]),
        "panel_on": panel[0],
        "panel_off": UserFactory(roles=["panel"]),
        "auditor": UserFactory(roles=["auditor"]),
    }
    names = {
        "reference": None,  # filled per route: a complaint's or a case's
        "pk": evidence.pk,
        "file_id": native.pk,
        "case_reference": case.reference,
        "membership_number": respondent.membership_number,
        "job_id": str(job.pk),
    }
    return complaint, case, callers, names


def url_of(route: str, complaint, case, names) -> str:
    path = "/" + route
    reference = case.reference if route.startswith("api/cases/") else complaint.reference
    path = path.replace("<str:reference>", reference)
    path = path.replace("<int:pk>", str(names["pk"])).replace("<int:file_id>", str(names["file_id"]))
    path = path.replace("<str:case_reference>", names["case_reference"]).replace("<uuid:job_id>", names["job_id"])
    return path.replace("<str:membership_number>", names["membership_number"])


def test_every_endpoint_answers_each_caller_with_exactly_the_expected_status(world, client_for):
    complaint, case, callers, names = world
    observed = {}
    for name, route, methods in api_routes():
        for method in methods:
            row = []
            for caller in CALLERS:
                client = client_for(callers[caller])
                response = getattr(client, method)(url_of(route, complaint, case, names), {}, format="json")
                row.append(response.status_code)
            observed[(name, method)] = tuple(row)
    if os.environ.get("MATRIX_PRINT"):
        print()
        for key, row in observed.items():
            print(f"    {key!r}: {row},")
    assert set(observed) == set(EXPECTED), "an endpoint without a row in EXPECTED, or a row for none"
    mismatches = {k: (observed[k], EXPECTED[k]) for k in EXPECTED if observed[k] != EXPECTED[k]}
    assert mismatches == {}
