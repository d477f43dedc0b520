"""What was sent on an organisation's behalf, each message's deliveries, retries and confirmations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.comms import selectors
from beredd.comms.models import Delivery, Message
from beredd.comms.services import messages as services
from beredd.comms.views._helpers import filters_of, page_of
from beredd.core.exceptions import NotFoundError, ValidationFailed


@login_required
def sent_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    query, sort, kind = request.GET.get("q", "")[:100], request.GET.get("sort", "-created"), request.GET.get("kind", "")
    items = selectors.messages_for_user(user=request.user, query=query, sort=sort, kind=kind)
    return render(
        request,
        "comms/sent_list.html",
        {
            "page": page_of(request, items),
            "q": query,
            "sort": sort,
            "kind": kind,
            "kinds": Message.Kind.choices,
            "filters": filters_of(request, "q", "sort", "kind"),
        },
    )


@login_required
def message_detail(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    message = selectors.message_get_for_user(user=request.user, message_id=message_id)
    query, status, sort = request.GET.get("q", "")[:100], request.GET.get("status", ""), request.GET.get("sort", "pk")
    deliveries = selectors.deliveries_of(message=message, query=query, status=status, sort=sort)
    return render(
        request,
        "comms/message_detail.html",
        {
            "message": message,
            "reach": selectors.reach_of(message),
            "page": page_of(request, deliveries),
            "q": query,
            "status": status,
            "sort": sort,
            "statuses": Delivery.Status.choices,
            "filters": filters_of(request, "q", "status", "sort"),
            "can_send": policy.can(request.user, "comms.send", message.organisation),
        },
    )


@require_POST
@login_required
def message_retry(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    message = selectors.message_get_for_user(user=request.user, message_id=message_id, permission="comms.send")
    n = services.deliveries_retry(actor=request.user, message=message)
    messages.success(request, _("%(n)s failed deliveries were queued again.") % {"n": n})
    return redirect("comms:message", message_id=message.pk)


@require_POST
@login_required
def message_remind(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    message = selectors.message_get_for_user(user=request.user, message_id=message_id, permission="comms.send")
    try:
        reminder = services.deliveries_remind(actor=request.user, message=message)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect("comms:message", message_id=message.pk)
    messages.success(request, _("A reminder was queued for those left."))
    return redirect("comms:message", message_id=reminder.pk)


@require_POST
@login_required
def delivery_confirm_by_sender(request: AuthenticatedHttpRequest, message_id: int, delivery_id: int) -> HttpResponse:
    """The sender records a confirmation received another way (a phone call)."""
    message = selectors.message_get_for_user(user=request.user, message_id=message_id, permission="comms.send")
    delivery = message.deliveries.filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFoundError("delivery", delivery_id)
    services.delivery_confirm(actor=request.user, delivery=delivery, via="phone")
    messages.success(request, _("The delivery was recorded as confirmed."))
    return redirect("comms:message", message_id=message.pk)


@login_required
def unit_notices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Printable notices for the user's units: download, hand out, confirm."""
    return render(
        request,
        "comms/unit_notices.html",
        {"page": page_of(request, selectors.notices_to_confirm(user=request.user)), "filters": {}},
    )


@require_POST
@login_required
def delivery_confirm_by_unit(request: AuthenticatedHttpRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_get_for_unit(user=request.user, delivery_id=delivery_id)
    services.delivery_confirm(actor=request.user, delivery=delivery)
    messages.success(request, _("Thank you: the notice is recorded as delivered."))
    return redirect("comms:notices")


def confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a message: GET shows a button (link scanners must not confirm), POST confirms."""
    token = token[:64]
    done = False
    if request.method == "POST":
        services.delivery_confirm(actor=request.user, token=token, via="link")
        done = True
    else:
        selectors.delivery_by_token(token=token)
    return render(request, "comms/confirm.html", {"done": done})
