"""Public messages: publish, update and cancel (senders); the kommun's public page, Atom feed and CAP files (open)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.comms import cap, selectors
from beredd.comms.forms import PublishForm
from beredd.comms.services import public as services
from beredd.comms.views._helpers import page_of
from beredd.core.downloads import attachment
from beredd.core.exceptions import ValidationFailed
from beredd.core.forms import apply_errors
from beredd.register import selectors as register_selectors


def _fill(data: dict[str, str]) -> dict[str, str]:
    return {k: data.get(k) or "" for k in ("tid", "plats", "telefon")}


@login_required
def notice_publish(request: AuthenticatedHttpRequest, bank_id: int) -> HttpResponse:
    item = selectors.bank_message_get_for_user(user=request.user, bank_id=bank_id, permission="comms.send")
    incidents = list(
        register_selectors.incidents_for_user(user=request.user, org=item.organisation).filter(ended_at__isnull=True)
    )
    form = PublishForm(request.POST or None, incidents=[(i.pk, str(i)) for i in incidents])
    if request.method == "POST" and form.is_valid():
        incident = next((i for i in incidents if i.pk == form.cleaned_data["incident"]), None)
        try:
            notice = services.notice_publish(
                actor=request.user, bank_message=item, fill=_fill(form.cleaned_data), incident=incident
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The message is published on the public page and as a CAP file."))
            return redirect("comms:public", kommun_code=notice.kommun.code)
    return render(
        request,
        "comms/publish.html",
        {"item": item, "form": form, "notices": selectors.notices_of(bank_message=item)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def notice_update(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    form = PublishForm(request.POST, incidents=[])
    form.is_valid()
    try:
        new = services.notice_update(actor=request.user, notice=notice, fill=_fill(form.cleaned_data))
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect("comms:publish", bank_id=notice.bank_message_id) if notice.bank_message_id else redirect("comms:bank")
    messages.success(request, _("The public message was updated."))
    return redirect("comms:public", kommun_code=new.kommun.code)


@require_POST
@login_required
def notice_cancel(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the public message is to be cancelled."))
    else:
        try:
            services.notice_cancel(actor=request.user, notice=notice)
        except ValidationFailed as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The public message was cancelled."))
    return redirect("comms:publish", bank_id=notice.bank_message_id) if notice.bank_message_id else redirect("comms:bank")


def public_page(request: HttpRequest, kommun_code: str) -> HttpResponse:
    """The kommun's current public messages: open to everyone, no login."""
    kommun = selectors.public_kommun(code=kommun_code)
    return render(
        request,
        "comms/public.html",
        {"kommun": kommun, "page": page_of(request, selectors.public_notices(kommun_id=kommun.pk), size=10), "filters": {}},
    )


def public_feed(request: HttpRequest, kommun_code: str) -> HttpResponse:
    kommun = selectors.public_kommun(code=kommun_code)
    link = request.build_absolute_uri(reverse("comms:public", args=[kommun.code]))
    feed = Atom1Feed(
        title=_("Public messages from %(kommun)s") % {"kommun": kommun.name}, link=link, description="", language="sv"
    )
    for n in selectors.public_notices(kommun_id=kommun.pk)[:50]:
        first = n.texts[0] if n.texts else {}
        feed.add_item(
            title=("ÖVNING – " if n.is_exercise else "") + str(first.get("headline", "")),
            link=request.build_absolute_uri(reverse("comms:public-cap", args=[kommun.code, n.pk])),
            description=str(first.get("description", "")),
            unique_id=n.identifier,
            updateddate=n.created_at,
            pubdate=n.created_at,
        )
    return HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


def public_cap(request: HttpRequest, kommun_code: str, notice_id: int) -> HttpResponse:
    notice = selectors.public_notice_cap(code=kommun_code, notice_id=notice_id)
    response = HttpResponse(cap.alert_xml(notice), content_type="application/cap+xml; charset=utf-8")
    return attachment(response, f"{notice.identifier}.xml", inline=True)
