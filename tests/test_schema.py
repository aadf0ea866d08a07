"""The OpenAPI 3 schema describes every endpoint of API.md with its bodies; the docs pages load
their assets from our own static files, never from a CDN."""

import re

import pytest
from rest_framework.test import APIClient

from complaints import workflow

pytestmark = pytest.mark.django_db

# path -> {method: success status}
API_MD = {
    "/api/complaints/": {"get": "200", "post": "201"},
    "/api/complaints/{reference}/": {"get": "200"},
    "/api/complaints/{reference}/evidence/": {"get": "200"},
    "/api/cases/": {"get": "200"},
    "/api/cases/{reference}/": {"get": "200"},
    "/api/cases/{reference}/actions/": {"post": "200"},
    "/api/allegations/": {"get": "200"},
    "/api/allegations/{case_reference}/response/": {"post": "201"},
    "/api/allegations/{case_reference}/appeal/": {"post": "201"},
    "/api/audit/sanctions/": {"get": "200"},
    "/api/audit/members/{membership_number}/history/": {"get": "200"},
    "/api/conduct/rules/": {"get": "200"},
    "/api/conduct/sanctions/": {"get": "200"},
    "/api/auth/token/": {"post": "200"},
    "/api/me/": {"get": "200"},
}

ACTIONS = [
    "open_investigation",
    "dismiss",
    "resolve_informally",
    "issue_notice",
    "refer_to_panel",
    "decide",
    "confirm_decision",
    "decide_appeal",
    "set_appeal_panel",
    "close",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"]


@pytest.mark.parametrize("path", sorted(API_MD))
def test_every_path_of_api_md_is_described_with_its_bodies(schema, path):
    assert path in schema["paths"], f"{path} missing from the schema"
    operations = schema["paths"][path]
    for method, success in API_MD[path].items():
        assert method in operations, f"{method.upper()} {path} missing"
        operation = operations[method]
        assert success in operation["responses"], (path, method, list(operation["responses"]))
        assert operation["responses"][success].get("content"), f"{method.upper()} {path} has no response body"
        if method == "post":
            assert operation.get("requestBody", {}).get("content"), f"POST {path} has no request body"


def test_the_police_pack_is_described_as_a_zip_with_its_referral_parameter(schema):
    operation = schema["paths"]["/api/complaints/{reference}/police-pack/"]["get"]
    assert operation["responses"]["200"]["content"] == {
        "application/zip": {"schema": {"type": "string", "format": "binary"}}
    }
    assert [(p["name"], p["schema"]["type"]) for p in operation["parameters"] if p["in"] == "query"] == [
        ("referral", "integer")
    ]


def test_the_case_action_body_describes_every_action(schema):
    body = schema["paths"]["/api/cases/{reference}/actions/"]["post"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[1]
    discriminator = schema["components"]["schemas"][name]["discriminator"]
    described = set(discriminator["mapping"])
    assert described == {a.value for a, e in workflow.ACTIONS.items() if not e.measure and not e.on_complaint}


def test_the_case_list_filters_are_described(schema):
    names = {p["name"] for p in schema["paths"]["/api/cases/"]["get"].get("parameters", [])}
    assert {"status", "severity", "assigned_to", "respondent", "overdue", "ordering", "page", "page_size"} <= names


def test_the_sanction_register_filters_are_described(schema):
    names = {p["name"] for p in schema["paths"]["/api/audit/sanctions/"]["get"].get("parameters", [])}
    assert {
        "member",
        "code",
        "rule",
        "category",
        "region",
        "constituency",
        "status",
        "in_force_on",
        "imposed_after",
        "imposed_before",
        "departed_from_guidance",
    } <= names


def test_the_complaint_body_names_its_fields(schema):
    ref = schema["paths"]["/api/complaints/"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"summary", "description"} <= set(component["required"])
    assert {
        "incident_date",
        "rules",
        "complainant_is_target",
        "share_identity_with_respondent",
        "respondents",
        "evidence",
    } <= set(component["properties"])
    assert component["properties"]["summary"]["maxLength"] == 200


def test_the_schema_is_also_served_as_yaml():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3." in response.content


def _external_assets(page: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page)


@pytest.mark.parametrize("path", ["/api/docs/"])
def test_the_docs_pages_load_their_assets_from_our_static_files(path):
    response = APIClient().get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    # The start-up script is its own URL (no inline script under the CSP); it names the schema.
    script = APIClient().get(path, {"script": ""}).content.decode()
    assert "/api/schema/" in script
    for cdn in ("cdn.jsdelivr", "unpkg", "cdnjs"):
        assert cdn not in page, f"{path} loads from {cdn}"


def test_the_swagger_page_uses_swagger_ui_from_the_sidecar():
    page = APIClient().get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert _external_assets(page) == []


def test_no_redoc_page_is_served():
    """drf-spectacular's ReDoc page loads fonts from a third party (DESIGN.md §8), so it is not served."""
    assert APIClient().get("/api/redoc/").status_code == 404
