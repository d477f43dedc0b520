"""Every view refuses the wrong person: member, member of a parent organisation, outsider."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from beredd.accounts.models import ApiToken, Invitation, Membership
from beredd.core.models import AuditEvent


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


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


def test_tokens_are_shown_once_and_stored_hashed(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    user = make_user(ref["gavle"], "reporter")
    login(client, user)
    membership = Membership.objects.get(user=user)
    response = client.post(reverse("accounts:tokens"), {"name": "Verksamhetssystem", "membership": membership.pk, "days": 30})
    secret = response.context["new_secret"]
    assert secret.startswith("bd_")
    token = ApiToken.objects.get(user=user)
    assert secret not in token.token_hash and len(token.token_hash) == 64
    assert secret not in client.get(reverse("accounts:tokens")).content.decode()
    assert AuditEvent.objects.filter(action="token.create").exists()


def test_a_user_cannot_revoke_someone_elses_token(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    from beredd.accounts.services import token_create

    owner = make_user(ref["gavle"], "reporter")
    token, _secret = token_create(actor=owner, membership=Membership.objects.get(user=owner), name="t", days=5)
    login(client, make_user(ref["gavle"], "reporter"))
    assert client.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_roles_with_personal_data_must_set_up_mfa(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    login(client, make_user(ref["gavle"], "mas", mfa=False))
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa-required")
    login(client, make_user(ref["gavle"], "reporter", mfa=False))
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_switching_to_an_org_you_do_not_belong_to_is_refused(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    login(client, make_user(ref["gavle"], "viewer"))
    assert client.post(reverse("accounts:switch-org"), {"org": ref["sandviken"].pk}).status_code == 404


def test_failed_logins_are_audited(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    make_user(ref["gavle"], "reporter", email="lock@test.se", password="Ratt-losenord-2026", mfa=False)
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "lock@test.se", "password": "fel"})
    assert AuditEvent.objects.filter(action="auth.login_failed", target_label="lock@test.se").count() == 5
    # The delays that follow are tested in test_login_throttle.py.


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
