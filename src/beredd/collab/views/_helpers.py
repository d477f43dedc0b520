"""Small helpers shared by the collaboration views."""

from __future__ import annotations

from django.http import HttpRequest

from beredd.core.forms import form_run as run
from beredd.core.forms import form_run_edit as run_edit
from beredd.core.paging import filters_of, page_of

__all__ = ["filters_of", "page_of", "run", "run_edit", "uploaded"]


def uploaded(request: HttpRequest, name: str = "file") -> tuple[str, bytes | None]:
    """The uploaded file's name and bytes, read at most one byte past the limit (the service names the limit)."""
    from beredd.collab.services.meetings import MAX_ATTACHMENT_BYTES

    upload = request.FILES.get(name)
    if upload is None:
        return "", None
    return str(upload.name or ""), upload.read(MAX_ATTACHMENT_BYTES + 1)
