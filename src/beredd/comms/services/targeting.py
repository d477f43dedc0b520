"""Sending a prepared message to an incident area: e-mail to the staff and private providers of the units whose
residents live there, and a printable notice per unit for door-to-door delivery. Counts come from the register's
selectors (suppressed, never names); comms only ever sees organisations and staff addresses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from beredd.accounts.models import Membership, Role
from beredd.accounts.types import Actor
from beredd.comms.models import BankMessage, Message
from beredd.comms.services.bank import bank_send
from beredd.comms.services.messages import Recipient
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs.models import Organisation
from beredd.register import selectors as register_selectors
from beredd.register.models import Incident


def area_email_recipients(units: list[Organisation]) -> list[Recipient]:
    """Everyone with a current role at a unit in the area, and each private provider's own contact address."""
    seen: set[str] = set()
    out: list[Recipient] = []
    rows = (
        Membership.objects.current()
        .filter(organisation__in=units)
        .values_list("user__email", "user_id", "user__preferred_language", "organisation_id")
        .order_by("user__email")
    )
    for email, user_id, lang, org_id in rows:
        if email.lower() not in seen:
            seen.add(email.lower())
            out.append(Recipient(address=email, user_id=user_id, language=lang or "", organisation_id=org_id))
    for unit in units:
        if unit.regi == Organisation.Regi.PRIVAT and unit.email and unit.email.lower() not in seen:
            seen.add(unit.email.lower())
            out.append(Recipient(address=unit.email, organisation_id=unit.pk))
    return out


@transaction.atomic
def send_to_incident(
    *,
    actor: Actor,
    bank_message: BankMessage,
    incident: Incident,
    fill: Mapping[str, str],
    email_staff: bool,
    print_units: bool,
    via: str = "ui",
) -> list[Message]:
    """Both sends or neither: a bad placeholder, no approved version or nobody to reach saves nothing."""
    if not (email_staff or print_units):
        raise ValidationFailed(
            _("Choose at least one channel."),
            details=[FieldError(row=None, field="email_staff", message=_("Choose at least one channel."))],
        )
    if not incident.kommun.path.startswith(bank_message.organisation.path):
        raise ValidationFailed(
            _("The incident is not in the message's kommun."),
            details=[FieldError(row=None, field="incident", message=_("The incident is not in the message's kommun."))],
        )
    units = list(register_selectors.incident_units(user=actor, incident=incident))
    sent = []
    common: dict[str, Any] = {
        "actor": actor,
        "bank_message": bank_message,
        "fill": fill,
        "incident": incident,
        "is_exercise": incident.is_exercise,
        "via": via,
    }
    if email_staff:
        sent.append(bank_send(recipients=area_email_recipients(units), channel="email", **common))
    if print_units:
        sent.append(
            bank_send(recipients=[Recipient(organisation_id=u.pk, language="sv") for u in units], channel="print", **common)
        )
    return sent


# Who a prepared message can go to besides an incident area (issue 12 item 3: "organisations (units, kommuner,
# providers), roles, a forum").
AUDIENCES = ("units", "providers", "kommuner", "forum")


def audience_recipients(
    *, actor: Actor, sender: Organisation, audience: str, roles: list[str], forum_id: int | None
) -> list[Recipient]:
    """E-mail recipients of an audience inside the sender's subtree (a forum: its members, whom the actor may see).

    ``roles`` narrows the people to those roles (empty: everyone with a current role). A private provider's own
    contact address is included for ``providers``. Nobody outside the sender's subtree is reached, except a forum's
    members, which the forum's owner chose."""
    from beredd.collab import selectors as collab_selectors
    from beredd.collab.models import ForumMember

    seen: set[str] = set()
    out: list[Recipient] = []

    def add(email: str, **kw: Any) -> None:
        if email and email.lower() not in seen:
            seen.add(email.lower())
            out.append(Recipient(address=email, **kw))

    memberships = Membership.objects.current()
    if roles:
        memberships = memberships.filter(role__in=roles)
    if audience == "forum":
        if forum_id is None:
            raise ValidationFailed(
                _("Choose a forum."), details=[FieldError(row=None, field="forum", message=_("Choose a forum."))]
            )
        forum = collab_selectors.forum_get_for_user(user=actor, forum_id=forum_id)
        org_ids = list(forum.members.filter(kind=ForumMember.Kind.ORGANISATION).values_list("organisation_id", flat=True))
        user_ids = list(forum.members.filter(kind=ForumMember.Kind.USER).values_list("user_id", flat=True))
        people = memberships.filter(Q(organisation_id__in=org_ids) | Q(user_id__in=user_ids))
        rows = people.values_list("user__email", "user_id", "user__preferred_language", "organisation_id").order_by("user__email")
        for email, user_id, lang, org_id in rows:
            add(email, user_id=user_id, language=lang or "", organisation_id=org_id)
        if not roles:
            for member in forum.members.filter(kind=ForumMember.Kind.EXTERNAL).order_by("email"):
                add(member.email)
        return out
    subtree = Organisation.objects.subtree_of(sender).active()
    if audience == "kommuner":
        orgs = list(subtree.filter(kind=Organisation.Kind.KOMMUN))
    elif audience == "providers":
        orgs = list(subtree.filter(kind=Organisation.Kind.UNIT, regi=Organisation.Regi.PRIVAT))
    elif audience == "units":
        orgs = list(subtree.filter(kind=Organisation.Kind.UNIT))
    else:
        raise ValidationFailed(
            _("Choose who the message is for."),
            details=[FieldError(row=None, field="audience", message=_("Choose who the message is for."))],
        )
    rows = (
        memberships.filter(organisation__in=orgs)
        .values_list("user__email", "user_id", "user__preferred_language", "organisation_id")
        .order_by("user__email")
    )
    for email, user_id, lang, org_id in rows:
        add(email, user_id=user_id, language=lang or "", organisation_id=org_id)
    if audience == "providers" and not roles:
        for unit in orgs:
            add(unit.email, organisation_id=unit.pk)
    return out


@transaction.atomic
def send_to_audience(
    *,
    actor: Actor,
    bank_message: BankMessage,
    audience: str,
    roles: list[str],
    forum_id: int | None,
    fill: Mapping[str, str],
    is_exercise: bool = False,
    via: str = "ui",
) -> Message:
    """E-mail the approved versions to an audience; nobody to reach, an unknown role or audience saves nothing."""
    if any(r not in Role.values for r in roles):
        raise ValidationFailed(
            _("Choose roles from the list."),
            details=[FieldError(row=None, field="roles", message=_("Choose roles from the list."))],
        )
    recipients = audience_recipients(
        actor=actor, sender=bank_message.organisation, audience=audience, roles=roles, forum_id=forum_id
    )
    if not recipients:
        raise ValidationFailed(
            _("Nobody with an e-mail address matches this audience."),
            details=[FieldError(row=None, field="audience", message=_("Nobody with an e-mail address matches this audience."))],
        )
    return bank_send(
        actor=actor,
        bank_message=bank_message,
        recipients=recipients,
        fill=fill,
        channel="email",
        is_exercise=is_exercise,
        via=via,
    )
