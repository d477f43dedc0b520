"""Reads of the comms app, limited to what the user may see. "Missing" and "not yours" raise the same NotFoundError."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.comms.models import BankMessage, BankVersion, Delivery, Message, PublicNotice
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

MESSAGE_SORTS = {
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "subject": ("subject", "pk"),
    "kind": ("kind", "-created_at"),
}
DELIVERY_SORTS = {"address": ("address", "pk"), "status": ("status", "pk"), "confirmed": ("confirmed_at", "pk"), "pk": ("pk",)}


def _counted(qs: QuerySet[Message]) -> QuerySet[Message]:
    return qs.annotate(
        n_total=Count("deliveries"),
        n_sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
        n_failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        n_queued=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.QUEUED)),
        n_confirmed=Count("deliveries", filter=Q(deliveries__confirmed_at__isnull=False)),
    )


def messages_for_user(*, user: Actor, query: str = "", sort: str = "-created", kind: str = "") -> QuerySet[Message]:
    """What was sent on behalf of the organisations where the user holds ``comms.view`` (and their subtrees)."""
    orgs = policy.visible_organisations(user, "comms.view")
    qs = Message.objects.filter(organisation__in=orgs).select_related("organisation")
    if query:
        qs = qs.filter(Q(subject__icontains=query) | Q(deliveries__address__icontains=query)).distinct()
    if kind in Message.Kind.values:
        qs = qs.filter(kind=kind)
    return _counted(qs).order_by(*MESSAGE_SORTS.get(sort, MESSAGE_SORTS["-created"]))


def message_get_for_user(*, user: Actor, message_id: int, permission: str = "comms.view") -> Message:
    message = _counted(Message.objects.filter(pk=message_id)).select_related("organisation", "version").first()
    if message is None or not policy.can(user, permission, message.organisation):
        raise NotFoundError("message", message_id)
    return message


def deliveries_of(*, message: Message, query: str = "", status: str = "", sort: str = "pk") -> QuerySet[Delivery]:
    qs = message.deliveries.select_related("organisation")
    if query:
        qs = qs.filter(Q(address__icontains=query) | Q(organisation__name__icontains=query))
    if status == "unconfirmed":
        qs = qs.filter(confirmed_at__isnull=True)
    elif status in Delivery.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by(*DELIVERY_SORTS.get(sort, DELIVERY_SORTS["pk"]))


def reach_of(message: Message) -> list[dict[str, Any]]:
    """Sent / confirmed / not confirmed per channel (the sender's reach summary)."""
    rows = (
        message.deliveries.values("channel")
        .annotate(
            total=Count("id"),
            sent=Count("id", filter=Q(status=Delivery.Status.SENT)),
            failed=Count("id", filter=Q(status=Delivery.Status.FAILED)),
            confirmed=Count("id", filter=Q(confirmed_at__isnull=False)),
        )
        .order_by("channel")
    )
    from beredd.comms.models import Channel

    return [{**r, "label": Channel(r["channel"]).label, "left": r["total"] - r["confirmed"]} for r in rows]


def delivery_get_for_unit(*, user: Actor, delivery_id: int) -> Delivery:
    """A printable-notice delivery that a member of its unit (or above) may confirm."""
    d = Delivery.objects.select_related("message", "organisation").filter(pk=delivery_id).first()
    if d is None or d.organisation is None or not policy.can(user, "comms.confirm", d.organisation):
        raise NotFoundError("delivery", delivery_id)
    return d


def print_notice_get_for_user(*, user: Actor, message_id: int, delivery_id: int) -> Delivery:
    """A printable notice that its unit, or someone who may read the sender's log, may open."""
    try:
        return delivery_get_for_unit(user=user, delivery_id=delivery_id)
    except NotFoundError:
        message = message_get_for_user(user=user, message_id=message_id)
        d = message.deliveries.filter(pk=delivery_id).select_related("organisation", "message").first()
        if d is None:
            raise
        return d


def notices_to_confirm(*, user: Actor) -> QuerySet[Delivery]:
    """Printable notices addressed to the user's units that nobody has confirmed yet (the unit's dashboard)."""
    orgs = policy.visible_organisations(user, "comms.confirm")
    return (
        Delivery.objects.filter(channel="print", organisation__in=orgs, confirmed_at__isnull=True)
        .select_related("message", "organisation")
        .order_by("-message__created_at", "pk")
    )


# --- the message bank -------------------------------------------------------------------------------

BANK_SORTS = {"title": ("title",), "-title": ("-title",), "scenario": ("scenario", "title"), "audience": ("audience", "title")}


def bank_for_user(*, user: Actor, query: str = "", sort: str = "title", scenario: str = "") -> QuerySet[BankMessage]:
    orgs = policy.visible_organisations(user, "comms.view")
    qs = BankMessage.objects.filter(organisation__in=orgs).select_related("organisation")
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(versions__subject__icontains=query)).distinct()
    if scenario in {c for c, _l in BankMessage._meta.get_field("scenario").choices or []}:
        qs = qs.filter(scenario=scenario)
    return qs.annotate(
        n_approved=Count("versions", filter=Q(versions__status=BankVersion.Status.APPROVED), distinct=True)
    ).order_by(*BANK_SORTS.get(sort, BANK_SORTS["title"]))


