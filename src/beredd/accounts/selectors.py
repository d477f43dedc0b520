"""Reads for accounts, limited to what the user may see."""

from __future__ import annotations

from beredd.accounts import policy
from beredd.accounts.models import ApiToken, Invitation, Membership, User
from beredd.accounts.types import Actor
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation


def membership_list_for_org(*, user: Actor, organisation: Organisation) -> list[Membership]:
    if not policy.can(user, "membership.manage", organisation):
        raise NotFoundError("organisation", organisation.pk)
    return list(
        Membership.objects.filter(organisation__path__startswith=organisation.path)
        .select_related("user", "organisation")
        .order_by("organisation__path", "user__email")
    )


def membership_get_for_manager(*, user: Actor, membership_id: int) -> Membership:
    membership = Membership.objects.select_related("organisation", "user").filter(pk=membership_id).first()
    if membership is None or not policy.can(user, "membership.manage", membership.organisation):
        raise NotFoundError("membership", membership_id)
    return membership


def invitation_list_for_org(*, user: Actor, organisation: Organisation) -> list[Invitation]:
    if not policy.can(user, "membership.manage", organisation):
        raise NotFoundError("organisation", organisation.pk)
    return list(Invitation.objects.filter(organisation=organisation).select_related("invited_by")[:100])


def token_list_for_user(*, user: Actor) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).select_related("membership__organisation"))


def token_get_for_user(*, user: Actor, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user).select_related("membership__organisation").first()
    if token is None:
        raise NotFoundError("token", token_id)
    return token


def user_get_for_manager(*, user: Actor, user_id: int) -> User:
    """A user who has at least one membership in an organisation the caller administers."""
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise NotFoundError("user", user_id)
    orgs = [m.organisation for m in Membership.objects.filter(user=target).select_related("organisation")]
    if not any(policy.can(user, "membership.manage", o) for o in orgs) or target.pk == getattr(user, "pk", None):
        raise NotFoundError("user", user_id)
    return target
