"""The one message service: ``message_send`` queues a message with one delivery row per recipient, rendered in the
recipient's language and marked ÖVNING when it is an exercise; the ``comms.tasks.deliver`` task sends them.

The delivery task is enqueued in the same transaction as the rows (the database task backend stores it there), so
a message exists, is queued and is delivered exactly when the write that caused it commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beredd.accounts.models import User
from beredd.accounts.types import Actor
from beredd.comms import marking
from beredd.comms.channels import CHANNELS
from beredd.comms.models import Attachment, BankVersion, Channel, Delivery, Message
from beredd.core import audit
from beredd.core.exceptions import FieldError, NotFoundError, ValidationFailed
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from beredd.register.models import Incident

MAX_ATTEMPTS = 5
# Wait before attempt n+1 (after n failures): 1 min, 5 min, 30 min, 2 h.
BACKOFF = [dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2)]
MAX_RECIPIENTS = 50_000


@dataclass(frozen=True)
class Recipient:
    """Who gets a message: an address (e-mail or phone), or a unit for a printable notice."""

    address: str = ""
    language: str = ""
    user_id: int | None = None
    organisation_id: int | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _render_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _languages_of(recipients: Sequence[Recipient]) -> list[Recipient]:
    """Fill in each recipient's language from their user account (their chosen language), else the default."""
    missing = [r for r in recipients if not r.language and r.address]
    by_email: dict[str, tuple[int, str]] = {}
    wanted = sorted({r.address for r in missing})
    for start in range(0, len(wanted), 5000):  # bounded IN lists (SQLite's variable limit)
        rows = User.objects.filter(email__in=wanted[start : start + 5000]).values_list("email", "pk", "preferred_language")
        by_email.update({email.lower(): (pk, lang) for email, pk, lang in rows})
    out = []
    for r in recipients:
        if r.language:
            out.append(r)
            continue
        pk, lang = by_email.get(r.address.lower(), (r.user_id, ""))
        out.append(
            Recipient(
                address=r.address,
                language=lang or settings.LANGUAGE_CODE,
                user_id=r.user_id or pk,
                organisation_id=r.organisation_id,
                context=r.context,
            )
        )
    return out


def _validate(recipients: Sequence[Recipient], channel: str) -> list[FieldError]:
    """Refuse a message without recipients or with too many; return the per-recipient problems (row = position)."""
    if not recipients:
        raise ValidationFailed(
            _("The message has no recipients."),
            details=[FieldError(row=None, field="recipients", message=_("The message has no recipients."))],
        )
    if len(recipients) > MAX_RECIPIENTS:
        message = _("At most %(n)s recipients per message.") % {"n": MAX_RECIPIENTS}
        raise ValidationFailed(message, details=[FieldError(row=None, field="recipients", message=message)])
    errors = []
    for i, r in enumerate(recipients):
        if channel == Channel.EMAIL:
            try:
                validate_email(r.address)
            except ValidationError:
                errors.append(
                    FieldError(
                        row=i + 1,
                        field="recipients",
                        message=_("%(address)s is not an e-mail address.") % {"address": r.address[:80]},
                    )
                )
        elif channel == Channel.SMS and not (r.address.startswith("+") and r.address[1:].isdigit() and 8 <= len(r.address) <= 16):
            errors.append(
                FieldError(
                    row=i + 1,
                    field="recipients",
                    message=_("%(address)s is not a phone number in international form (+46…).") % {"address": r.address[:40]},
                )
            )
        elif channel in {Channel.PRINT, Channel.PUBLIC, Channel.CAP} and r.organisation_id is None:
            errors.append(FieldError(row=i + 1, field="recipients", message=_("A printable notice goes to a unit.")))
    return errors


def _text(value: str | Promise | None, params: Mapping[str, Any] | None) -> str:
    if value is None:
        return ""
    text = str(value)
    return text % dict(params) if params else text


