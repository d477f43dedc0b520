"""The message bank: prepared messages, their versions per language, the two-role approval and the send.

A version is drafted (``comms.draft``), reviewed by communications (``comms.review``) and approved by the MAS
(``comms.approve``), by different people. An edit is a new version (the history stays); approving a version
supersedes the language's earlier approved one. Only approved versions are sent. Texts are plain text with
placeholders ``{tid}``, ``{plats}``, ``{telefon}`` filled when sending; HTML is refused.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.comms.models import Audience, BankMessage, BankVersion, Language, Message, Scenario
from beredd.comms.services.messages import Recipient, message_send
from beredd.core import audit
from beredd.core.exceptions import FieldError, NotFoundError, ValidationFailed
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.register.models import Incident

PLACEHOLDERS = {"tid": gettext_lazy("time"), "plats": gettext_lazy("place"), "telefon": gettext_lazy("phone number")}
HTML = re.compile(r"<\s*/?\s*[a-zA-Z!]")
MAX_SUBJECT, MAX_BODY = 200, 5000


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[FieldError(row=None, field=field, message=message)])


def _require(actor: Actor, permission: str, org: Organisation) -> None:
    policy.require(actor, permission, org, message=_("You may not do this for %(org)s.") % {"org": org.name})


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a text uses, in order (``{tid}`` → ``tid``)."""
    try:
        return [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        raise _fail("body", _("A curly bracket is not closed. Placeholders look like {tid}, {plats} or {telefon}.")) from None


def _check_text(field: str, text: str, limit: int) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise _fail(field, _("This field is required."))
    if len(text) > limit:
        raise _fail(field, _("At most %(n)s characters.") % {"n": limit})
    if HTML.search(text):
        raise _fail(field, _("Write plain text: HTML tags are not allowed."))
    unknown = [p for p in placeholders_in(text) if p not in PLACEHOLDERS]
    if unknown:
        raise _fail(
            field,
            _("Unknown placeholder {%(name)s}. Use {tid}, {plats} or {telefon}.") % {"name": unknown[0][:40]},
        )
    return text


@transaction.atomic
def bank_create(
    *, actor: Actor, organisation: Organisation, title: str, scenario: str, audience: str, via: str = "ui"
) -> BankMessage:
    _require(actor, "comms.draft", organisation)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise _fail("title", _("Enter a title of at most 200 characters."))
    if scenario not in Scenario.values:
        raise _fail("scenario", _("Choose a scenario."))
    if audience not in Audience.values:
        raise _fail("audience", _("Choose a target group."))
    if BankMessage.objects.filter(organisation=organisation, title=title).exists():
        raise _fail("title", _("A prepared message with this title exists already."))
    item = BankMessage.objects.create(
        organisation=organisation, title=title, scenario=scenario, audience=audience, created_by=actor
    )
    audit.record(actor=actor, action="comms.bank_create", target=item, organisation=organisation, via=via)
    return item


@transaction.atomic
def version_create(
    *,
    actor: Actor,
    bank_message: BankMessage,
    language: str,
    subject: str,
    body: str,
    is_demo_translation: bool = False,
    via: str = "ui",
) -> BankVersion:
    """A new draft version for ``language`` (the earlier ones stay in the history)."""
    _require(actor, "comms.draft", bank_message.organisation)
    if language not in Language.values:
        raise _fail("language", _("Choose a language."))
    subject = _check_text("subject", subject, MAX_SUBJECT)
    body = _check_text("body", body, MAX_BODY)
    locked = BankMessage.objects.select_for_update().get(pk=bank_message.pk)
    number = (locked.versions.filter(language=language).aggregate(n=Max("number"))["n"] or 0) + 1
    version = BankVersion.objects.create(
        bank_message=locked,
        language=language,
        number=number,
        subject=subject,
        body=body,
        is_demo_translation=is_demo_translation,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="comms.version_create",
        target=version,
        organisation=locked.organisation,
        changes={"language": language, "number": number},
        via=via,
    )
    return version


def _locked(version: BankVersion) -> BankVersion:
    v = (
        BankVersion.objects.select_for_update(of=("self",))
        .select_related("bank_message__organisation")
        .filter(pk=version.pk)
        .first()
    )
    if v is None:
        raise NotFoundError("bank_version", version.pk)
    return v


@transaction.atomic
def version_review(*, actor: Actor, version: BankVersion, via: str = "ui") -> BankVersion:
    """Communications has checked the text (language, tone, facts): draft → reviewed."""
    v = _locked(version)
    _require(actor, "comms.review", v.bank_message.organisation)
    if v.status != BankVersion.Status.DRAFT:
        raise _fail("status", _("Only a draft can be reviewed."))
    if v.created_by_id == getattr(actor, "pk", None):
        raise _fail("status", _("Someone other than the author must review the text."))
    v.status, v.reviewed_by, v.reviewed_at = BankVersion.Status.REVIEWED, actor, timezone.now()
    v.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    audit.record(actor=actor, action="comms.version_review", target=v, organisation=v.bank_message.organisation, via=via)
    return v


@transaction.atomic
def version_approve(*, actor: Actor, version: BankVersion, via: str = "ui") -> BankVersion:
    """The MAS approves a reviewed version; the language's earlier approved version is superseded."""
    v = _locked(version)
    _require(actor, "comms.approve", v.bank_message.organisation)
    if v.status != BankVersion.Status.REVIEWED:
        raise _fail("status", _("A version must be reviewed by communications before it is approved."))
    if v.reviewed_by_id == getattr(actor, "pk", None):
        raise _fail("status", _("The approval needs a second person: you reviewed this version."))
    BankVersion.objects.filter(bank_message=v.bank_message, language=v.language, status=BankVersion.Status.APPROVED).update(
        status=BankVersion.Status.SUPERSEDED
    )
    v.status, v.approved_by, v.approved_at = BankVersion.Status.APPROVED, actor, timezone.now()
    v.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit.record(actor=actor, action="comms.version_approve", target=v, organisation=v.bank_message.organisation, via=via)
    return v


def approved_texts(bank_message: BankMessage, fill: Mapping[str, str]) -> tuple[dict[str, tuple[str, str]], BankVersion]:
    """The approved texts per language with the placeholders filled. Raises when nothing is approved in Swedish
    or a placeholder the texts use is left empty."""
    approved = {v.language: v for v in bank_message.versions.filter(status=BankVersion.Status.APPROVED)}
    if "sv" not in approved:
        raise _fail("version", _("The message has no approved Swedish version: it cannot be sent."))
    values = {k: str(fill.get(k, "") or "").strip()[:200] for k in PLACEHOLDERS}
    needed = {p for v in approved.values() for p in placeholders_in(v.subject) + placeholders_in(v.body)}
    empty = [p for p in PLACEHOLDERS if p in needed and not values[p]]
    if empty:
        raise _fail(f"fill_{empty[0]}", _("Fill in the %(what)s: the message uses it.") % {"what": PLACEHOLDERS[empty[0]]})
    for value in values.values():
        if HTML.search(value) or "{" in value:
            raise _fail("fill", _("Placeholder values are plain text."))
    texts = {lang: (v.subject.format(**values), v.body.format(**values)) for lang, v in approved.items()}
    return texts, approved["sv"]


def bank_send(
    *,
    actor: Actor,
    bank_message: BankMessage,
    recipients: Sequence[Recipient],
    fill: Mapping[str, str],
    channel: str = "email",
    incident: Incident | None = None,
    is_exercise: bool = False,
    via: str = "ui",
) -> Message:
    """Send the approved versions: each recipient gets their language's approved text (Swedish otherwise)."""
    _require(actor, "comms.send", bank_message.organisation)
    texts, sv = approved_texts(bank_message, fill)
    return message_send(
        actor=actor,
        organisation=bank_message.organisation,
        kind=Message.Kind.CRISIS,
        recipients=recipients,
        texts=texts,
        channel=channel,
        confirmable=channel == "email",
        version=sv,
        incident=incident,
        is_exercise=is_exercise,
        via=via,
    )
