"""Planning directions: list, publish, detail with completeness and the kommun's answer link, remind."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.collab import selectors
from beredd.collab.forms import DirectionForm
from beredd.collab.models import Direction, DirectionAttachment
from beredd.collab.services import directions as services
from beredd.collab.services.meetings import MAX_ATTACHMENT_BYTES
from beredd.collab.views import library as library_views
from beredd.collab.views._helpers import filters_of, page_of, run
from beredd.core import downloads
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors


@login_required
def direction_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    sort = request.GET.get("sort", "-created")
    return render(
        request,
        "collab/direction_list.html",
        {
            "page": page_of(request, selectors.directions_for_user(user=request.user, query=query, sort=sort)),
            "q": query,
            "sort": sort,
            "filters": filters_of(request, "q", "sort"),
            "senders": selectors.direction_sender_choices(user=request.user),
        },
    )


@login_required
def direction_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    sender = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="reporting.issue")
    roots = selectors.direction_root_choices(sender=sender)
    form = DirectionForm(request.POST or None, request.FILES or None, roots=roots, initial={"recipient_root": sender.pk})

    def publish(d: dict[str, object]) -> Direction:
        upload = d.pop("file", None)
        files = [(upload.name, upload.read(MAX_ATTACHMENT_BYTES + 1))] if upload else []  # type: ignore[attr-defined]  # request.FILES values are UploadedFile
        return services.direction_publish(actor=request.user, sender=sender, values=d, attachments=files)

    direction = run(request, form, publish, success=_("The direction is published to the kommuner."))
    if direction is not None:
        return redirect("collab:direction", direction_id=direction.pk)
    return render(request, "collab/direction_form.html", {"form": form, "sender": sender})


@login_required
def direction_detail(request: AuthenticatedHttpRequest, direction_id: int) -> HttpResponse:
    direction = selectors.direction_get_for_user(user=request.user, direction_id=direction_id)
    is_sender = selectors.direction_is_sender(request.user, direction)
    return render(
        request,
        "collab/direction_detail.html",
        {
            "direction": direction,
            "is_sender": is_sender,
            "result": selectors.direction_completeness(direction=direction) if is_sender else None,
            "own": selectors.direction_own_submissions(user=request.user, direction=direction),
            "attachments": direction.attachments.all(),
            **library_views.link_context(request, direction, manage=is_sender),
        },
    )


@require_POST
@login_required
def direction_remind(request: AuthenticatedHttpRequest, direction_id: int) -> HttpResponse:
    direction = selectors.direction_get_for_user(user=request.user, direction_id=direction_id)
    if not selectors.direction_is_sender(request.user, direction):
        raise NotFoundError("direction", direction_id)
    n = services.direction_remind(actor=request.user, direction=direction)
    messages.success(request, _("A reminder is being sent to %(n)d kommuner.") % {"n": n})
    return redirect("collab:direction", direction_id=direction.pk)


@login_required
def direction_attachment(request: AuthenticatedHttpRequest, attachment_id: int) -> FileResponse:
    attachment = DirectionAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError("attachment", attachment_id)
    selectors.direction_get_for_user(user=request.user, direction_id=attachment.direction_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    return downloads.attachment(response, attachment.original_name)