@transaction.atomic
def message_send(
    *,
    actor: Actor | None,
    organisation: Organisation | None,
    kind: str,
    recipients: Sequence[Recipient],
    subject: str | Promise = "",
    subject_params: Mapping[str, Any] | None = None,
    template: str | None = None,
    body: str | Promise | None = None,
    context: Mapping[str, Any] | None = None,
    texts: Mapping[str, tuple[str, str]] | None = None,
    is_exercise: bool = False,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    channel: str = Channel.EMAIL,
    confirmable: bool = False,
    version: BankVersion | None = None,
    incident: Incident | None = None,
    via: str = "system",
    record_invalid: bool = False,
) -> Message:
    """Queue one message to ``recipients`` and enqueue its delivery. Returns the message.

    The text is either ``subject`` (a translatable string, formatted with ``subject_params``) with a ``template`` or
    ``body`` rendered in each recipient's language (``context`` plus the recipient's own ``context``), or ready
    ``texts`` per language (the message bank; a recipient whose language has no text gets Swedish). Exercises are
    marked ÖVNING in subject and body. ``confirmable`` adds a confirmation link per recipient (reach tracking).
    Raises ``ValidationFailed`` (nothing saved, nothing sent) for no recipients or a bad address; with
    ``record_invalid`` (the product's own notifications) a bad address is kept as a failed delivery with the reason
    instead, so that the write that caused the notification stands and the failure is visible in the sent log.
    """
    if channel not in CHANNELS:
        raise ValidationFailed(
            _("Unknown channel."), details=[FieldError(row=None, field="channel", message=_("Unknown channel."))]
        )
    recipients = _languages_of(list(recipients))
    problems = _validate(recipients, channel)
    if problems and not record_invalid:
        raise ValidationFailed(problems[0]["message"], details=problems[:50])
    invalid = {(p["row"] or 0) - 1: str(p["message"]) for p in problems}  # _validate numbers every row
    renderable = _render_languages()
    cache: dict[str, tuple[str, str]] = {}

    def render(r: Recipient) -> tuple[str, str]:
        lang = r.language
        if texts is not None:
            subj, text = texts.get(lang) or texts.get("sv") or next(iter(texts.values()))
            return subj, text
        ui = lang if lang in renderable else settings.LANGUAGE_CODE
        if not r.context and ui in cache:
            return cache[ui]
        with translation.override(ui), timezone.override(settings.TIME_ZONE):
            subj = _text(subject, subject_params)
            if template is not None:
                text = render_to_string(template, {**(context or {}), **r.context, "recipient_language": ui})
            else:
                text = _text(body, {**(context or {}), **r.context} if context or r.context else None)
        if not r.context:
            cache[ui] = (subj, text)
        return subj, text

    with translation.override(settings.LANGUAGE_CODE):
        listed_subject = _text(subject, subject_params) if texts is None else render(Recipient(language="sv"))[0]
    message = Message.objects.create(
        organisation=organisation,
        kind=kind,
        subject=marking.mark_subject(listed_subject, is_exercise=is_exercise)[:255],
        is_exercise=is_exercise,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        version=version,
        incident=incident,
        texts={lang: list(pair) for lang, pair in (texts or {}).items()},
    )
    rows = []
    tokens: list[str] = []
    for index, r in enumerate(recipients):
        subj, text = render(r)
        token = ""
        if confirmable:
            secret = secrets.token_urlsafe(24)
            token = hash_token(secret)
            tokens.append(secret)
            link = settings.SITE_URL + reverse("comms:confirm", args=[secret])
            with translation.override(r.language if r.language in renderable else settings.LANGUAGE_CODE):
                prompt = _("Confirm that you received this message")
                text = f"{text.rstrip()}\n\n{prompt}: {link}\n"
        rows.append(
            Delivery(
                message=message,
                channel=channel,
                address=r.address,
                user_id=r.user_id,
                organisation_id=r.organisation_id,
                language=r.language,
                subject=marking.mark_subject(subj, is_exercise=is_exercise, language=r.language)[:255],
                body=marking.mark_body(text, is_exercise=is_exercise, language=r.language),
                confirm_token=token,
                status=Delivery.Status.FAILED if index in invalid else Delivery.Status.QUEUED,
                error=invalid.get(index, "")[:255],
            )
        )
    Delivery.objects.bulk_create(rows, batch_size=2000)
    Attachment.objects.bulk_create(
        [Attachment(message=message, filename=name, content=content, content_type=ctype) for name, content, ctype in attachments]
    )
    audit.record(
        actor=actor,
        action="comms.message_send",
        target=message,
        organisation=organisation,
        changes={"kind": kind, "channel": channel, "recipients": len(rows), "exercise": is_exercise},
        via=via,
    )
    from beredd.comms import tasks

    tasks.deliver.enqueue(message.pk)
    return message


