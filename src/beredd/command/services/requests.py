"""Support requests (begäran om stöd): made by a unit or kommun, held by the level above, answered down.

The holder can pledge from its own resources, forward the rest upward, merge several similar requests it holds
into one joint request to the level above (each original keeps its link and shows every later step), ask another
organisation to pledge, allocate from a supplier, mark delivered, decline with a reason, or close. Every step is
a ``RequestStep`` row (who, which organisation, when) and an audit entry. Each action locks the row and checks
the version the actor saw, so two coordinators acting at once never lose a step: the second gets a conflict.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.policy import require
from beredd.accounts.types import Actor
from beredd.command.models import PRIORITY_RANK, Competence, Item, LogEntry, Priority, RequestStep, SupportRequest
from beredd.command.services._common import fail, positive_int, text, when
from beredd.command.services.log import auto_entry
from beredd.core import audit
from beredd.core.exceptions import ConflictError, FieldError, PermissionDeniedError, ValidationFailed
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.reporting.models import SubmissionVersion

MAX_QUANTITY = 10_000_000
FINISH_ACTIONS = {
    "delivered": "command.request_deliver",
    "declined": "command.request_decline",
    "closed": "command.request_close",
}
K = Organisation.Kind


def first_holder(requester: Organisation) -> Organisation | None:
    """Who handles a new request: a unit's kommun, a kommun's county; a county's or civil area's nation."""
    if requester.kind in (K.LAN, K.CIVILOMRADE):
        return Organisation.objects.filter(kind=K.NATION, pk__in=requester.ancestor_ids).first()
    if requester.kind == K.NATION:
        return None
    return requester.parent


def _validate_need(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    item = str(values.get("item") or "")
    if item not in Item.values:
        errors["item"] = _("Choose an item from the catalogue.")
    competence = str(values.get("competence") or "")
    if item == Item.STAFF and competence not in Competence.values:
        errors["competence"] = _("Choose the competence needed.")
    if item != Item.STAFF:
        competence = ""
    quantity = positive_int(values.get("quantity"), MAX_QUANTITY)
    if quantity is None:
        errors["quantity"] = _("The quantity must be a whole number greater than zero.")
    unit = text(values, "unit", 32)
    if not unit:
        errors["unit"] = _("Give the unit (pieces, boxes, persons, litres ...).")
    priority = str(values.get("priority") or Priority.NORMAL)
    if priority not in Priority.values:
        errors["priority"] = _("Choose a priority.")
    needed_by = when(values.get("needed_by"))
    if needed_by is None:
        errors["needed_by"] = _("Give the date and time the need must be met by.")
    elif needed_by <= timezone.now():
        errors["needed_by"] = _("Needed by must be in the future.")
    delivery = text(values, "delivery_point", 200)
    if not delivery:
        errors["delivery_point"] = _("Give the delivery point.")
    contact = text(values, "contact", 200)
    if not contact:
        errors["contact"] = _("Give a contact (name and phone).")
    return {
        "item": item,
        "competence": competence,
        "quantity": quantity,
        "unit": unit,
        "priority": priority,
        "needed_by": needed_by,
        "delivery_point": delivery,
        "contact": contact,
        "description": text(values, "description", 500),
    }


def _step(
    request: SupportRequest,
    kind: str,
    actor: Actor,
    actor_org: Organisation,
    *,
    other: Organisation | None = None,
    quantity: int | None = None,
    note: str = "",
) -> RequestStep:
    return RequestStep.objects.create(
        request=request, kind=kind, actor=actor, actor_org=actor_org, other_org=other, quantity=quantity, note=note[:1000]
    )


def _log(org: Organisation, request: SupportRequest, what: str, actor: Actor) -> None:
    auto_entry(
        organisation=org,
        kind=LogEntry.Kind.DECISION if what != "created" else LogEntry.Kind.INFORMATION,
        text_=_("Support request %(id)s (%(item)s, %(qty)s %(unit)s from %(org)s): %(what)s")
        % {
            "id": request.pk,
            "item": request.item_label,
            "qty": request.quantity,
            "unit": request.unit,
            "org": request.requester.name,
            "what": RequestStep.Kind(what).label,
        },
        author=actor,
        event=request.event,
    )


def _record(actor: Actor, request: SupportRequest, action: str, via: str, **changes: Any) -> None:
    audit.record(actor=actor, action=action, target=request, changes=changes, via=via)


# The built-in "Begäran om stöd" template (reporting.builtin.support_fields): its "needed within" choices.
WITHIN = {
    "48h": (dt.timedelta(hours=48), Priority.ACUTE),
    "week": (dt.timedelta(days=7), Priority.HIGH),
    "later": (dt.timedelta(days=14), Priority.NORMAL),
}


def values_from_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """A request's starting values from the answers to the "begäran om stöd" template (the article is free text in
    the template, so the catalogue item is chosen by the person making the request)."""
    delta, priority = WITHIN.get(str(answers.get("support_within") or ""), WITHIN["week"])
    return {
        "description": str(answers.get("support_article") or "")[:500],
        "quantity": answers.get("support_quantity") or "",
        "priority": priority,
        "needed_by": timezone.localtime(timezone.now() + delta).replace(second=0, microsecond=0),
        "delivery_point": str(answers.get("support_delivery") or "")[:200],
        "unit": "st",
    }


@transaction.atomic
def request_create(
    *,
    actor: Actor,
    requester: Organisation,
    values: dict[str, Any],
    idempotency_key: str = "",
    source_version: SubmissionVersion | None = None,
    via: str = "ui",
) -> tuple[SupportRequest, bool]:
    """Make a request. With an ``Idempotency-Key`` already used by this user the stored request is returned
    (created False) and nothing is written."""
    require(actor, "command.request", requester)
    key = str(idempotency_key or "")[:128]
    if key:
        earlier = SupportRequest.objects.filter(created_by=actor, idempotency_key=key).first()
        if earlier is not None:
            return earlier, False
    errors: dict[str, str] = {}
    need = _validate_need(values, errors)
    holder = first_holder(requester)
    if holder is None:
        errors["requester"] = _("There is no level above this organisation to ask.")
    if source_version is not None:
        if source_version.submission.organisation_id != requester.pk:
            errors["source"] = _("The answers are not this organisation's.")
        elif SupportRequest.objects.filter(source_version=source_version).exists():
            errors["source"] = _("A request has already been made from these answers.")
    fail(errors)
    assert holder is not None
    request = SupportRequest.objects.create(
        requester=requester,
        requester_path=requester.path,
        holder=holder,
        created_by=actor,
        idempotency_key=key,
        event=values.get("event"),
        source_version=source_version,
        **need,
    )
    _step(request, RequestStep.Kind.CREATED, actor, requester, other=holder, quantity=request.quantity)
    _log(requester, request, "created", actor)
    _record(
        actor,
        request,
        "command.request_create",
        via,
        holder=holder.pk,
        item=request.item,
        quantity=request.quantity,
        source_version=getattr(source_version, "pk", None),
    )
    return request, True


def _locked(request: SupportRequest, expected_version: int | None) -> SupportRequest:
    fresh = SupportRequest.objects.select_for_update().select_related("requester", "holder").get(pk=request.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(
            _("Someone else acted on this request in the meantime. Reload it to see their step, then try again."),
            current_version=fresh.version,
        )
    return fresh


def _must_be_open(request: SupportRequest) -> None:
    if not request.is_open:
        raise ValidationFailed(
            _("This request is no longer open."),
            details=[FieldError(row=None, field="status", message=str(_("This request is no longer open.")))],
        )


def _bump(request: SupportRequest, *fields: str) -> None:
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])


def _asked_orgs(request: SupportRequest) -> list[int]:
    return list(request.steps.filter(kind=RequestStep.Kind.ASKED).values_list("other_org_id", flat=True))


def _amount(quantity: Any, request: SupportRequest) -> int:
    q = positive_int(quantity, MAX_QUANTITY)
    if q is None:
        fail({"quantity": _("The quantity must be a whole number greater than zero.")})
    assert q is not None
    if q > request.remaining:
        fail({"quantity": _("At most %(n)s remain to be covered.") % {"n": request.remaining}})
    return q


def _cover(request: SupportRequest, q: int) -> None:
    request.covered += q
    if request.covered >= request.quantity:
        request.status = SupportRequest.Status.ALLOCATED
    _bump(request, "covered", "status")


@transaction.atomic
def request_pledge(
    *,
    actor: Actor,
    request: SupportRequest,
    quantity: Any,
    pledger: Organisation | None = None,
    note: str = "",
    expected_version: int | None = None,
    via: str = "ui",
) -> SupportRequest:
    """The holder (from its own resources) or an organisation asked to pledge covers part of the need."""
    request = _locked(request, expected_version)
    pledger = pledger or request.holder
    if pledger.pk != request.holder_id and pledger.pk not in _asked_orgs(request):
        raise PermissionDeniedError()
    require(actor, "command.handle", pledger)
    _must_be_open(request)
    q = _amount(quantity, request)
    _cover(request, q)
    _step(request, RequestStep.Kind.PLEDGED, actor, pledger, other=pledger, quantity=q, note=str(note or ""))
    _log(pledger, request, "pledged", actor)
    _record(actor, request, "command.request_pledge", via, quantity=q, pledger=pledger.pk)
    _propagate(request)
    return request


@transaction.atomic
def request_allocate(
    *,
    actor: Actor,
    request: SupportRequest,
    quantity: Any,
    supplier: Organisation | None,
    note: str = "",
    expected_version: int | None = None,
    via: str = "ui",
) -> SupportRequest:
    """The holder allocates part of the need from a supplier (e.g. another county's offer)."""
    request = _locked(request, expected_version)
    require(actor, "command.handle", request.holder)
    _must_be_open(request)
    if supplier is None:
        fail({"supplier": _("Choose the organisation that supplies it.")})
    q = _amount(quantity, request)
    _cover(request, q)
    _step(request, RequestStep.Kind.ALLOCATED, actor, request.holder, other=supplier, quantity=q, note=str(note or ""))
    _log(request.holder, request, "allocated", actor)
    _record(actor, request, "command.request_allocate", via, quantity=q, supplier=getattr(supplier, "pk", None))
    _propagate(request)
    return request


@transaction.atomic
def request_forward(
    *,
    actor: Actor,
    request: SupportRequest,
    to: Organisation | None,
    note: str = "",
    expected_version: int | None = None,
    via: str = "ui",
) -> SupportRequest:
    """Forward what remains to a level above the holder; the request keeps its steps and requester."""
    request = _locked(request, expected_version)
    require(actor, "command.handle", request.holder)
    _must_be_open(request)
    if to is None or to.pk == request.holder_id or to.pk not in request.holder.ancestor_ids:
        fail({"to": _("A request can only be forwarded to a level above the one handling it.")})
    assert to is not None
    before = request.holder
    request.holder = to
    request.status = SupportRequest.Status.FORWARDED
    _bump(request, "holder", "status")
    _step(request, RequestStep.Kind.FORWARDED, actor, before, other=to, quantity=request.remaining, note=str(note or ""))
    _log(before, request, "forwarded", actor)
    _record(actor, request, "command.request_forward", via, holder={"before": before.pk, "after": to.pk})
    return request


@transaction.atomic
def request_merge(
    *,
    actor: Actor,
    requests: list[SupportRequest],
    to: Organisation | None,
    values: dict[str, Any],
    expected_versions: dict[int, int] | None = None,
    via: str = "ui",
) -> SupportRequest:
    """Merge similar requests the actor's level holds into one joint request to the level above.

    Each original keeps ``merged_into`` (its page shows every step of the joint request) and its own steps."""
    if len(requests) < 2:
        fail({"requests": _("Choose at least two requests to merge.")})
    versions = expected_versions or {}
    locked = [_locked(r, versions.get(r.pk)) for r in sorted(requests, key=lambda r: r.pk)]
    holder = locked[0].holder
    require(actor, "command.handle", holder)
    errors: dict[str, str] = {}
    for r in locked:
        if r.holder_id != holder.pk or not r.requester_path.startswith(holder.path) or r.requester_id == holder.pk:
            errors["requests"] = _("Only requests from within your own subtree that your level handles can be merged.")
        elif not r.is_open:
            errors["requests"] = _("Request %(id)s is no longer open.") % {"id": r.pk}
    if len({(r.item, r.competence, r.unit) for r in locked}) > 1:
        errors.setdefault("requests", _("Only requests for the same item and unit can be merged."))
    if to is None or to.pk == holder.pk or to.pk not in holder.ancestor_ids:
        errors["to"] = _("A joint request goes to a level above the one handling it.")
    delivery = text(values, "delivery_point", 200)
    if not delivery:
        errors["delivery_point"] = _("Give the delivery point (e.g. the county's reloading point).")
    contact = text(values, "contact", 200)
    if not contact:
        errors["contact"] = _("Give a contact (name and phone).")
    fail(errors)
    assert to is not None
    first = locked[0]
    joint = SupportRequest.objects.create(
        requester=holder,
        requester_path=holder.path,
        holder=to,
        item=first.item,
        competence=first.competence,
        unit=first.unit,
        description=text(values, "description", 500) or first.description,
        quantity=sum(r.remaining for r in locked),
        priority=min((r.priority for r in locked), key=lambda p: PRIORITY_RANK[p]),
        needed_by=min(r.needed_by for r in locked),
        delivery_point=delivery,
        contact=contact,
        event=first.event,
        created_by=actor,
    )
    note = _("Joint request from %(n)s requests") % {"n": len(locked)}
    _step(joint, RequestStep.Kind.CREATED, actor, holder, other=to, quantity=joint.quantity, note=note)
    for r in locked:
        r.merged_into = joint
        r.status = SupportRequest.Status.MERGED
        _bump(r, "merged_into", "status")
        _step(r, RequestStep.Kind.MERGED, actor, holder, other=to, quantity=r.remaining, note=note)
    _log(holder, joint, "merged", actor)
    audit.record(
        actor=actor,
        action="command.request_merge",
        target=joint,
        organisation=holder,
        changes={"merged": [r.pk for r in locked], "holder": to.pk, "quantity": joint.quantity},
        via=via,
    )
    return joint


@transaction.atomic
def request_ask(
    *,
    actor: Actor,
    request: SupportRequest,
    org: Organisation | None,
    note: str = "",
    expected_version: int | None = None,
    via: str = "ui",
) -> SupportRequest:
    """Ask another organisation to pledge; it then sees the request and may pledge against it."""
    request = _locked(request, expected_version)
    require(actor, "command.handle", request.holder)
    _must_be_open(request)
    if org is None or org.pk == request.holder_id or not org.is_active or org.kind == K.UNIT:
        fail({"org": _("Choose another organisation (not a unit) to ask.")})
    assert org is not None
    _bump(request)
    _step(request, RequestStep.Kind.ASKED, actor, request.holder, other=org, note=str(note or ""))
    _log(request.holder, request, "asked", actor)
    _record(actor, request, "command.request_ask", via, asked=org.pk)
    return request


def _finish(
    actor: Actor, request: SupportRequest, kind: str, status: str, note: str, via: str, *, by_requester: bool
) -> SupportRequest:
    if policy.can(actor, "command.handle", request.holder):
        org = request.holder
    elif by_requester and policy.can(actor, "command.request", request.requester):
        org = request.requester
    else:
        raise PermissionDeniedError()
    request.status = status
    _bump(request, "status")
    _step(request, kind, actor, org, note=note)
    _log(org, request, kind, actor)
    _record(
        actor, request, {"delivered": "deliver", "declined": "decline"}.get(kind, "close"), via, status=status, note=note[:200]
    )
    _propagate(request)
    return request


@transaction.atomic
def request_deliver(
    *, actor: Actor, request: SupportRequest, note: str = "", expected_version: int | None = None, via: str = "ui"
) -> SupportRequest:
    """Mark what was pledged or allocated as delivered (the holder, or the requester on receipt)."""
    request = _locked(request, expected_version)
    if request.covered == 0 or request.status in ("delivered", "declined", "closed", "merged"):
        fail({"status": _("Only a request with pledged or allocated resources can be marked delivered.")})
    return _finish(
        actor,
        request,
        RequestStep.Kind.DELIVERED,
        SupportRequest.Status.DELIVERED,
        str(note or "")[:1000],
        via,
        by_requester=True,
    )


@transaction.atomic
def request_decline(
    *, actor: Actor, request: SupportRequest, reason: str, expected_version: int | None = None, via: str = "ui"
) -> SupportRequest:
    request = _locked(request, expected_version)
    require(actor, "command.handle", request.holder)
    _must_be_open(request)
    reason = str(reason or "").strip()[:1000]
    if not reason:
        fail({"reason": _("Give the reason for declining.")})
    return _finish(actor, request, RequestStep.Kind.DECLINED, SupportRequest.Status.DECLINED, reason, via, by_requester=False)


@transaction.atomic
def request_close(
    *, actor: Actor, request: SupportRequest, note: str = "", expected_version: int | None = None, via: str = "ui"
) -> SupportRequest:
    request = _locked(request, expected_version)
    if request.status in ("closed", "merged"):
        fail({"status": _("This request is already closed or merged.")})
    return _finish(
        actor, request, RequestStep.Kind.CLOSED, SupportRequest.Status.CLOSED, str(note or "")[:1000], via, by_requester=True
    )


def _propagate(joint: SupportRequest) -> None:
    """A joint request's outcome reaches the originals merged into it (they keep status 'merged' until the joint
    request is finished, then share its final status)."""
    if joint.status in ("delivered", "declined", "closed"):
        for original in SupportRequest.objects.filter(merged_into=joint):
            original.status = joint.status
            original.version += 1
            original.save(update_fields=["status", "version", "updated_at"])
            _propagate(original)
