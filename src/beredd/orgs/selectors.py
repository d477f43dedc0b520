"""Reads of the organisation tree, limited to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation, OrganisationQuerySet, UnitImportBatch
from beredd.orgs.services import ImportResult


def organisation_get_for_user(*, user: Actor, org_id: int, permission: str = "org.view") -> Organisation:
    """Return the org if the user has ``permission`` there; missing and forbidden both raise NotFoundError."""
    org = Organisation.objects.filter(pk=org_id).select_related("parent").first()
    if org is None or not policy.can(user, permission, org):
        raise NotFoundError("organisation", org_id)
    return org


def subtree(*, org: Organisation, kind: str | None = None, active_only: bool = True) -> OrganisationQuerySet:
    """Everything under ``org`` in one indexed prefix query."""
    qs = Organisation.objects.subtree_of(org)
    if kind:
        qs = qs.filter(kind=kind)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def children_for_user(*, user: Actor, org: Organisation, include_inactive: bool = False) -> QuerySet[Organisation]:
    if not policy.can(user, "org.view", org):
        raise NotFoundError("organisation", org.pk)
    qs = Organisation.objects.filter(parent=org)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    # Counting descendants per child uses the path prefix of the child: one query with a correlated count.
    return qs.annotate(child_count=Count("children", filter=Q(children__is_active=True))).order_by("kind", "code", "name")


def search_for_user(*, user: Actor, query: str, kind: str | None = None, limit: int = 50) -> QuerySet[Organisation]:
    query = query.strip()
    qs = policy.visible_organisations(user)
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(Q(code__iexact=query) | Q(name__icontains=query) | Q(code__startswith=query))
    return qs.order_by("depth", "name")[:limit]


def organisation_choices_for_user(*, user: Actor, permission: str, root: Organisation) -> list[Organisation]:
    """Organisations under ``root`` where the user has ``permission`` (for pickers), shallow first."""
    if not policy.can(user, permission, root):
        return []
    return (
        list(subtree(org=root).exclude(kind=Organisation.Kind.UNIT).order_by("depth", "name")[:400])
        + list(subtree(org=root, kind=Organisation.Kind.UNIT).order_by("name")[:400])
        if root.kind != Organisation.Kind.UNIT
        else [root]
    )


def breadcrumbs(*, user: Actor, org: Organisation) -> list[Organisation]:
    """Ancestors of ``org`` the user may see, root first."""
    ancestors = {o.pk: o for o in Organisation.objects.filter(pk__in=org.ancestor_ids)}
    return [ancestors[i] for i in org.ancestor_ids if i in ancestors and policy.can(user, "org.view", ancestors[i])]


def counts_by_kind(*, org: Organisation) -> dict[str, int]:
    rows = subtree(org=org).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def unit_import_preview(*, user: Actor, kommun: Organisation, batch_id: str) -> ImportResult | None:
    """The stored preview ``batch_id`` of a unit import, to page through; None when it is gone (committed,
    expired, another person's or another kommun's: ``core.models.ImportBatch.take``)."""
    try:
        batch = UnitImportBatch.take(pk=batch_id, user=user, kommun=kommun)
    except NotFoundError:
        return None
    return ImportResult(rows=batch.rows, batch_id=batch.pk)
