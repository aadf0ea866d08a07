"""Content-Security-Policy on the admin and the API docs; nothing under /api/ is stored by a cache."""

import re

import pytest

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.parametrize("path", ["/admin/login/", "/api/docs/"])
def test_admin_and_docs_carry_a_policy_with_no_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


def test_the_admin_pages_of_a_logged_in_officer_carry_the_policy(client):
    client.force_login(UserFactory(roles=["officer"]))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]


def test_the_docs_page_has_no_inline_script_for_the_policy_to_block(client):
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts, "the docs page loads Swagger UI"
    for attributes, body in scripts:
        assert "src=" in attributes and not body.strip(), "inline script"
    script_url = re.findall(r'<script src="([^"]*script=[^"]*)"', page)
    assert script_url, "the start-up script is loaded from a URL"
    script = client.get(script_url[0].replace("&amp;", "&"))
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize(
    "method, path, authenticated",
    [
        ("get", "/api/me/", True),
        ("get", "/api/me/", False),  # 401 too
        ("get", "/api/conduct/rules/", False),
        ("post", "/api/auth/token/", False),
        ("get", "/api/docs/", False),
        ("get", "/api/schema/", False),
    ],
)
def test_every_api_response_is_no_store(client_for, method, path, authenticated):
    client = client_for(UserFactory(roles=["officer"]) if authenticated else None)
    response = getattr(client, method)(path)
    assert "no-store" in response["Cache-Control"]
