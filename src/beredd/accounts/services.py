"""Writes for accounts: memberships, invitations, API tokens. Audited in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beredd.accounts import login_throttle, policy
from beredd.accounts.models import ApiToken, Invitation, Membership, Role, User
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import FieldError, PermissionDeniedError, ValidationFailed
from beredd.core.joinedlookup import JoinedLookup
from beredd.orgs.models import Organisation

INVITATION_DAYS = 14
TOKEN_PREFIX = "bd_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_can_grant(*, actor: Actor, organisation: Organisation, role: str) -> None:
    if role not in Role.values:
        raise ValidationFailed(details=[FieldError(row=None, field="role", message=_("Unknown role."))])
    if role not in policy.manageable_roles(actor, organisation):
        raise PermissionDeniedError(_("You may not grant this role in this organisation."))


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership, via: str = "ui") -> Membership:
    _check_can_grant(actor=actor, organisation=membership.organisation, role=membership.role)
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active", "updated_at"])
        # Tokens bound to the membership die with it.
        ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(
            actor=actor,
            action="membership.revoke",
            target=membership,
            organisation=membership.organisation,
            changes={"is_active": {"before": True, "after": False}},
            via=via,
        )
    return membership


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool, organisation: Organisation) -> User:
    """Deactivate a user (an org admin of every org the user belongs to, or a national admin)."""
    orgs = {m.organisation for m in Membership.objects.filter(user=user).select_related("organisation")}
    if not orgs or not all(policy.can(actor, "membership.manage", o) for o in orgs):
        raise PermissionDeniedError(_("The user also belongs to organisations you do not administer."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="user.activate" if active else "user.deactivate",
            target=user,
            organisation=organisation,
            changes={"is_active": {"before": not active, "after": active}},
        )
    return user


@transaction.atomic
def user_unlock_login(*, actor: Actor, user: User, organisation: Organisation) -> int:
    """Lift every log-in delay and lock on ``user`` (an admin of one of the user's organisations).

    Returns the number of counters removed; audited even when there was nothing to lift, since an
    administrator vouched for the account.
    """
    orgs = {m.organisation for m in Membership.objects.filter(user=user).select_related("organisation")}
    if not any(policy.can(actor, "membership.manage", o) for o in orgs):
        raise PermissionDeniedError(_("You do not administer any organisation this user belongs to."))
    removed = login_throttle.clear(login=user.email)
    audit.record(
        actor=actor,
        action="user.unlock",
        target=user,
        organisation=organisation,
        target_label=user.email,
        changes={"login_delays": {"before": removed, "after": 0}},
    )
    return removed


def invitation_create(*, actor: Actor, organisation: Organisation, email: str, role: str) -> tuple[Invitation, str]:
    """Invite ``email`` to ``role`` in ``organisation``; e-mails a one-time link. Returns (invitation, secret)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(
            details=[FieldError(row=None, field="email", message=_("Enter a valid e-mail address."))]
        ) from None
    _check_can_grant(actor=actor, organisation=organisation, role=role)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            organisation=organisation,
            role=role,
            token_hash=hash_secret(secret),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
            invited_by=actor,
        )
        audit.record(
            actor=actor,
            action="invitation.create",
            target=invitation,
            organisation=organisation,
            changes={"email": {"before": None, "after": email}, "role": {"before": None, "after": role}},
        )
        link = settings.SITE_URL + reverse("accounts:invitation-accept", args=[secret])
        from beredd.comms.models import Message
        from beredd.comms.services import mail_send

        mail_send(
            kind=Message.Kind.INVITATION,
            to=[email],
            organisation=organisation,
            actor=actor,
            subject=gettext_lazy("Invitation to Beredd"),
            template="accounts/email/invitation.txt",
            context={"invitation": invitation, "link": link, "actor": actor},
        )
    return invitation, secret


def invitation_get_open(*, secret: str) -> Invitation | None:
    invitation = Invitation.objects.filter(token_hash=hash_secret(secret)).select_related("organisation").first()
    return invitation if invitation is not None and invitation.is_open else None


def invitation_existing_user(*, invitation: Invitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email).first()


@transaction.atomic
def invitation_accept(*, secret: str, full_name: str, password: str, existing_user: User | None = None) -> User:
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_secret(secret)).first()
    if invitation is None or not invitation.is_open:
        raise ValidationFailed(_("The invitation has expired or has already been used."))
    user = existing_user
    if user is not None and user.email.lower() != invitation.email.lower():
        raise PermissionDeniedError(_("This invitation was sent to another e-mail address."))
    if user is None and User.objects.filter(email__iexact=invitation.email).exists():
        raise PermissionDeniedError(_("An account with this e-mail address exists: log in first."))
    if user is None:
        errors = []
        if not full_name.strip():
            errors.append(FieldError(row=None, field="full_name", message=_("Enter your name.")))
        try:
            validate_password(password, User(email=invitation.email, full_name=full_name))
        except ValidationError as exc:
            errors.extend(FieldError(row=None, field="password", message=m) for m in exc.messages)
        if errors:
            raise ValidationFailed(details=errors)
        user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
        audit.record(actor=user, action="user.create", target=user, organisation=invitation.organisation)
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        defaults={"is_active": True, "granted_by": invitation.invited_by},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit.record(
        actor=user,
        action="invitation.accept",
        target=invitation,
        organisation=invitation.organisation,
        changes={"membership": {"before": None, "after": membership.pk}},
    )
    return user


def token_create(*, actor: Actor, membership: Membership, name: str, days: int) -> tuple[ApiToken, str]:
    """Create a personal access token bound to one of the actor's own memberships. Returns (token, secret)."""
    errors = []
    if membership.user_id != actor.pk or not membership.is_current:
        raise PermissionDeniedError(_("A token can only be bound to one of your own current memberships."))
    if not name.strip():
        errors.append(FieldError(row=None, field="name", message=_("Give the token a name.")))
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors.append(
            FieldError(
                row=None, field="days", message=_("Validity must be 1–%(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}
            )
        )
    if errors:
        raise ValidationFailed(details=errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        for _attempt in range(3):
            try:
                token = ApiToken.objects.create(
                    user=actor,
                    membership=membership,
                    name=name.strip()[:100],
                    prefix=secret[:10],
                    token_hash=hash_secret(secret),
                    expires_at=timezone.now() + timedelta(days=days),
                )
                break
            except IntegrityError:  # pragma: no cover - a 256-bit collision
                secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        audit.record(
            actor=actor,
            action="token.create",
            target=token,
            organisation=membership.organisation,
            changes={"name": {"before": None, "after": token.name}, "expires_at": {"before": None, "after": token.expires_at}},
        )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and not policy.can(actor, "membership.manage", token.membership.organisation):
        raise PermissionDeniedError()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="token.revoke", target=token, organisation=token.membership.organisation)
    return token


# Every API call authenticates: the token with its user, membership and organisation, SQL built once per process.
_TOKEN_LOOKUP = JoinedLookup(ApiToken, related=("user", "membership", "membership__organisation"), where=("token_hash",))


def token_authenticate(*, secret: str) -> ApiToken | None:
    """Return the usable token for ``secret`` (and touch last-used), or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = _TOKEN_LOOKUP.get((hash_secret(secret),))
    if token is None or not token.is_usable or not token.user.is_active or not token.membership.is_current:
        return None
    now = timezone.now()
    # Throttle the write: last-used to the minute is enough and keeps the API hot path cheap.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
