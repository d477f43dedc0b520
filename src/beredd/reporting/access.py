"""Who may answer for and review a recipient's submission (on-behalf rules).

``policy.can`` lets a role act on a whole subtree. For submissions that is too broad: a county coordinator
could then draft, submit and approve the answer of any unit in the county. Reporting narrows it:

* **Answer** (draft, submit): a member of the recipient organisation itself, or, for a *unit* recipient, a
  member of its kommun (the kommun answering on behalf of its units, logged as on-behalf). Nobody higher up
  (county, national) answers for a kommun or a unit.
* **Review** (return, approve): a coordinator of the recipient's *direct parent* (the kommun reviews its
  units, the county its kommuner, ...). Never the recipient itself, never a level further up.

The role must still grant the permission (``policy.PERMISSIONS``), and memberships are the current ones
(``policy.memberships``; an API token narrows them to one).
"""

from __future__ import annotations

from django.db.models import Q

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.orgs.models import Organisation


def _member_org_ids(user: Actor, permission: str) -> set[int]:
    granted = policy.PERMISSIONS[permission]
    return {m.organisation_id for m in policy.memberships(user) if m.role in granted}


def answer_org_ids(org: Organisation) -> set[int]:
    """Organisations whose members may answer for ``org``: itself, and its kommun when ``org`` is a unit."""
    ids = {org.pk}
    if org.kind == Organisation.Kind.UNIT and org.parent_id is not None:
        ids.add(org.parent_id)
    return ids


def can_answer(user: Actor, org: Organisation) -> bool:
    if not policy.can(user, "reporting.submit", org):
        return False
    return bool(_member_org_ids(user, "reporting.submit") & answer_org_ids(org))


def can_review(user: Actor, org: Organisation) -> bool:
    parent = org.parent
    if parent is None or not policy.can(user, "reporting.approve", parent):
        return False
    return parent.pk in _member_org_ids(user, "reporting.approve")


def can_delegate(user: Actor, org: Organisation) -> bool:
    """Only the kommun's own coordinators decide to let its units answer (they then review them)."""
    return policy.can(user, "reporting.approve", org) and org.pk in _member_org_ids(user, "reporting.approve")


def answerable_q(user: Actor, prefix: str = "") -> Q:
    """Submissions the user may answer: the recipient is a member organisation, or a unit under one."""
    ids = _member_org_ids(user, "reporting.submit")
    return Q(**{f"{prefix}organisation_id__in": ids}) | Q(
        **{f"{prefix}organisation__kind": Organisation.Kind.UNIT, f"{prefix}organisation__parent_id__in": ids}
    )
