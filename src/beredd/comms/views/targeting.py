"""Sending a prepared message to an incident area, and the printable notice per unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from beredd.comms import selectors
from beredd.comms.services import documents
from beredd.core.exceptions import NotFoundError


@login_required
def notice_pdf(request: HttpRequest, message_id: int, delivery_id: int) -> HttpResponse:
    """The printable notice of one unit: the sender and the unit itself may open it."""
    delivery = selectors.notice_get_for_user(user=request.user, message_id=message_id, delivery_id=delivery_id)
    if delivery.message_id != message_id or delivery.channel != "print":
        raise NotFoundError("delivery", delivery_id)
    pdf = documents.text_pdf(
        subject=delivery.subject,
        body=delivery.body,
        language=delivery.language,
        sender=delivery.message.organisation.name if delivery.message.organisation else "",
        unit=delivery.organisation.name if delivery.organisation else "",
        is_exercise=delivery.message.is_exercise,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="anslag-{delivery.pk}.pdf"'
    return response