def bank_message_get_for_user(*, user: Actor, bank_id: int, permission: str = "comms.view") -> BankMessage:
    item = BankMessage.objects.select_related("organisation").filter(pk=bank_id).first()
    if item is None or not policy.can(user, permission, item.organisation):
        raise NotFoundError("bank_message", bank_id)
    return item


def current_versions(item: BankMessage) -> list[BankVersion]:
    """The newest version per language (whatever its state), in the language order of the bank."""
    from beredd.comms.models import Language

    order = {code: i for i, code in enumerate(Language.values)}
    newest: dict[str, BankVersion] = {}
    for v in item.versions.select_related("created_by", "reviewed_by", "approved_by").order_by("language", "-number"):
        newest.setdefault(v.language, v)
    return sorted(newest.values(), key=lambda v: order.get(v.language, 99))


def approved_versions(item: BankMessage) -> dict[str, BankVersion]:
    return {v.language: v for v in item.versions.filter(status=BankVersion.Status.APPROVED).order_by("language", "number")}


def version_get_for_user(*, user: Actor, version_id: int, permission: str = "comms.view") -> BankVersion:
    v = BankVersion.objects.select_related("bank_message__organisation").filter(pk=version_id).first()
    if v is None or not policy.can(user, permission, v.bank_message.organisation):
        raise NotFoundError("bank_version", version_id)
    return v


# --- public notices -------------------------------------------------------------------------------


def public_notices(*, kommun_id: int) -> QuerySet[PublicNotice]:
    """A kommun's current public notices (public: no user needed)."""
    return PublicNotice.objects.filter(kommun_id=kommun_id, status=PublicNotice.Status.PUBLISHED).order_by("-created_at", "-pk")


def delivery_by_token(*, token: str) -> Delivery:
    from beredd.comms.services.messages import hash_token

    d = Delivery.objects.select_related("message").filter(confirm_token=hash_token(token)).first() if token else None
    if d is None:
        raise NotFoundError("delivery", 0)
    return d


def public_kommun(*, code: str) -> Organisation:
    kommun = Organisation.objects.filter(kind=Organisation.Kind.KOMMUN, code=code[:8], is_active=True).first()
    if kommun is None:
        raise NotFoundError("kommun", 0)
    return kommun


def public_notice_cap(*, code: str, notice_id: int) -> PublicNotice:
    """Any notice of the kommun as CAP, also replaced and cancelled ones (their references must resolve)."""
    kommun = public_kommun(code=code)
    notice = (
        PublicNotice.objects.select_related("kommun", "incident", "references__kommun")
        .filter(pk=notice_id, kommun=kommun)
        .first()
    )
    if notice is None:
        raise NotFoundError("notice", notice_id)
    return notice


def notice_get_for_user(*, user: Actor, notice_id: int, permission: str = "comms.send") -> PublicNotice:
    notice = PublicNotice.objects.select_related("kommun", "bank_message").filter(pk=notice_id).first()
    if notice is None or not policy.can(user, permission, notice.kommun):
        raise NotFoundError("notice", notice_id)
    return notice


def notices_of(*, bank_message: BankMessage) -> QuerySet[PublicNotice]:
    return bank_message.notices.select_related("kommun").order_by("-created_at", "-pk")


def warning_import_get_for_user(*, user: Actor, import_id: int) -> Any:
    from beredd.comms.models import WarningImport

    imp = WarningImport.objects.select_related("organisation").filter(pk=import_id).first()
    if imp is None or not policy.can(user, "preparedness.manage", imp.organisation):
        raise NotFoundError("warning_import", import_id)
    return imp
