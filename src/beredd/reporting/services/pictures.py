"""Writes for compiled pictures (samlad lägesbild): save, publish downward, forward upward."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import FieldConflict
from beredd.orgs.models import Organisation
from beredd.reporting.exceptions import SubmissionConflictError
from beredd.reporting.models import CompiledPicture, RoundInstance

TEXT_FIELDS = ("summary", "assessment", "actions", "needs")


@transaction.atomic
def picture_save(
    *,
    actor: Actor,
    instance: RoundInstance,
    organisation: Organisation,
    data: dict[str, str],
    numbers: dict[str, Any],
    expected_version: int | None = None,
    via: str = "ui",
) -> CompiledPicture:
    """Create or update the org's compiled picture; the current roll-up figures are attached."""
    policy.require(actor, "reporting.approve", organisation)
    picture, created = CompiledPicture.objects.select_for_update().get_or_create(
        instance=instance, organisation=organisation, defaults={"author": actor}
    )
    if expected_version is not None and expected_version != picture.lock_version:
        raise SubmissionConflictError(
            details=[
                FieldConflict(row=None, field=k, message="", theirs=getattr(picture, k), yours=data.get(k)) for k in TEXT_FIELDS
            ]
        )
    before = audit.snapshot(picture, TEXT_FIELDS)
    for key in TEXT_FIELDS:
        setattr(picture, key, str(data.get(key, "")).strip())
    picture.numbers = numbers
    picture.author = actor
    picture.lock_version += 1
    picture.save()
    audit.record(
        actor=actor,
        action="picture.save",
        target=picture,
        organisation=organisation,
        via=via,
        changes=audit.diff(before, audit.snapshot(picture, TEXT_FIELDS)),
    )
    return picture


@transaction.atomic
def picture_publish(*, actor: Actor, picture: CompiledPicture, via: str = "ui") -> CompiledPicture:
    """Publish the picture downward (återkoppling): recipients see it and get an e-mail after commit."""
    policy.require(actor, "reporting.approve", picture.organisation)
    picture.published_at = timezone.now()
    picture.save(update_fields=["published_at", "updated_at"])
    audit.record(actor=actor, action="picture.publish", target=picture, organisation=picture.organisation, via=via)
    from beredd.command.services.log import auto_entry

    round_ = picture.instance.round
    auto_entry(
        organisation=picture.organisation,
        kind="information",
        text_=("ÖVNING – " if round_.is_exercise else "") + _("Situation picture published: %(title)s") % {"title": round_.title},
        author=actor,
        event=round_.event,
    )
    transaction.on_commit(lambda: _mail(picture.pk))
    return picture


def _mail(picture_id: int) -> None:
    from beredd.reporting import tasks

    tasks.enqueue(tasks.send_feedback_mail, picture_id)


@transaction.atomic
def picture_forward(*, actor: Actor, picture: CompiledPicture, via: str = "ui") -> CompiledPicture:
    """Forward the picture upward as the organisation's own assessment to the issuer's level."""
    policy.require(actor, "reporting.approve", picture.organisation)
    picture.forwarded_at = timezone.now()
    picture.save(update_fields=["forwarded_at", "updated_at"])
    audit.record(actor=actor, action="picture.forward", target=picture, organisation=picture.organisation, via=via)
    return picture
