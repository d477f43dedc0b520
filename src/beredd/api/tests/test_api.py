"""The REST API: tokens bound to one membership, problem details, pagination, org endpoints."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beredd.accounts.models import ApiToken, Membership
from beredd.accounts.services import token_create, token_revoke
from beredd.core.models import AuditEvent


@pytest.fixture
def token_for(make_user: Any) -> Any:
    def make(org: Any, role: str) -> tuple[Any, str]:
        user = make_user(org, role)
        token, secret = token_create(actor=user, membership=Membership.objects.get(user=user), name="test", days=10)
        return token, secret

    return make


def auth(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_openapi_document_is_served(client: Client, db: Any) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["title"] == "Beredd API"
    assert "/api/v1/orgs/{org_id}/subtree" in doc["paths"]


def test_no_credentials_gives_a_problem_document(client: Client, db: Any) -> None:
    response = client.get("/api/v1/orgs/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["type"].endswith("unauthorized")


def test_a_token_sees_its_subtree_paginated(client: Client, ref: dict[str, Any], token_for: Any) -> None:
    _token, secret = token_for(ref["gavleborg"], "viewer")
    response = client.get(f"/api/v1/orgs/{ref['gavleborg'].pk}/subtree?kind=kommun", **auth(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 10 and {i["code"] for i in body["items"]} >= {"2180", "2181"}
    children = client.get(f"/api/v1/orgs/{ref['gavleborg'].pk}/children", **auth(secret)).json()
    # The län's children: its 10 kommuner and, beside them, its region (issue 13: regions as partners).
    assert children["count"] == 11
    assert sorted({i["kind"] for i in children["items"]}) == ["kommun", "region"]
    search = client.get("/api/v1/orgs/?q=2180", **auth(secret)).json()
    assert [i["name"] for i in search["items"]] == ["Gävle"]


def test_a_token_outside_its_subtree_gets_404(client: Client, ref: dict[str, Any], token_for: Any) -> None:
    _token, secret = token_for(ref["gavle"], "viewer")
    response = client.get(f"/api/v1/orgs/{ref['sandviken'].pk}", **auth(secret))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_token_acts_only_with_its_membership(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    user = make_user(ref["gavle"], "viewer")
    Membership.objects.create(user=user, organisation=ref["stockholm"], role="viewer")
    token, secret = token_create(
        actor=user, membership=Membership.objects.get(user=user, organisation=ref["gavle"]), name="t", days=3
    )
    assert client.get(f"/api/v1/orgs/{ref['gavle'].pk}", **auth(secret)).status_code == 200
    assert client.get(f"/api/v1/orgs/{ref['stockholm'].pk}", **auth(secret)).status_code == 404
    me = client.get("/api/v1/me/", **auth(secret)).json()
    assert [m["organisation_name"] for m in me["memberships"]] == ["Gävle"]


def test_revoked_and_expired_tokens_are_refused(client: Client, ref: dict[str, Any], token_for: Any) -> None:
    token, secret = token_for(ref["gavle"], "viewer")
    assert client.get("/api/v1/me/", **auth(secret)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    token_revoke(actor=token.user, token=token)
    assert client.get("/api/v1/me/", **auth(secret)).status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke").exists()
    token2, secret2 = token_for(ref["gavle"], "viewer")
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me/", **auth(secret2)).status_code == 401


def test_a_token_of_a_deactivated_user_or_membership_is_refused(client: Client, ref: dict[str, Any], token_for: Any) -> None:
    token, secret = token_for(ref["gavle"], "viewer")
    Membership.objects.filter(pk=token.membership_id).update(is_active=False)
    assert client.get("/api/v1/me/", **auth(secret)).status_code == 401
    token2, secret2 = token_for(ref["gavle"], "viewer")
    type(token2.user).objects.filter(pk=token2.user_id).update(is_active=False)
    assert client.get("/api/v1/me/", **auth(secret2)).status_code == 401


def test_bad_parameters_give_422_problem_details(client: Client, ref: dict[str, Any], token_for: Any) -> None:
    _token, secret = token_for(ref["gavle"], "viewer")
    response = client.get("/api/v1/orgs/abc", **auth(secret))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "org_id"


def test_the_session_works_for_the_browser(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(ref["gavle"], "viewer"))
    assert client.get(f"/api/v1/orgs/{ref['gavle'].pk}").status_code == 200


def test_api_docs_are_served_without_a_cdn(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(ref["gavle"], "viewer"))
    # /api/v1/docs is the accessible page built from the OpenAPI document; Swagger UI is the optional extra.
    for url in ("/api/v1/docs", "/api/v1/docs?ui=swagger"):
        html = client.get(url).content.decode()
        # Every script, stylesheet and image comes from this server: a relative address, never another host.
        # (Looking for "cdn" anywhere in the page failed when a random CSRF token happened to contain it.)
        addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html)
        assert addresses, url
        assert all(a.startswith(("/", "#", "?")) and not a.startswith("//") for a in addresses), addresses
        assert "https://" not in html and "http://" not in html
    assert "swagger-ui-bundle.js" in html
