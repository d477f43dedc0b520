"""Public messages: published on the kommun's public page and as CAP 1.2 alerts; updates and cancellations
reference the alert they replace. Every CAP file is checked against the official schema before it is saved."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.types import Actor
from beredd.comms import cap
from beredd.comms.models import BankMessage, Channel, Language, Message, PublicNotice
from beredd.comms.services.bank import _require, approved_texts
from beredd.comms.services.messages import Recipient, message_send
from beredd.core import audit
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.register.models import Incident


def _kommun_of(org: Organisation) -> Organisation:
    if org.kind == Organisation.Kind.KOMMUN:
        return org
    raise ValidationFailed(
        _("Public messages are published by a kommun."),
        details=[FieldError(row=None, field="organisation", message=_("Public messages are published by a kommun."))],
    )


def _new(
    *,
    actor: Actor,
    kommun: Organisation,
    scenario: str,
    texts: list[dict[str, str]],
    msg_type: str,
    references: PublicNotice | None,
    incident: Incident | None,
    is_exercise: bool,
    bank_message: BankMessage | None,
) -> PublicNotice:
    notice = PublicNotice(
        kommun=kommun,
        bank_message=bank_message,
        incident=incident,
        scenario=scenario,
        identifier=f"beredd-{kommun.code}-{uuid.uuid4().hex[:16]}",
        msg_type=msg_type,
        references=references,
        status=PublicNotice.Status.CANCELLED if msg_type == PublicNotice.MsgType.CANCEL else PublicNotice.Status.PUBLISHED,
        is_exercise=is_exercise,
        texts=texts,
        expires_at=getattr(incident, "ends_at", None),
        published_by=actor,
        created_at=timezone.now(),
    )
    errors = cap.validation_errors(cap.alert_xml(notice))
    if errors:  # a bug, not bad input: refuse rather than publish a file others cannot read
        raise ValidationFailed(_("The CAP file would not be valid: %(error)s") % {"error": errors[0]})
    notice.save()
    notice.message = message_send(
        actor=actor,
        organisation=kommun,
        kind=Message.Kind.CRISIS,
        recipients=[Recipient(organisation_id=kommun.pk, language="sv")],
        texts={t["language"]: (t["headline"], t["description"]) for t in texts},
        channel=Channel.PUBLIC,
        is_exercise=is_exercise,
        incident=incident,
    )
    notice.save(update_fields=["message"])
    return notice


def _texts(bank_message: BankMessage, fill: Mapping[str, str]) -> list[dict[str, str]]:
    texts, _sv = approved_texts(bank_message, fill)
    order = {code: i for i, code in enumerate(Language.values)}
    return [
        {"language": lang, "headline": subject, "description": body}
        for lang, (subject, body) in sorted(texts.items(), key=lambda kv: order.get(kv[0], 99))
    ]


@transaction.atomic
def notice_publish(
    *, actor: Actor, bank_message: BankMessage, fill: Mapping[str, str], incident: Incident | None = None, via: str = "ui"
) -> PublicNotice:
    """Publish the approved versions of a prepared message for the public (page, Atom feed, CAP file)."""
    _require(actor, "comms.send", bank_message.organisation)
    kommun = _kommun_of(bank_message.organisation)
    if incident is not None and incident.kommun_id != kommun.pk:
        raise ValidationFailed(
            _("The incident is not in the message's kommun."),
            details=[FieldError(row=None, field="incident", message=_("The incident is not in the message's kommun."))],
        )
    notice = _new(
        actor=actor,
        kommun=kommun,
        scenario=bank_message.scenario,
        texts=_texts(bank_message, fill),
        msg_type=PublicNotice.MsgType.ALERT,
        references=None,
        incident=incident,
        is_exercise=bool(getattr(incident, "is_exercise", False)),
        bank_message=bank_message,
    )
    audit.record(
        actor=actor,
        action="comms.notice_publish",
        target=notice,
        organisation=kommun,
        changes={"identifier": notice.identifier},
        via=via,
    )
    return notice


def _current(notice: PublicNotice) -> PublicNotice:
    locked = (
        PublicNotice.objects.select_for_update(of=("self",))
        .select_related("kommun", "incident", "bank_message")
        .get(pk=notice.pk)
    )
    if locked.status != PublicNotice.Status.PUBLISHED:
        raise ValidationFailed(
            _("This public message has already been replaced or cancelled."),
            details=[
                FieldError(row=None, field="notice", message=_("This public message has already been replaced or cancelled."))
            ],
        )
    return locked


def _supersede(
    *, actor: Actor, old: PublicNotice, texts: list[dict[str, str]], msg_type: str, status: str, action: str, via: str
) -> PublicNotice:
    """Publish the alert that updates or cancels ``old`` (referencing it, as CAP requires), retire ``old``, audit."""
    new = _new(
        actor=actor,
        kommun=old.kommun,
        scenario=old.scenario,
        texts=texts,
        msg_type=msg_type,
        references=old,
        incident=old.incident,
        is_exercise=old.is_exercise,
        bank_message=old.bank_message,
    )
    old.status = status
    old.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action=action, target=new, organisation=old.kommun, changes={"references": old.identifier}, via=via)
    return new


@transaction.atomic
def notice_update(*, actor: Actor, notice: PublicNotice, fill: Mapping[str, str], via: str = "ui") -> PublicNotice:
    """A new alert (msgType Update) with the prepared message's current approved texts, referencing the old one."""
    old = _current(notice)
    _require(actor, "comms.send", old.kommun)
    texts = _texts(old.bank_message, fill) if old.bank_message is not None else old.texts
    return _supersede(
        actor=actor,
        old=old,
        texts=texts,
        msg_type=PublicNotice.MsgType.UPDATE,
        status=PublicNotice.Status.REPLACED,
        action="comms.notice_update",
        via=via,
    )


@transaction.atomic
def notice_cancel(*, actor: Actor, notice: PublicNotice, via: str = "ui") -> PublicNotice:
    """Withdraw a public message: it leaves the page; a Cancel alert referencing it is published as CAP."""
    old = _current(notice)
    _require(actor, "comms.send", old.kommun)
    texts = [
        {
            "language": t["language"],
            "headline": _("Cancelled: %(headline)s") % {"headline": t["headline"]},
            "description": t["description"],
        }
        for t in old.texts
    ]
    return _supersede(
        actor=actor,
        old=old,
        texts=texts,
        msg_type=PublicNotice.MsgType.CANCEL,
        status=PublicNotice.Status.CANCELLED,
        action="comms.notice_cancel",
        via=via,
    )
