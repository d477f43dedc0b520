"""The one place that decides who may do what. Used by views, the API and templates alike.

A role held in an organisation applies to that organisation's whole subtree (a coordinator in Gävleborgs
län acts for every kommun and unit under it). Only current memberships count: active, within
``valid_from``/``valid_until``, of an active user in an active organisation. An API token narrows the user
to the single membership it is bound to.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

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
_MFA_ATTR = "_beredd_has_mfa"
_SHARED_DONE_ATTR = "_beredd_access_shared"  # the shared cache was consulted for this user object
ACCESS_TTL = 3600  # seconds an entry of the shared access cache lives (exact while it lives: see memberships())

log = logging.getLogger(__name__)


def memberships(user: Actor | AnonymousUser | None) -> list[Membership]:
    """The user's current memberships, cached on the user object for the request.

    Across requests they come from the shared cache under the user's ``access_stamp``, which the database changes
    in the same transaction as any change to the user's memberships, their organisations or second factors
    (``accounts.access_stamp``): a revoked membership is refused on the next request, cache or not.
    An API token sets the per-request cache to its one membership (see ``api.auth``), narrowing every check.
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _load_access(user)[0]
    return [m for m in cached if m.is_current and m.organisation.is_active]


def _shared_key(user: Actor) -> str | None:
    """The shared cache key of the user's access, or None when this user object must read the database: it has
    no stamp (not a ``User``), or it has consulted the cache before (its in-memory stamp may predate a change
    made since, e.g. in this very request: :func:`forget` and a test's ``del`` then read afresh)."""
    stamp = getattr(user, "access_stamp", None)
    joined = getattr(user, "date_joined", None)
    if not stamp or joined is None or user.pk is None or getattr(user, _SHARED_DONE_ATTR, False):
        return None
    setattr(user, _SHARED_DONE_ATTR, True)
    return f"access:u{user.pk}:{int(joined.timestamp() * 1_000_000)}:{stamp}"


def _load_access(user: Actor) -> tuple[list[Membership], bool]:
    """(memberships, has a second factor) from the shared cache when fresh, else two queries (then cached).

    Memberships not yet valid are kept too (their dates are checked on use), so a membership that starts later
    needs no change of the stamp; inactive and ended ones are left out."""
    key = _shared_key(user)
    entry: object = None
    if key is not None:
        try:
            entry = cache.get(key)
        except Exception:  # a cache outage costs two queries, never a wrong answer
            log.exception("shared access cache unavailable")
            key = None
    if isinstance(entry, tuple) and len(entry) == 2:
        found, mfa = list(entry[0]), bool(entry[1])
    else:
        now = timezone.now()
        found = list(
            Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
            .select_related("organisation")
        )
        mfa = _query_mfa(user)
        if key is not None:
            try:
                cache.set(key, (found, mfa), timeout=ACCESS_TTL)
            except Exception:
                log.exception("shared access cache unavailable")
    if getattr(user, _CACHE_ATTR, None) is None:
        setattr(user, _CACHE_ATTR, found)
    if getattr(user, _MFA_ATTR, None) is None:
        setattr(user, _MFA_ATTR, mfa)
    return found, mfa


def restrict_to_membership(user: Actor, membership: Membership) -> None:
    """Narrow the user's authority to one membership (token authentication)."""
    setattr(user, _CACHE_ATTR, [membership])


def forget(user: Actor | AnonymousUser | None) -> None:
    """Drop what is cached for ``user``: the next check reads the database (not the shared cache)."""
    for attr in (_CACHE_ATTR, _MFA_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)
    if user is not None:
        setattr(user, _SHARED_DONE_ATTR, True)


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


def has_mfa(user: Actor | AnonymousUser | None) -> bool:
    """True when the user has set up a second factor (TOTP or a passkey); cached like :func:`memberships`."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    cached = getattr(user, _MFA_ATTR, None)
    if cached is None:
        if getattr(user, _SHARED_DONE_ATTR, False) or getattr(user, "access_stamp", None) is None:
            cached = _query_mfa(user)
            setattr(user, _MFA_ATTR, cached)  # per-request cache on the user object
        else:
            cached = _load_access(user)[1]
    return bool(cached)


def _query_mfa(user: Actor) -> bool:
    from allauth.mfa.models import Authenticator  # allauth's models load after the app registry

    return bool(Authenticator.objects.filter(user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]).exists())


def manageable_roles(user: Actor, org: Organisation) -> list[str]:
    """Roles an org admin may grant at ``org``: never national admin unless they are one."""
    roles = roles_at(user, org)
    if R.NATIONAL_ADMIN in roles:
        return list(Role.values)
    if R.ORG_ADMIN in roles:
        return [r for r in Role.values if r != R.NATIONAL_ADMIN]
    return []
