"""The one place that decides who may do what. Used by views, the API and templates alike.

A role held in an organisation applies to that organisation's whole subtree (a coordinator in Gävleborgs
län acts for every kommun and unit under it). Only current memberships count: active, within
``valid_from``/``valid_until``, of an active user in an active organisation. An API token narrows the user
to the single membership it is bound to.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from beredd.accounts.models import Membership, Role
from beredd.accounts.types import Actor
from beredd.core.exceptions import PermissionDeniedError
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from beredd.orgs.models import OrganisationQuerySet

R = Role

# Which roles grant each permission. Higher roles are listed explicitly: no implicit hierarchy to misread.
PERMISSIONS: dict[str, frozenset[str]] = {
    # Organisation tree and the shell
    "org.view": frozenset({R.VIEWER, R.REPORTER, R.COORDINATOR, R.ORG_ADMIN, R.MAS, R.NATIONAL_ADMIN}),
    "org.manage_units": frozenset({R.ORG_ADMIN, R.NATIONAL_ADMIN}),
    "membership.manage": frozenset({R.ORG_ADMIN, R.NATIONAL_ADMIN}),
    "audit.view": frozenset({R.ORG_ADMIN, R.NATIONAL_ADMIN}),
    # Situational reporting
    "reporting.view": frozenset({R.VIEWER, R.REPORTER, R.COORDINATOR, R.ORG_ADMIN, R.MAS, R.NATIONAL_ADMIN}),
    "reporting.submit": frozenset({R.REPORTER, R.COORDINATOR, R.MAS, R.NATIONAL_ADMIN}),
    "reporting.issue": frozenset({R.COORDINATOR, R.NATIONAL_ADMIN}),
    "reporting.approve": frozenset({R.COORDINATOR, R.NATIONAL_ADMIN}),
    "reporting.template_edit": frozenset({R.COORDINATOR, R.NATIONAL_ADMIN}),
    # Register of vulnerable residents (identities: only the MAS/MAR of the owning kommun and granted units)
    "register.view_identities": frozenset({R.MAS}),
    "register.edit": frozenset({R.MAS}),
    "register.view_counts": frozenset({R.VIEWER, R.REPORTER, R.COORDINATOR, R.ORG_ADMIN, R.MAS, R.NATIONAL_ADMIN}),
    "register.activate_incident": frozenset({R.COORDINATOR, R.MAS}),
    "register.review_log": frozenset({R.MAS}),
    "register.manage_devices": frozenset({R.NATIONAL_ADMIN}),
    # Everyday preparedness
    "preparedness.view": frozenset({R.VIEWER, R.REPORTER, R.COORDINATOR, R.ORG_ADMIN, R.MAS, R.NATIONAL_ADMIN}),
    "preparedness.edit": frozenset({R.REPORTER, R.COORDINATOR, R.MAS, R.ORG_ADMIN, R.NATIONAL_ADMIN}),
    "preparedness.manage": frozenset({R.COORDINATOR, R.MAS, R.NATIONAL_ADMIN}),
    # Collaboration (collab app): see forums/actions, act on one's own actions, manage forums and meetings
    "collab.view": frozenset({R.VIEWER, R.REPORTER, R.COORDINATOR, R.ORG_ADMIN, R.MAS, R.NATIONAL_ADMIN}),
    "collab.act": frozenset({R.REPORTER, R.COORDINATOR, R.ORG_ADMIN, R.MAS, R.NATIONAL_ADMIN}),
    "collab.manage": frozenset({R.COORDINATOR, R.MAS, R.NATIONAL_ADMIN}),
    # Crisis communication (comms app): the sent log, the message bank (drafted, reviewed by communications,
    # approved by the MAS: two people), sending, and a unit's confirmation that a notice was delivered
    "comms.view": frozenset({R.COORDINATOR, R.ORG_ADMIN, R.MAS, R.NATIONAL_ADMIN}),
    "comms.draft": frozenset({R.COORDINATOR, R.MAS}),
    "comms.review": frozenset({R.COORDINATOR}),
    "comms.approve": frozenset({R.MAS}),
    "comms.send": frozenset({R.COORDINATOR, R.MAS}),
    "comms.confirm": frozenset({R.REPORTER, R.COORDINATOR, R.ORG_ADMIN, R.MAS}),
    # Crisis command (command app): boards, log and requests; set a level (at the org or its parent: the role
    # applies to the subtree); write the log; ask for support; handle requests at a level; heightened alert.
    "command.view": frozenset({R.VIEWER, R.REPORTER, R.COORDINATOR, R.ORG_ADMIN, R.MAS, R.NATIONAL_ADMIN}),
    "command.set_level": frozenset({R.COORDINATOR, R.NATIONAL_ADMIN}),
    "command.log": frozenset({R.COORDINATOR, R.MAS, R.NATIONAL_ADMIN}),
    "command.request": frozenset({R.REPORTER, R.COORDINATOR, R.MAS, R.NATIONAL_ADMIN}),
    "command.handle": frozenset({R.COORDINATOR, R.NATIONAL_ADMIN}),
    "command.alert": frozenset({R.NATIONAL_ADMIN}),
}

# Roles that can see personal data (now or when an incident is activated) must use two-factor auth.
MFA_REQUIRED_ROLES = frozenset({R.MAS, R.COORDINATOR, R.ORG_ADMIN, R.NATIONAL_ADMIN})

_CACHE_ATTR = "_beredd_memberships"
_MFA_CACHE_ATTR = "_beredd_has_mfa"


def memberships(user: Actor | AnonymousUser | None) -> list[Membership]:
    """The user's current memberships, cached on the user object for the request.

    An API token sets this cache to its one membership (see ``api.auth``), narrowing every check.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Membership.objects.current().filter(user=user).select_related("organisation"))
        setattr(user, _CACHE_ATTR, cached)
    return [m for m in cached if m.is_current and m.organisation.is_active]


