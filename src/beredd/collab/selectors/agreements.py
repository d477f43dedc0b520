"""Reads for kommun–region agreements: the list with its statuses, expiry and the evidence per kommun."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.collab.models import (
    Agreement,
)
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

AGREEMENT_SORTS = {
    "until": "valid_until",
    "-until": "-valid_until",
    "title": "title",
    "kommun": "kommun__name",
    "area": "area",
    "review": "review_date",
}
AGREEMENT_STATUSES = ("active", "expiring", "expired", "upcoming")


def _agreement_status_q(status: str, today: dt.date) -> Q:
    from beredd.collab.models.agreements import EXPIRY_NOTICE_DAYS

    soon = today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)
    expired = Q(valid_until__lt=today)
    upcoming = Q(valid_from__gt=today)
    expiring = (Q(valid_until__lte=soon) | Q(review_date__lte=soon)) & ~expired & ~upcoming
    return {
        "expired": expired,
        "upcoming": upcoming,
        "expiring": expiring,
        "active": ~expired & ~upcoming & ~expiring,
    }[status]


def _agreement_filter(user: Actor) -> Q:
    visible = policy.visible_organisations(user, "collab.view").values("pk")
    return Q(kommun__in=visible) | Q(parties__in=visible)


def agreements_for_user(
    *,
    user: Actor,
    query: str = "",
    area: str = "",
    status: str = "",
    kommun: Organisation | None = None,
    sort: str = "until",
    today: dt.date | None = None,
) -> QuerySet[Agreement]:
    """Agreements of the user's kommuner (and those below the user's county or nation) and those the user's
    organisations are a party to."""
    if not getattr(user, "is_authenticated", False):
        return Agreement.objects.none()
    ids = Agreement.objects.filter(_agreement_filter(user)).values("pk")
    qs = Agreement.objects.filter(pk__in=ids).select_related("kommun").prefetch_related("parties")
    if area in Agreement.Area.values:
        qs = qs.filter(area=area)
    if status in AGREEMENT_STATUSES:
        qs = qs.filter(_agreement_status_q(status, today or timezone.localdate()))
    if kommun is not None:
        qs = qs.filter(kommun_path__startswith=kommun.path)
    query = query.strip()[:100]
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(other_parties__icontains=query)
            | Q(kommun__name__icontains=query)
            | Q(responsible_name__icontains=query)
            | Q(crisis_terms__icontains=query)
        )
    return qs.order_by(AGREEMENT_SORTS.get(sort, "valid_until"), "title", "pk")


def agreement_get_for_user(*, user: Actor, agreement_id: int, manage: bool = False) -> Agreement:
    item = agreements_for_user(user=user).filter(pk=agreement_id).first()
    if item is None or (manage and not agreement_can_manage(user, item)):
        raise NotFoundError("agreement", agreement_id)
    return item


def agreement_can_manage(user: Actor, item: Agreement) -> bool:
    return policy.can(user, "collab.manage", item.kommun)


def agreements_expiring(*, user: Actor, org: Organisation, today: dt.date | None = None) -> QuerySet[Agreement]:
    """Agreements in ``org``'s subtree that end or are due for review within the notice period (dashboard)."""
    if not policy.can(user, "collab.view", org):
        return Agreement.objects.none()
    day = today or timezone.localdate()
    return (
        Agreement.objects.filter(kommun_path__startswith=org.path)
        .filter(_agreement_status_q("expiring", day))
        .select_related("kommun")
        .order_by("valid_until", "review_date", "pk")
    )


def agreement_party_choices() -> QuerySet[Organisation]:
    """Who can be a party: regions first, then the counties and kommuner (bounded: 21 + 21 + 290 + 1)."""
    return (
        Organisation.objects.active()
        .filter(kind__in=["region", "lan", "kommun", "nation"])
        .order_by(
            models.Case(models.When(kind="region", then=0), models.When(kind="lan", then=1), default=2),
            "name",
        )
    )


def agreement_kommun_choices(*, user: Actor, org: Organisation | None) -> list[Organisation]:
    """The kommuner the user may record agreements for from the current organisation: the kommun itself, or a
    county's kommuner (at most 49, Västra Götaland); nothing above county level (choose a county or kommun first)."""
    if org is None or not policy.can(user, "collab.manage", org):
        return []
    if org.kind == Organisation.Kind.KOMMUN:
        return [org]
    if org.kind == Organisation.Kind.LAN:
        return list(Organisation.objects.filter(parent=org, kind="kommun", is_active=True).order_by("name"))
    return []


def agreement_evidence(*, kommun: Organisation, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The self-assessment's agreement questions (the handbook checklist, section "Avtal och överenskommelser")
    with the agreements in force that are evidence for each. Question texts come from the preparedness app's
    copy of the checklist (preparedness/data/self_assessment.json, source noted there)."""
    from beredd.collab.agreement_questions import QUESTION_AREAS, agreement_questions

    day = today or timezone.localdate()
    in_force = list(
        Agreement.objects.filter(kommun=kommun, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("title")
    )
    out = []
    for question in agreement_questions():
        areas = QUESTION_AREAS.get(question["code"])
        if areas is None:  # A3 "followed up and evaluated": agreements with a review date
            evidence = [a for a in in_force if a.review_date is not None]
        else:
            evidence = [a for a in in_force if a.area in areas]
        out.append({"question": question, "agreements": evidence})
    return out
