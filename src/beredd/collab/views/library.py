"""The knowledge library: list (search, filters, sort, paging), publish, detail, revise, download."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.collab import selectors
from beredd.collab.forms import LibraryItemForm, LibraryLinkForm
from beredd.collab.models import Direction, LibraryItem, Meeting, PriorityArea
from beredd.collab.services import library as services
from beredd.collab.views._helpers import filters_of, page_of, run_edit, uploaded
from beredd.core import downloads
from beredd.core.bounds import parse_id
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.orgs import selectors as org_selectors

if TYPE_CHECKING:
    from beredd.reporting.models import Round


@login_required
def library_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    get = request.GET
    items = selectors.library_for_user(
        user=request.user,
        query=get.get("q", "")[:100],
        area=get.get("area", ""),
        kind=get.get("kind", ""),
        topic=get.get("topic", "")[:40],
        sort=get.get("sort", "title"),
    )
    return render(
        request,
        "collab/library_list.html",
        {
            "page": page_of(request, items),
            "get": get,
            "filters": filters_of(request, "q", "area", "kind", "topic", "sort"),
            "areas": PriorityArea.choices,
            "kinds": LibraryItem.Kind.choices,
            "publishers": selectors.library_publisher_choices(user=request.user),
        },
    )


def _values(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in ("file", "version")}


@login_required
def library_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    publisher = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.manage")
    if publisher.kind not in services.PUBLISHER_KINDS:
        raise NotFoundError("organisation", org_id)
    form = LibraryItemForm(request.POST or None, request.FILES or None)

    def publish(d: dict[str, Any]) -> LibraryItem:
        name, content = uploaded(request)
        return services.library_publish(
            actor=request.user, publisher=publisher, values=_values(d), filename=name, content=content
        )

    item, status = run_edit(request, form, publish, success=_("The item is published in the library."))
    if item is not None:
        return redirect("collab:library-item", item_id=item.pk)
    return render(request, "collab/library_form.html", {"form": form, "publisher": publisher}, status=status)


@login_required
def library_detail(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = selectors.library_get_for_user(user=request.user, item_id=item_id)
    return render(
        request, "collab/library_detail.html", {"item": item, "manage": selectors.library_can_manage(request.user, item)}
    )


@login_required
def library_edit(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = selectors.library_get_for_user(user=request.user, item_id=item_id, manage=True)
    initial = {f: getattr(item, f) for f in ("kind", "title", "summary", "url", "priority_area")} | {
        "topics": ", ".join(item.topic_list),
        "version": item.version,
    }
    form = LibraryItemForm(request.POST or None, request.FILES or None, initial=initial)

    def update(d: dict[str, Any]) -> LibraryItem:
        name, content = uploaded(request)
        return services.library_update(
            actor=request.user, item=item, values=_values(d), expected_version=d.get("version"), filename=name, content=content
        )

    done, status = run_edit(request, form, update, success=_("A new version is saved."))
    if done is not None:
        return redirect("collab:library-item", item_id=item.pk)
    return render(request, "collab/library_form.html", {"form": form, "publisher": item.publisher, "item": item}, status=status)


@login_required
def library_file(request: AuthenticatedHttpRequest, item_id: int) -> FileResponse:
    item = selectors.library_get_for_user(user=request.user, item_id=item_id)
    if not item.file:
        raise NotFoundError("library_file", item_id)
    return downloads.attachment(FileResponse(item.file.open("rb"), content_type=item.file_type), item.file_name)


def link_context(request: AuthenticatedHttpRequest, target: Any, *, manage: bool) -> dict[str, Any]:
    """Context for ``collab/_library_links.html`` on a meeting, direction or round page."""
    from beredd.reporting.models import Round

    kind = "inriktning" if isinstance(target, Direction) else "omgang" if isinstance(target, Round) else "mote"
    return {
        "library_links": selectors.library_links_for(user=request.user, target=target),
        "library_form": LibraryLinkForm(choices=selectors.library_link_choices(user=request.user)[:500]) if manage else None,
        "library_action": reverse("collab:library-link", args=[kind, target.pk]),
    }


@require_POST
@login_required
def library_link(request: AuthenticatedHttpRequest, kind: str, target_id: int) -> HttpResponse:
    """Link a library item to a meeting (``mote``) or a direction (``inriktning``); back to that page."""
    target: Meeting | Round | Direction
    if kind == "mote":
        target = selectors.meeting_get_for_user(user=request.user, meeting_id=target_id, manage=True)
        back = reverse("collab:meeting", args=[target.pk])
    elif kind == "omgang":
        from beredd.reporting import selectors as reporting_selectors

        target = reporting_selectors.round_get_for_user(user=request.user, round_id=target_id)
        if not policy.can(request.user, "reporting.issue", target.issuer):
            raise NotFoundError("round", target_id)
        back = reverse("reporting:round", args=[target.pk])
    elif kind == "inriktning":
        target = selectors.direction_get_for_user(user=request.user, direction_id=target_id)
        if not selectors.direction_is_sender(request.user, target):
            raise NotFoundError("direction", target_id)
        back = reverse("collab:direction", args=[target.pk])
    else:
        raise NotFoundError("target", target_id)
    form = LibraryLinkForm(request.POST, choices=selectors.library_link_choices(user=request.user))
    if not form.is_valid():
        messages.error(request, _("Choose an item from the library."))
        return redirect(back + "#library")
    try:
        services.library_link_add(actor=request.user, item=form.cleaned_data["item"], target=target)
    except ValidationFailed as exc:
        messages.error(request, " ".join(str(d["message"]) for d in exc.details or []) or str(exc.message))
        return redirect(back + "#library")
    messages.success(request, _("The library item is linked."))
    return redirect(back + "#library")


@require_POST
@login_required
def library_link_question(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    """Link a library item to one question of a template version (the template's editors); back to the template."""
    from beredd.reporting import selectors as reporting_selectors

    version = reporting_selectors.template_version_get_for_user(user=request.user, version_id=version_id)
    if not policy.can(request.user, "reporting.template_edit", version.template.owner):
        raise NotFoundError("template_version", version_id)
    back = reverse("reporting:template", args=[version.pk]) + "#library"
    field_id = parse_id(request.POST.get("field"))
    field = version.fields.filter(pk=field_id).first() if field_id is not None else None
    form = LibraryLinkForm(request.POST, choices=selectors.library_link_choices(user=request.user))
    if field is None or not form.is_valid():
        messages.error(request, _("Choose a question and an item from the library."))
        return redirect(back)
    try:
        services.library_link_add(actor=request.user, item=form.cleaned_data["item"], target=field)
    except ValidationFailed as exc:
        messages.error(request, " ".join(str(d["message"]) for d in exc.details or []) or str(exc.message))
        return redirect(back)
    messages.success(request, _("The library item is linked."))
    return redirect(back)