def mail_send(
    *,
    kind: str,
    to: Sequence[str] | Sequence[Recipient],
    subject: str | Promise,
    subject_params: Mapping[str, Any] | None = None,
    template: str | None = None,
    body: str | Promise | None = None,
    context: Mapping[str, Any] | None = None,
    organisation: Organisation | None = None,
    is_exercise: bool = False,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    actor: Actor | None = None,
    incident: Incident | None = None,
) -> int:
    """The product's own notifications (rounds, reminders, incidents, invitations ...): e-mail to ``to``.

    Returns the number of deliveries queued (0, and nothing saved, when there is nobody to tell). An address that
    is not an e-mail address never breaks the action that notifies: it is recorded as a failed delivery.
    """
    recipients = [r if isinstance(r, Recipient) else Recipient(address=r) for r in to]
    if not recipients:
        return 0
    message = message_send(
        actor=actor,
        organisation=organisation,
        kind=kind,
        recipients=recipients,
        subject=subject,
        subject_params=subject_params,
        template=template,
        body=body,
        context=context,
        is_exercise=is_exercise,
        attachments=attachments,
        incident=incident,
        record_invalid=True,
    )
    return len(recipients) if message.pk else 0


def _due(now: dt.datetime) -> Q:
    return Q(status=Delivery.Status.QUEUED) | Q(status=Delivery.Status.FAILED, retry_at__lte=now, attempts__lt=MAX_ATTEMPTS)


def deliveries_send(*, message_id: int | None = None) -> int:
    """Send the due deliveries (of one message, or all): queued ones and failed ones whose back-off has passed.

    Each row ends sent, or failed with the reason and a ``retry_at`` (none after ``MAX_ATTEMPTS``). Returns the
    number sent. Runs in the task worker.
    """
    now = timezone.now()
    qs = Delivery.objects.filter(_due(now))
    if message_id is not None:
        qs = qs.filter(message_id=message_id)
    sent = 0
    next_retry: dt.datetime | None = None
    by_message: dict[int, dict[str, list[Delivery]]] = {}
    for d in qs.order_by("pk"):
        by_message.setdefault(d.message_id, {}).setdefault(d.channel, []).append(d)
    for mid, channels in by_message.items():
        attachments = list(Attachment.objects.filter(message_id=mid))
        for channel, rows in channels.items():
            errors = CHANNELS[channel].send(rows, attachments)
            stamp = timezone.now()
            for d in rows:
                d.attempts += 1
                if d.pk in errors:
                    d.status, d.error = Delivery.Status.FAILED, errors[d.pk]
                    d.retry_at = stamp + BACKOFF[min(d.attempts - 1, len(BACKOFF) - 1)] if d.attempts < MAX_ATTEMPTS else None
                    if d.retry_at is not None and (next_retry is None or d.retry_at < next_retry):
                        next_retry = d.retry_at
                else:
                    d.status, d.sent_at, d.retry_at = Delivery.Status.SENT, stamp, None
                    sent += 1
            Delivery.objects.bulk_update(rows, ["attempts", "status", "error", "retry_at", "sent_at"], batch_size=2000)
    if next_retry is not None:
        from beredd.comms import tasks

        tasks.enqueue_later(tasks.deliver, message_id, run_after=next_retry)
    return sent


