"""Authorisation rules: one test per way of being the wrong person (issue: Foundation, item 5)."""

from typing import Any

import pytest

from beredd.accounts import policy
from beredd.accounts.models import Membership


@pytest.fixture
def unit(make_unit: Any) -> Any:
    return make_unit()


def test_a_role_applies_to_the_organisation_and_its_subtree(ref: dict[str, Any], make_user: Any, unit: Any) -> None:
    coordinator = make_user(ref["gavleborg"], "coordinator")
    assert policy.can(coordinator, "reporting.issue", ref["gavleborg"])
    assert policy.can(coordinator, "reporting.issue", ref["gavle"])
    assert policy.can(coordinator, "reporting.issue", unit)


def test_other_org_is_refused(ref: dict[str, Any], make_user: Any) -> None:
    sandviken_admin = make_user(ref["sandviken"], "org_admin")
    assert not policy.can(sandviken_admin, "org.manage_units", ref["gavle"])


def test_outside_subtree_is_refused(ref: dict[str, Any], make_user: Any, unit: Any) -> None:
    unit_reporter = make_user(unit, "reporter")
    # A unit's role does not reach up to its kommun.
    assert not policy.can(unit_reporter, "reporting.submit", ref["gavle"])
    assert not policy.can(unit_reporter, "org.view", ref["gavleborg"])


def test_wrong_role_is_refused(ref: dict[str, Any], make_user: Any) -> None:
    viewer = make_user(ref["gavle"], "viewer")
    assert policy.can(viewer, "org.view", ref["gavle"])
    for permission in ("org.manage_units", "membership.manage", "audit.view", "reporting.submit", "register.view_identities"):
        assert not policy.can(viewer, permission, ref["gavle"]), permission


def test_a_coordinator_does_not_see_identities(ref: dict[str, Any], make_user: Any) -> None:
    assert not policy.can(make_user(ref["gavle"], "coordinator"), "register.view_identities", ref["gavle"])
    assert policy.can(make_user(ref["gavle"], "mas"), "register.view_identities", ref["gavle"])


def test_a_county_mas_role_is_not_a_thing_upward(ref: dict[str, Any], make_user: Any) -> None:
    mas = make_user(ref["gavle"], "mas")
    assert not policy.can(mas, "register.view_identities", ref["sandviken"])


def test_deactivated_user_is_refused(ref: dict[str, Any], make_user: Any) -> None:
    user = make_user(ref["gavle"], "org_admin", active=False)
    assert not policy.can(user, "org.view", ref["gavle"])


def test_expired_membership_is_refused(ref: dict[str, Any], make_user: Any) -> None:
    user = make_user(ref["gavle"], "org_admin", expired=True)
    assert not policy.can(user, "org.view", ref["gavle"])


def test_revoked_membership_is_refused(ref: dict[str, Any], make_user: Any) -> None:
    user = make_user(ref["gavle"], "org_admin")
    Membership.objects.filter(user=user).update(is_active=False)
    policy.forget(user)
    assert not policy.can(user, "org.view", ref["gavle"])


def test_national_admin_reaches_everything(ref: dict[str, Any], make_user: Any, unit: Any) -> None:
    admin = make_user(ref["nation"], "national_admin")
    assert policy.can(admin, "org.manage_units", unit)
    assert policy.can(admin, "audit.view", ref["stockholm"])


def test_anonymous_is_refused(ref: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not policy.can(AnonymousUser(), "org.view", ref["nation"])


def test_visible_organisations_is_the_union_of_subtrees(ref: dict[str, Any], make_user: Any) -> None:
    user = make_user(ref["gavle"], "viewer")
    Membership.objects.create(user=user, organisation=ref["stockholm"], role="viewer")
    policy.forget(user)
    visible = set(policy.visible_organisations(user).values_list("code", flat=True))
    assert visible == {"2180", "0180"}


def test_org_admin_cannot_grant_national_admin(ref: dict[str, Any], make_user: Any) -> None:
    admin = make_user(ref["gavle"], "org_admin")
    assert "national_admin" not in policy.manageable_roles(admin, ref["gavle"])
    assert policy.manageable_roles(make_user(ref["gavle"], "coordinator"), ref["gavle"]) == []


def test_mfa_is_required_for_roles_that_see_personal_data(ref: dict[str, Any], make_user: Any) -> None:
    assert policy.requires_mfa(make_user(ref["gavle"], "mas"))
    assert not policy.requires_mfa(make_user(ref["gavle"], "reporter"))
