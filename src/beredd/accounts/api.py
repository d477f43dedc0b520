from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest

PREFIX = "me"
router = Router(tags=["me"])


class MembershipOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    memberships: list[MembershipOut]
    token: str | None


@router.get("/", response=MeOut, summary="Who am I (and which memberships does this token act with)")
def me(request: AuthenticatedHttpRequest) -> Any:
    user = request.user
    token = getattr(request, "api_token", None)
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "memberships": [
            {"id": m.pk, "organisation_id": m.organisation_id, "organisation_name": m.organisation.name, "role": m.role}
            for m in policy.memberships(user)
        ],
        "token": token.name if token else None,
    }
