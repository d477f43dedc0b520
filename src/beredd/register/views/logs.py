from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core import downloads
from beredd.core.exceptions import NotFoundError
from beredd.core.paging import page_of
from beredd.register import selectors, services
from beredd.register.forms import LogFilterForm


@login_required
def log_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The MAS's systematic review of her kommun's access log (HSLF-FS 2016:40 4 kap. 9 §)."""
    kommun = selectors.review_kommun_for_user(user=request.user)
    form = LogFilterForm(request.GET or None)
    filters = {k: str(v or "") for k, v in (form.cleaned_data if form.is_valid() else {}).items() if k != "only_anomalies"}
    only = bool(form.is_valid() and form.cleaned_data.get("only_anomalies"))
    entries = selectors.access_log_for_user(user=request.user, kommun=kommun, only_anomalies=only, **filters)
    page = page_of(request, entries, 50)
    rows = [(e, selectors.anomalies(e)) for e in page]
    template = "register/_log_table.html" if getattr(request, "htmx", False) else "register/log_review.html"
    return render(
        request, template, {"form": form, "page": page, "rows": rows, "kommun": kommun, "query": request.GET.urlencode()}
    )


@login_required
def log_extract_view(request: AuthenticatedHttpRequest, person_id: int, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "pdf"}:
        raise NotFoundError("format", fmt)
    content, content_type, filename = services.log_extract(user=request.user, person_id=person_id, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    downloads.attachment(response, f"{filename}")
    return response