@transaction.atomic
def deliveries_retry(*, actor: Actor, message: Message, via: str = "ui") -> int:
    """Retry a message's failed deliveries now (the sender's button); returns how many were queued again."""
    # A row that failed validation (attempts 0: not an address) is not retried; the address must be corrected.
    n = Delivery.objects.filter(message=message, status=Delivery.Status.FAILED, attempts__gt=0).update(
        status=Delivery.Status.QUEUED, retry_at=None
    )
    if n:
        audit.record(actor=actor, action="comms.delivery_retry", target=message, changes={"deliveries": n}, via=via)
        from beredd.comms import tasks

        tasks.deliver.enqueue(message.pk)
    return n


@transaction.atomic
def delivery_confirm(
    *, actor: Actor | AnonymousUser | None = None, token: str = "", delivery: Delivery | None = None, via: str = "ui"
) -> Delivery:
    """Record that a delivery reached its recipient: by the link in the message, or by the unit or the sender
    (a button, a phone call). Confirming twice keeps the first time."""
    if delivery is None:
        delivery = Delivery.objects.select_for_update().filter(confirm_token=hash_token(token)).first() if token else None
        if delivery is None:
            raise NotFoundError("delivery", 0)
    else:
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.confirmed_at is None:
        delivery.confirmed_at = timezone.now()
        delivery.confirmed_by = actor if isinstance(actor, User) else None  # an anonymous link-follower is nobody
        delivery.save(update_fields=["confirmed_at", "confirmed_by"])
        audit.record(
            actor=actor,
            action="comms.delivery_confirm",
            target=delivery.message,
            organisation=delivery.organisation or delivery.message.organisation,
            changes={"delivery": delivery.pk, "channel": delivery.channel},
            via=via,
            target_label=str(delivery.message),
        )
    return delivery


@transaction.atomic
def deliveries_remind(*, actor: Actor, message: Message, via: str = "ui") -> Message:
    """Remind those who have not confirmed: e-mail recipients get the message again (with a new confirmation link),
    and for printable notices the staff of each unit left are asked to hand it out and confirm."""
    from beredd.accounts import policy
    from beredd.accounts.models import Membership

    policy.require(actor, "comms.send", message.organisation, message=_("You may not send messages for this organisation."))
    left = list(message.deliveries.filter(confirmed_at__isnull=True).exclude(status=Delivery.Status.FAILED))
    if not left:
        raise ValidationFailed(
            _("Everyone has confirmed: nobody to remind."),
            details=[FieldError(row=None, field="recipients", message=_("Everyone has confirmed: nobody to remind."))],
        )
    email_left = [d for d in left if d.channel == Channel.EMAIL]
    if email_left:
        return message_send(
            actor=actor,
            organisation=message.organisation,
            kind=message.kind,
            recipients=[
                Recipient(address=d.address, language=d.language, user_id=d.user_id, organisation_id=d.organisation_id)
                for d in email_left
            ],
            texts={lang: (str(_("Reminder: %(title)s") % {"title": pair[0]}), pair[1]) for lang, pair in message.texts.items()}
            or None,
            subject=_("Reminder: %(title)s") % {"title": message.subject},
            body=_("Please confirm that you received the message."),
            confirmable=True,
            is_exercise=message.is_exercise,
            version=message.version,
            incident=message.incident,
            via=via,
        )
    units = [d.organisation_id for d in left if d.organisation_id]
    rows = (
        Membership.objects.current()
        .filter(organisation_id__in=units)
        .values_list("user__email", "organisation_id")
        .order_by("user__email")
    )
    seen: set[str] = set()
    recipients = []
    for email, org_id in rows:
        if email not in seen:
            seen.add(email)
            recipients.append(Recipient(address=email, organisation_id=org_id))
    return message_send(
        actor=actor,
        organisation=message.organisation,
        kind=message.kind,
        recipients=recipients,
        subject=gettext_lazy("Reminder: hand out the notice %(title)s"),
        subject_params={"title": message.subject},
        body=gettext_lazy(
            "Your unit has a printable notice to hand out door to door. Print it, hand it out and confirm it delivered: %(link)s"
        ),
        context={"link": settings.SITE_URL + reverse("comms:notices")},
        is_exercise=message.is_exercise,
        incident=message.incident,
        via=via,
    )