def restrict_to_membership(user: Actor, membership: Membership) -> None:
    """Narrow the user's authority to one membership (token authentication)."""
    setattr(user, _CACHE_ATTR, [membership])


def forget(user: Actor | AnonymousUser) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_at(user: Actor | AnonymousUser | None, org: Organisation) -> set[str]:
    """Roles the user holds at ``org`` through a membership in it or any of its ancestors."""
    ancestors = set(org.ancestor_ids)
    return {m.role for m in memberships(user) if m.organisation_id in ancestors}


def can(user: Actor | AnonymousUser | None, permission: str, org: Organisation | None) -> bool:
    """True when the user holds, at ``org`` or an ancestor, a role granting ``permission``."""
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")
    if org is None or not org.is_active and permission not in {"org.view", "audit.view", "org.manage_units"}:
        return False
    return bool(roles_at(user, org) & PERMISSIONS[permission])


def require(
    user: Actor | None, permission: str, org: Organisation | None, *, system: bool = False, message: StrOrPromise | None = None
) -> None:
    """Raise ``PermissionDeniedError`` unless ``user`` holds ``permission`` at ``org`` (or an ancestor).

    The door every service goes through. ``user=None`` is the system itself (the weekly binder task, built-in
    templates); it passes only where the caller says ``system=True``. A request never yields ``None`` (an anonymous
    visitor is ``AnonymousUser``), so no request reaches that branch. ``message`` replaces the generic refusal
    (e.g. one that names the organisation); no organisation (``org=None``) is always a refusal.
    """
    if user is None and system:
        return
    if org is None or not can(user, permission, org):
        raise PermissionDeniedError(message)


def orgs_with_permission(user: Actor | AnonymousUser | None, permission: str) -> list[Organisation]:
    """The top organisations where the user holds ``permission`` (their subtrees are included implicitly)."""
    granted = PERMISSIONS[permission]
    return [m.organisation for m in memberships(user) if m.role in granted]


def visible_organisations(user: Actor | AnonymousUser | None, permission: str = "org.view") -> OrganisationQuerySet:
    """All organisations in the subtrees where the user has ``permission``; one query, prefix-indexed."""
    roots = orgs_with_permission(user, permission)
    if not roots:
        return Organisation.objects.none()
    condition = Q()
    for path in _minimal_paths(o.path for o in roots):
        condition |= Q(path__startswith=path)
    return Organisation.objects.filter(condition)


def _minimal_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie under another path in the list (keeps the OR-condition short)."""
    out: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(p) for p in out):
            out.append(path)
    return out


def requires_mfa(user: Actor) -> bool:
    return any(m.role in MFA_REQUIRED_ROLES for m in memberships(user))


def has_mfa(user: Actor) -> bool:
    """True when the user has set up a second factor (TOTP or a passkey); cached on the user for the request."""
    from allauth.mfa.models import Authenticator  # allauth's models load after the app registry

    cached = getattr(user, _MFA_CACHE_ATTR, None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]).exists()
        setattr(user, _MFA_CACHE_ATTR, cached)  # per-request cache on the user object
    return bool(cached)


def manageable_roles(user: Actor, org: Organisation) -> list[str]:
    """Roles an org admin may grant at ``org``: never national admin unless they are one."""
    roles = roles_at(user, org)
    if R.NATIONAL_ADMIN in roles:
        return list(Role.values)
    if R.ORG_ADMIN in roles:
        return [r for r in Role.values if r != R.NATIONAL_ADMIN]
    return []
