"""Shortcomings and needs raised upward (issue 13 item 4).

A kommun or county raises an issue it cannot solve; it is held by the level above (the kommun's län, the
county's nation). That level answers it, merges it into a similar issue, or lifts it further up to an ancestor
(up to the national forum). An answer travels to every organisation that raised the issue or one merged into it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.policy import require
from beredd.accounts.types import Actor
from beredd.collab.models import PriorityArea, Shortcoming
from beredd.collab.services._common import fail, text
from beredd.core import audit
from beredd.core.exceptions import ValidationFailed
from beredd.orgs.models import Organisation

RAISER_KINDS = {Organisation.Kind.KOMMUN, Organisation.Kind.LAN, Organisation.Kind.CIVILOMRADE}


def _handler_for(org: Organisation) -> Organisation | None:
    """The level that handles what ``org`` raises: a kommun's län; a county's (or civil area's) nation."""
    if org.kind == Organisation.Kind.KOMMUN:
        return org.parent
    return Organisation.objects.filter(kind=Organisation.Kind.NATION, pk__in=org.ancestor_ids).first()


@transaction.atomic
def shortcoming_raise(*, actor: Actor, raised_by: Organisation, values: dict[str, Any], via: str = "ui") -> Shortcoming:
    require(actor, "collab.act", raised_by)
    errors: dict[str, str] = {}
    if raised_by.kind not in RAISER_KINDS:
        errors["raised_by"] = _("Shortcomings are raised by a kommun, a county or a civil area.")
    category = str(values.get("category") or "")
    if category not in Shortcoming.Category.values:
        errors["category"] = _("Choose a category.")
    area = str(values.get("priority_area") or "")
    if area not in PriorityArea.values:
        errors["priority_area"] = _("Choose the priority area it concerns.")
    title = text(values, "title", 200)
    description = str(values.get("description") or "").strip()[:8000]
    if not title:
        errors["title"] = _("Give the issue a short title.")
    if not description:
        errors["description"] = _("Describe the shortcoming or need.")
    fail(errors)
    level = _handler_for(raised_by)
    if level is None:
        fail({"raised_by": _("There is no level above this organisation.")})
    assert level is not None
    item = Shortcoming.objects.create(
        raised_by=raised_by,
        raised_path=raised_by.path,
        level=level,
        category=category,
        priority_area=area,
        title=title,
        description=description,
        year=timezone.localdate().year,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="collab.shortcoming_raise",
        target=item,
        changes={"level": level.pk, "category": category, "priority_area": area},
        via=via,
    )
    return item


def _handled_here(actor: Actor, item: Shortcoming) -> None:
    require(actor, "collab.manage", item.level)
    if item.status in (Shortcoming.Status.ANSWERED, Shortcoming.Status.MERGED):
        raise ValidationFailed(_("This issue is already answered or merged."))


@transaction.atomic
def shortcoming_lift(*, actor: Actor, item: Shortcoming, to: Organisation | None, via: str = "ui") -> Shortcoming:
    """Lift to an ancestor of the current level (e.g. the county lifts it to the national forum)."""
    _handled_here(actor, item)
    if to is None or to.pk not in item.level.ancestor_ids or to.pk == item.level_id:
        fail({"to": _("An issue can only be lifted to a level above the one holding it.")})
    assert to is not None
    before = item.level_id
    item.level = to
    item.status = Shortcoming.Status.LIFTED
    item.save(update_fields=["level", "status", "updated_at"])
    # Issues merged into this one travel up with it, so one answer reaches them all.
    Shortcoming.objects.filter(merged_into=item).update(level=to)
    audit.record(
        actor=actor, action="collab.shortcoming_lift", target=item, changes={"level": {"before": before, "after": to.pk}}, via=via
    )
    return item


@transaction.atomic
def shortcoming_merge(*, actor: Actor, item: Shortcoming, into: Shortcoming | None, via: str = "ui") -> Shortcoming:
    """Merge ``item`` into a similar open issue held at the same level; answers to ``into`` reach ``item``'s raiser."""
    _handled_here(actor, item)
    if into is None or into.pk == item.pk or into.level_id != item.level_id or into.merged_into_id is not None:
        fail({"into": _("Choose another open issue held at the same level.")})
    assert into is not None
    item.merged_into = into
    item.status = Shortcoming.Status.MERGED
    item.save(update_fields=["merged_into", "status", "updated_at"])
    Shortcoming.objects.filter(merged_into=item).update(merged_into=into)
    audit.record(actor=actor, action="collab.shortcoming_merge", target=item, changes={"merged_into": into.pk}, via=via)
    return item


@transaction.atomic
def shortcoming_answer(*, actor: Actor, item: Shortcoming, answer: str, via: str = "ui") -> Shortcoming:
    """Answer the issue; the answer is copied to every issue merged into it and mailed to every raiser."""
    from beredd.collab import tasks

    _handled_here(actor, item)
    body = str(answer or "").strip()[:8000]
    if not body:
        fail({"answer": _("Write the answer.")})
    now = timezone.now()
    item.answer, item.answered_by, item.answered_at, item.status = body, item.level, now, Shortcoming.Status.ANSWERED
    item.save(update_fields=["answer", "answered_by", "answered_at", "status", "updated_at"])
    merged = Shortcoming.objects.filter(merged_into=item)
    merged.update(answer=body, answered_by=item.level, answered_at=now)
    audit.record(
        actor=actor,
        action="collab.shortcoming_answer",
        target=item,
        changes={"answer": body[:200], "reaches": 1 + merged.count()},
        via=via,
    )
    item_id = item.pk
    transaction.on_commit(lambda: tasks.send_shortcoming_answer.enqueue(item_id))
    return item
