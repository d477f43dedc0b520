"""The patient's log extract (who read my record?) as CSV or PDF. Producing it is itself logged."""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from beredd.accounts.types import Actor
from beredd.core import spreadsheet
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation
from beredd.register import access
from beredd.register.models import AccessLog, Person

CSV_HEADER = ["time", "user", "role", "organisation", "action", "purpose", "incident", "via"]


def log_extract(*, user: Actor, person_id: int, fmt: str = "csv") -> tuple[bytes, str, str]:
    """Return (content, content type, filename) listing every access to one person's record.

    Only the owning kommun's MAS produces it; works after the record is purged (logs are kept 5 years).
    Raises NotFoundError otherwise.
    """
    from beredd.register.selectors import log_extract_rows, review_kommun_for_user

    person = Person.objects.select_related("kommun").filter(pk=person_id).first()
    kommun_id = (
        person.kommun_id if person else AccessLog.objects.filter(person_id=person_id).values_list("kommun_id", flat=True).first()
    )
    try:
        if kommun_id is None:
            raise NotFoundError("person", person_id)
        kommun = review_kommun_for_user(user=user, kommun_id=kommun_id)
    except NotFoundError:
        # An unknown id and one the user may not review answer alike, and both are logged.
        known = Organisation.objects.filter(pk=kommun_id).first() if kommun_id is not None else None
        access.refuse_record(user=user, kommun=known, what=f"log_extract:{fmt}", person_id=person_id)
        raise
    scope = access.identity_scope(user, kommun)
    assert scope is not None
    with transaction.atomic():
        rows = log_extract_rows(kommun=kommun, person_id=person_id)
        access.log(
            user=user,
            scope=scope,
            action=AccessLog.Action.LOG_EXTRACT,
            persons=[(person_id, person.unit_id if person else 0)],
            purpose=fmt,
        )
    stamp = timezone.localtime().strftime("%Y%m%d")
    if fmt == "pdf":
        from weasyprint import HTML

        html = render_to_string(
            "register/log_extract.html",
            {"rows": rows, "person": person, "person_id": person_id, "kommun": kommun, "generated": timezone.now()},
        )
        return HTML(string=html).write_pdf() or b"", "application/pdf", f"loggutdrag-{person_id}-{stamp}.pdf"
    table = [
        [
            timezone.localtime(r.at).isoformat(timespec="seconds"),
            r.user_label,
            r.role_display,
            r.organisation.name if r.organisation else "",
            r.get_action_display(),
            r.purpose_display,
            "" if r.incident is None else f"{r.incident_id} (ÖVNING)" if r.incident.is_exercise else r.incident_id,
            r.via,
        ]
        for r in rows
    ]
    content = spreadsheet.csv_bytes(CSV_HEADER, table)
    return content, "text/csv; charset=utf-8", f"loggutdrag-{person_id}-{stamp}.csv"
