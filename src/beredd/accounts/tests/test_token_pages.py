"""API tokens on the pages: the secret is shown once and stored hashed (audited); a user cannot revoke someone
else's token."""

from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.accounts.models import ApiToken, Membership
from beredd.accounts.tests.helpers import login
from beredd.core.models import AuditEvent


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
