"""The yearly self-assessment as a template and rounds of the reporting engine (one form engine in Beredd)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts.types import Actor
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs.models import Organisation
from beredd.preparedness.self_assessment import TEMPLATE_KEY, template_data
from beredd.reporting.models import Round, TemplateVersion
from beredd.reporting.services.rounds import RoundSpec, round_issue
from beredd.reporting.services.templates import template_import

RESPONDERS = ("unit", "kommun", "both")


@transaction.atomic
def self_assessment_install() -> TemplateVersion:
    """Install the self-assessment as a published built-in template owned by the nation. Idempotent."""
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
def self_assessment_issue(
    *,
    actor: Actor,
    issuer: Organisation,
    year: int,
    responder: str,
    deadline: dt.datetime,
    as_of: dt.datetime | None = None,
) -> Round:
    """Issue the year's self-assessment from ``issuer`` (a county or a kommun) to its units, its kommuner or both.

    Permission, recipients and validation are the reporting engine's (``reporting.issue`` at the issuer).
    """
    if responder not in RESPONDERS:
        raise ValidationFailed(details=[FieldError(row=None, field="responder", message=_("Choose one of the listed values."))])
    version = self_assessment_install()
    title = _("Crisis preparedness self-assessment %(year)d") % {"year": year}
    spec = RoundSpec(title=title, template_version=version, as_of=as_of, deadline=deadline)
    if responder == "both":
        kinds = [Organisation.Kind.KOMMUN, Organisation.Kind.UNIT]
        spec.explicit_recipients = list(
            Organisation.objects.subtree_of(issuer).active().filter(kind__in=kinds).values_list("pk", flat=True)
        )
        spec.responder = Round.Responder.UNITS
    else:
        spec.responder = Round.Responder.UNITS if responder == "unit" else Round.Responder.KOMMUNER
    return round_issue(actor=actor, issuer=issuer, spec=spec)
