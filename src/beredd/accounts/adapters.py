from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created only through invitations from an organisation administrator.
        return False


class MfaAdapter(DefaultMFAAdapter):
    def get_public_key_credential_rp_entity(self) -> dict[str, Any]:
        entity: dict[str, Any] = super().get_public_key_credential_rp_entity()
        entity["name"] = "Beredd"
        return entity
