"""Sending a prepared message to an incident area: e-mail to the staff and private providers of the units whose
residents live there, and a printable notice per unit for door-to-door delivery. Counts come from the register's
selectors (suppressed, never names); comms only ever sees organisations and staff addresses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts.models import Membership
from beredd.comms.models import BankMessage, Message
from beredd.comms.services.bank import bank_send
from beredd.comms.services.messages import Recipient
from beredd.core.exceptions import ValidationFailed
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
    actor: Any,
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
            _("Choose at least one channel."), details=[{"field": "email_staff", "message": _("Choose at least one channel.")}]
        )
    if not incident.kommun.path.startswith(bank_message.organisation.path):
        raise ValidationFailed(
            _("The incident is not in the message's kommun."),
            details=[{"field": "incident", "message": _("The incident is not in the message's kommun.")}],
        )
    units = list(register_selectors.incident_units(user=actor, incident=incident))
    sent = []
    common = {
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
