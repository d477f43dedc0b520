"""Invitations: an org admin invites only within their subtree; the mailed link creates the account and the
membership, once; it never logs anyone in to an existing account, which accepts it after logging in."""

from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from beredd.accounts.models import Invitation, Membership
from beredd.accounts.tests.helpers import login


def test_invitation_flow_creates_account_and_membership(
    client: Client, ref: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user(ref["gavle"], "org_admin")
    login(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite"), {"email": "ny@gavle.se", "role": "reporter", "organisation": ref["gavle"].pk}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/inbjudan/" in line)
    path = link.split("8000", 1)[-1] if "8000" in link else "/" + link.split("/", 3)[3]
    client.logout()
    response = Client().post(path, {"full_name": "Nina Ny", "password": "Ett-langt-losenord-2026"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="ny@gavle.se")
    assert invitation.accepted_by is not None
    assert Membership.objects.filter(user=invitation.accepted_by, organisation=ref["gavle"], role="reporter").exists()
    # The link works once.
    assert Client().get(path).status_code == 404


def test_org_admin_cannot_invite_outside_their_subtree(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    login(client, make_user(ref["gavle"], "org_admin"))
    response = client.post(reverse("accounts:invite"), {"email": "x@y.se", "role": "viewer", "organisation": ref["sandviken"].pk})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_an_invitation_link_never_logs_in_an_existing_account(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    from beredd.accounts.services import invitation_create

    existing = make_user(ref["sandviken"], "reporter", email="befintlig@test.se")
    _inv, secret = invitation_create(
        actor=make_user(ref["gavle"], "org_admin"), organisation=ref["gavle"], email="befintlig@test.se", role="viewer"
    )
    path = reverse("accounts:invitation-accept", args=[secret])
    anonymous = Client()
    assert anonymous.get(path).status_code == 403
    assert anonymous.post(path, {"full_name": "X", "password": "Ett-langt-losenord-2026"}).status_code == 403
    assert "_auth_user_id" not in anonymous.session
    assert not Membership.objects.filter(user=existing, organisation=ref["gavle"]).exists()
    # Logged in as the invited account, it can accept.
    client.force_login(existing)
    assert client.post(path).status_code == 302
    assert Membership.objects.filter(user=existing, organisation=ref["gavle"], role="viewer").exists()
