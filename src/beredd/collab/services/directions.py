"""Planning directions (planeringsinriktningar, issue 13 item 3), run on the reporting engine.

Seed 000 ("Regional samordning med kommunerna"): the county boards pass on planning directions, scenarios and
requirements to the kommuner. A direction is published as a round of a built-in template with two questions
(acknowledged; how the kommun applies it) to every kommun of the chosen subtree; the kommun answers in the
reporting engine's form and the sender sees the engine's completeness (n of m).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.collab.models import Direction, DirectionAttachment
from beredd.collab.services._common import fail, text
from beredd.collab.services.meetings import check_upload
from beredd.core import audit
from beredd.core.exceptions import ValidationFailed
from beredd.orgs.models import Organisation
from beredd.reporting.models import Round, Submission, TemplateVersion
from beredd.reporting.services.rounds import RoundSpec, round_issue
from beredd.reporting.services.templates import template_import

TEMPLATE_KEY = "collab-direction"
SENDER_KINDS = {Organisation.Kind.NATION, Organisation.Kind.CIVILOMRADE, Organisation.Kind.LAN}
ISSUE = "reporting.issue"


def template_data() -> dict[str, Any]:
    return {
        "key": TEMPLATE_KEY,
        "name": "Planeringsinriktning: bekräftelse och tillämpning",
        "fields": [
            {
                "key": "acknowledged",
                "type": "yes_no",
                "label_sv": "Vi har tagit del av planeringsinriktningen",
                "label_en": "We have taken note of the planning direction",
                "required": True,
                "rollup": "count_choice",
            },
            {
                "key": "application",
                "type": "long_text",
                "label_sv": "Hur kommunen tar in inriktningen i sin planering",
                "label_en": "How the kommun takes the direction into its planning",
                "required": True,
                "rollup": "collate",
            },
        ],
    }


@transaction.atomic
def direction_template_install() -> TemplateVersion:
    """The built-in acknowledgement template, owned by the nation and published. Idempotent."""
    nation = Organisation.objects.get(kind=Organisation.Kind.NATION)
    existing = (
        TemplateVersion.objects.filter(
            template__owner=nation, template__key=TEMPLATE_KEY, status=TemplateVersion.Status.PUBLISHED
        )
        .order_by("-number")
        .first()
    )
    return existing or template_import(actor=None, owner=nation, data=template_data(), publish=True, builtin=True)


@transaction.atomic
def direction_publish(
    *,
    actor: Actor,
    sender: Organisation,
    values: dict[str, Any],
    attachments: list[tuple[str, bytes]] | None = None,
    via: str = "ui",
) -> Direction:
    """Publish a direction to the kommuner under ``recipient_root`` (the sender itself or an organisation in its
    subtree). Raises PermissionDeniedError without ``reporting.issue`` at the sender; ValidationFailed naming the
    field for bad input (a recipient outside the sender's subtree, a due date in the past ...)."""
    policy.require(actor, ISSUE, sender)
    errors: dict[str, str] = {}
    if sender.kind not in SENDER_KINDS:
        errors["sender"] = _("Planning directions are sent by the national level, a civil area or a county.")
    title = text(values, "title", 200)
    body = str(values.get("text") or "").strip()[:20000]
    if not title:
        errors["title"] = _("Give the direction a title.")
    if not body:
        errors["text"] = _("Write the direction.")
    root = values.get("recipient_root") or sender
    if not isinstance(root, Organisation) or not root.path.startswith(sender.path):
        errors["recipient_root"] = _("The recipients must be in your own organisation's part of the tree.")
    elif root.kind not in {*SENDER_KINDS, Organisation.Kind.KOMMUN}:
        errors["recipient_root"] = _("Choose a county, a civil area or a kommun as the recipients.")
    due = values.get("due_date")
    if not isinstance(due, dt.date):
        errors["due_date"] = _("Give the date by which the kommuner answer.")
    elif due <= timezone.localdate():
        errors["due_date"] = _("The answer date must be in the future.")
    checked: list[tuple[str, str, bytes]] = []
    for filename, content in attachments or []:
        try:
            name, ctype = check_upload(filename=filename, content=content)
        except ValidationFailed as exc:
            errors["file"] = str(exc.details[0]["message"]) if exc.details else str(exc.message)
            continue
        checked.append((name, ctype, content))
    fail(errors)
    assert isinstance(root, Organisation) and isinstance(due, dt.date)
    kommuner = list(
        Organisation.objects.subtree_of(root).active().filter(kind=Organisation.Kind.KOMMUN).values_list("pk", flat=True)
    )
    if not kommuner:
        fail({"recipient_root": _("There are no kommuner under the chosen organisation.")})
    deadline = dt.datetime.combine(due, dt.time(23, 59), tzinfo=timezone.get_current_timezone())
    spec = RoundSpec(
        title=f"Planeringsinriktning: {title}"[:200],
        template_version=direction_template_install(),
        deadline=deadline,
        responder=Round.Responder.KOMMUNER,
        explicit_recipients=kommuner,
    )
    round_ = round_issue(actor=actor, issuer=sender, spec=spec, via=via)
    direction = Direction.objects.create(
        sender=sender,
        recipient_root=root,
        title=title,
        text=body,
        scenario=str(values.get("scenario") or "").strip()[:4000],
        requirement=str(values.get("requirement") or "").strip()[:4000],
        due_date=due,
        round=round_,
        created_by=actor,
    )
    for name, ctype, content in checked:
        attachment = DirectionAttachment(
            direction=direction, original_name=name, size=len(content), content_type=ctype, uploaded_by=actor
        )
        attachment.file.save(name, ContentFile(content), save=False)
        attachment.save()
    audit.record(
        actor=actor,
        action="collab.direction_publish",
        target=direction,
        changes={"title": title, "recipient_root": root.pk, "recipients": len(kommuner), "attachments": len(checked)},
        via=via,
    )
    return direction


def unanswered_org_ids(direction: Direction) -> list[int]:
    instance = direction.round.instances.order_by("-number").first()
    if instance is None:
        return []
    return list(instance.submissions.exclude(status__in=Submission.ANSWERED).values_list("organisation_id", flat=True))


@transaction.atomic
def direction_remind(*, actor: Actor, direction: Direction, via: str = "ui") -> int:
    """E-mail the kommuner that have not answered (after commit). Returns how many kommuner are reminded."""
    from beredd.collab import tasks

    policy.require(actor, ISSUE, direction.sender)
    missing = unanswered_org_ids(direction)
    if not missing:
        raise ValidationFailed(_("Every kommun has answered; there is no one to remind."))
    Direction.objects.filter(pk=direction.pk).update(reminded_at=timezone.now())
    audit.record(actor=actor, action="collab.direction_remind", target=direction, changes={"reminded": len(missing)}, via=via)
    direction_id = direction.pk
    transaction.on_commit(lambda: tasks.send_direction_reminder.enqueue(direction_id))
    return len(missing)
