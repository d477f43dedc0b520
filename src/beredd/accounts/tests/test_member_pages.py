"""Member administration: the members page is for org admins; an outsider cannot revoke a membership, the parent
organisation's admin can (audited); deactivating a user needs admin rights over every organisation they belong to."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.accounts.models import Membership
from beredd.accounts.tests.helpers import login
from beredd.core.models import AuditEvent


@pytest.mark.parametrize("role,status", [("org_admin", 200), ("coordinator", 404), ("viewer", 404)])
def test_members_page_needs_org_admin(client: Client, ref: dict[str, Any], make_user: Any, role: str, status: int) -> None:
    login(client, make_user(ref["gavle"], role))
    assert client.get(reverse("accounts:members")).status_code == status


def test_outsider_cannot_revoke_a_membership(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    victim = make_user(ref["gavle"], "coordinator")
    membership = Membership.objects.get(user=victim)
    login(client, make_user(ref["sandviken"], "org_admin"))
    assert client.post(reverse("accounts:membership-revoke", args=[membership.pk])).status_code == 404
    membership.refresh_from_db()
    assert membership.is_active


def test_parent_org_admin_can_revoke_and_it_is_audited(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    membership = Membership.objects.get(user=make_user(ref["gavle"], "coordinator"))
    login(client, make_user(ref["gavleborg"], "org_admin"))
    assert client.post(reverse("accounts:membership-revoke", args=[membership.pk])).status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert AuditEvent.objects.filter(action="membership.revoke", target_id=str(membership.pk)).exists()


def test_deactivating_a_user_needs_admin_of_all_their_orgs(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    from beredd.accounts.models import User

    target = make_user(ref["gavle"], "reporter")
    Membership.objects.create(user=target, organisation=ref["sandviken"], role="viewer")
    login(client, make_user(ref["gavle"], "org_admin"))
    assert client.post(reverse("accounts:user-toggle-active", args=[target.pk])).status_code == 403
    assert User.objects.get(pk=target.pk).is_active
    login(client, make_user(ref["stockholm"], "org_admin"))  # outsider
    assert client.post(reverse("accounts:user-toggle-active", args=[target.pk])).status_code == 404
    login(client, make_user(ref["gavleborg"], "org_admin"))  # admin of both
    assert client.post(reverse("accounts:user-toggle-active", args=[target.pk])).status_code == 302
    assert not User.objects.get(pk=target.pk).is_active
    assert AuditEvent.objects.filter(action="user.deactivate", target_id=str(target.pk)).exists()
