"""Kommun–region agreements (avtal och överenskommelser): record, change, attach the document.

Needs ``collab.manage`` at the kommun (its MAS or coordinator, or a level above). Parties are other
organisations (the region, another kommun, the county); they and every level above the kommun see the agreement.
Bad input is refused naming each field, nothing saved; a stale version is refused with 409.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts.policy import require
from beredd.accounts.types import Actor
from beredd.collab.models import Agreement
from beredd.collab.services._common import fail, text
from beredd.collab.services._uploads import check_version, clean_date, clean_url
from beredd.collab.services.meetings import attach_file
from beredd.core import audit
from beredd.orgs.models import Organisation

MANAGE = "collab.manage"
FIELDS = [
    "title",
    "area",
    "other_parties",
    "valid_from",
    "valid_until",
    "review_date",
    "responsible_name",
    "contact",
    "link",
    "crisis_terms",
]
PARTY_KINDS = {Organisation.Kind.REGION, Organisation.Kind.KOMMUN, Organisation.Kind.LAN, Organisation.Kind.NATION}


def _clean(kommun: Organisation, values: dict[str, Any]) -> tuple[dict[str, Any], list[Organisation], dict[str, str]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "title": text(values, "title", 200),
        "area": str(values.get("area") or ""),
        "other_parties": text(values, "other_parties", 300),
        "responsible_name": text(values, "responsible_name", 200),
        "contact": text(values, "contact", 300),
        "crisis_terms": str(values.get("crisis_terms") or "").strip()[:4000],
    }
    if not clean["title"]:
        errors["title"] = _("Give the agreement a title.")
    if clean["area"] not in Agreement.Area.values:
        errors["area"] = _("Choose the area the agreement covers.")
    if not clean["responsible_name"]:
        errors["responsible_name"] = _("Name the person responsible for the agreement.")
    clean["link"] = clean_url(values.get("link"), "link", errors)
    clean["valid_from"] = clean_date(
        values.get("valid_from"), "valid_from", errors, required=True, message=_("Give the date the agreement starts.")
    )
    clean["valid_until"] = clean_date(values.get("valid_until"), "valid_until", errors, required=False)
    clean["review_date"] = clean_date(values.get("review_date"), "review_date", errors, required=False)
    if clean["valid_from"] and clean["valid_until"] and clean["valid_until"] < clean["valid_from"]:
        errors["valid_until"] = _("The end date must not be before the start date.")
    parties: list[Organisation] = []
    for party in values.get("parties") or []:
        if not isinstance(party, Organisation) or not party.is_active or party.kind not in PARTY_KINDS:
            errors["parties"] = _("A party is a region, a kommun, a county or the nation.")
        elif party.pk == kommun.pk:
            errors["parties"] = _("The kommun itself is not a party to its own agreement; choose the other parties.")
        else:
            parties.append(party)
    if len(parties) > 20:
        errors["parties"] = _("Choose at most 20 parties.")
    if not parties and not clean["other_parties"]:
        errors["parties"] = _("Choose at least one party (for example the region) or name the other parties.")
    return clean, parties, errors


@transaction.atomic
def agreement_create(
    *,
    actor: Actor,
    kommun: Organisation,
    values: dict[str, Any],
    filename: str = "",
    content: bytes | None = None,
    via: str = "ui",
) -> Agreement:
    """Record an agreement of ``kommun``, optionally with its document (bounded, type-checked)."""
    require(actor, MANAGE, kommun)
    if kommun.kind != Organisation.Kind.KOMMUN:
        fail({"kommun": _("Agreements are recorded by a kommun.")})
    clean, parties, errors = _clean(kommun, values)
    fail(errors)
    agreement = Agreement(kommun=kommun, kommun_path=kommun.path, created_by=actor, **clean)
    if content:
        attach_file(agreement, filename=filename, content=content)
    agreement.save()
    agreement.parties.set(parties)
    after = audit.snapshot(agreement, FIELDS) | {"parties": sorted(p.pk for p in parties), "file": agreement.file_name}
    audit.record(actor=actor, action="collab.agreement_create", target=agreement, changes=audit.diff({}, after), via=via)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    actor: Actor,
    agreement: Agreement,
    values: dict[str, Any],
    expected_version: int | None,
    filename: str = "",
    content: bytes | None = None,
    via: str = "ui",
) -> Agreement:
    """Change an agreement. ``expected_version`` is the version the change was made from (409 if stale); a changed
    end or review date clears its reminder so the new date is reminded."""
    require(actor, MANAGE, agreement.kommun)
    agreement = Agreement.objects.select_for_update().select_related("kommun").get(pk=agreement.pk)
    check_version(agreement.lock_version, expected_version)
    before = audit.snapshot(agreement, FIELDS) | {
        "parties": sorted(agreement.parties.values_list("pk", flat=True)),
        "file": agreement.file_name,
    }
    merged = {f: getattr(agreement, f) for f in FIELDS} | {"parties": list(agreement.parties.all())} | values
    clean, parties, errors = _clean(agreement.kommun, merged)
    fail(errors)
    if clean["valid_until"] != agreement.valid_until:
        agreement.expiry_reminded_at = None
    if clean["review_date"] != agreement.review_date:
        agreement.review_reminded_at = None
    for key, value in clean.items():
        setattr(agreement, key, value)
    if content:
        attach_file(agreement, filename=filename, content=content)
    agreement.lock_version += 1
    agreement.save()
    agreement.parties.set(parties)
    after = audit.snapshot(agreement, FIELDS) | {"parties": sorted(p.pk for p in parties), "file": agreement.file_name}
    audit.record(actor=actor, action="collab.agreement_update", target=agreement, changes=audit.diff(before, after), via=via)
    return agreement
