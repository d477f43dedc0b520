"""Sending a prepared message to an incident area, and the printable notice per unit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.comms import selectors
from beredd.comms.forms import AudienceForm, SendForm
from beredd.comms.models import BankMessage
from beredd.comms.services import documents, targeting
from beredd.core.downloads import attachment
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.core.forms import apply_errors
from beredd.register import selectors as register_selectors
from beredd.register.models import Incident


@login_required
def notice_pdf(request: AuthenticatedHttpRequest, message_id: int, delivery_id: int) -> HttpResponse:
    """The printable notice of one unit: the sender and the unit itself may open it."""
    delivery = selectors.print_notice_get_for_user(user=request.user, message_id=message_id, delivery_id=delivery_id)
    if delivery.message_id != message_id or delivery.channel != "print":
        raise NotFoundError("delivery", delivery_id)
    texts = [(lang, str(pair[0]), str(pair[1])) for lang, pair in delivery.message.texts.items()]
    pdf = documents.texts_pdf(
        texts=texts or [(delivery.language, delivery.subject, delivery.body)],
        sender=delivery.message.organisation.name if delivery.message.organisation else "",
        unit=delivery.organisation.name if delivery.organisation else "",
        is_exercise=delivery.message.is_exercise,
    )
    return attachment(HttpResponse(pdf, content_type="application/pdf"), f"anslag-{delivery.pk}.pdf", inline=True)


def _incident_choice(request: AuthenticatedHttpRequest, item: BankMessage) -> tuple[list[tuple[int, str]], Incident | None]:
    """The ongoing incidents of the message's organisation as choices, and the chosen one (posted, asked for in
    the address, else the first)."""
    incidents = list(
        register_selectors.incidents_for_user(user=request.user, org=item.organisation).filter(ended_at__isnull=True)
    )
    choices = [(i.pk, str(i)) for i in incidents]
    chosen_id = request.POST.get("incident") or request.GET.get("incident") or (str(choices[0][0]) if choices else "")
    return choices, next((i for i in incidents if str(i.pk) == str(chosen_id)[:12]), None)


def _needs_context(request: AuthenticatedHttpRequest, incident: Incident | None) -> dict[str, Any]:
    """The incident area's needs counts (suppressed for those without identity access) and units; no names."""
    needs = register_selectors.incident_needs_counts(user=request.user, incident=incident) if incident else None
    return {
        "incident": incident,
        "needs": needs,
        "languages": [(language_label(code), cells) for code, cells in needs.languages] if needs else [],
        "units": list(register_selectors.incident_units(user=request.user, incident=incident)) if incident else [],
    }


@login_required
def send_to_incident(request: AuthenticatedHttpRequest, bank_id: int) -> HttpResponse:
    """Choose an incident area, see its needs counts (no names), fill the placeholders and send."""
    item = selectors.bank_message_get_for_user(user=request.user, bank_id=bank_id, permission="comms.send")
    choices, chosen = _incident_choice(request, item)
    form = SendForm(request.POST or None, incidents=choices, initial={"incident": chosen.pk if chosen else None})
    if request.method == "POST" and form.is_valid() and chosen is not None:
        data = form.cleaned_data
        try:
            sent = targeting.send_to_incident(
                actor=request.user,
                bank_message=item,
                incident=chosen,
                fill={k: data[k] for k in ("tid", "plats", "telefon")},
                email_staff=data["email_staff"],
                print_units=data["print_units"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The message was queued for sending."))
            return redirect("comms:message", message_id=sent[-1].pk)
    return render(
        request,
        "comms/send.html",
        {"item": item, "form": form, "approved": selectors.approved_versions(item), **_needs_context(request, chosen)},
        status=400 if request.method == "POST" else 200,
    )


def language_label(code: str) -> str:
    """A register language as a label: the bank's language names where known, else the register's own text."""
    from beredd.comms.models import Language

    return str(Language(code).label) if code in Language.values else code


@login_required
def send_to_audience(request: AuthenticatedHttpRequest, bank_id: int) -> HttpResponse:
    """Send a prepared message by e-mail to units, private providers, kommuner or a forum's members, by role."""
    from beredd.accounts.models import Role
    from beredd.collab import selectors as collab_selectors

    item = selectors.bank_message_get_for_user(user=request.user, bank_id=bank_id, permission="comms.send")
    forums = [(f.pk, f.name) for f in collab_selectors.forums_for_user(user=request.user)[:200]]
    form = AudienceForm(request.POST or None, forums=forums, roles=[(value, str(label)) for value, label in Role.choices])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = targeting.send_to_audience(
                actor=request.user,
                bank_message=item,
                audience=data["audience"],
                roles=list(data["roles"]),
                forum_id=data["forum"],
                fill={k: data[k] for k in ("tid", "plats", "telefon")},
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The message was queued for sending."))
            return redirect("comms:message", message_id=message.pk)
    return render(
        request,
        "comms/send_audience.html",
        {"item": item, "form": form, "approved": selectors.approved_versions(item)},
        status=400 if request.method == "POST" else 200,
    )
