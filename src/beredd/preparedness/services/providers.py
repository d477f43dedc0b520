"""Crisis clauses in contracts with private providers and the providers' yearly self-declarations."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import ConflictError, FieldError
from beredd.orgs.models import Organisation
from beredd.preparedness.models import ProviderContract, ProviderDeclaration
from beredd.preparedness.services._common import check_order, check_required, raise_if, require_kind


def clause_library() -> list[dict[str, str]]:
    """The handbook's procurement clauses (data/clauses.json), in order."""
    text = resources.files("beredd.preparedness").joinpath("data/clauses.json").read_text(encoding="utf-8")
    data: list[dict[str, str]] = json.loads(text)
    return data


@transaction.atomic
def contract_create(*, kommun: Organisation, actor: Actor | None, values: dict[str, Any]) -> ProviderContract:
    policy.require(actor, "preparedness.manage", kommun)
    require_kind(kommun, Organisation.Kind.KOMMUN)
    errors = check_required(values, "provider_unit", "reference", "valid_from")
    unit = values.get("provider_unit")
    if unit is not None and (unit.parent_id != kommun.pk or unit.regi != Organisation.Regi.PRIVAT):
        errors.append(FieldError(row=None, field="provider_unit", message=_("Choose a privately run unit in this municipality.")))
    errors += check_order(values.get("valid_from"), values.get("valid_until"), "valid_until", strict=True)
    known = {c["code"] for c in clause_library()}
    codes = list(values.get("clause_codes") or [])
    if not codes or set(codes) - known:
        errors.append(FieldError(row=None, field="clause_codes", message=_("Choose at least one clause from the library.")))
    raise_if(errors)
    assert unit is not None  # checked above: required
    contract = ProviderContract.objects.create(
        kommun=kommun,
        provider_unit=unit,
        reference=values["reference"],
        valid_from=values["valid_from"],
        valid_until=values.get("valid_until"),
        clause_codes=codes,
    )
    audit.record(
        actor=actor,
        action="preparedness.contract_create",
        target=contract,
        organisation=kommun,
        changes={"clauses": {"before": None, "after": codes}},
    )
    return contract


@transaction.atomic
def declaration_submit(
    *, contract: ProviderContract, actor: Actor, year: int, answers: dict[str, bool], comment: str = ""
) -> ProviderDeclaration:
    """The provider (a user at the provider unit or above) declares, once a year, which clauses it fulfils."""
    policy.require(actor, "preparedness.edit", contract.provider_unit)
    if set(answers) != set(contract.clause_codes):
        raise_if([FieldError(row=None, field="answers", message=_("Answer every clause in the contract."))])
    if ProviderDeclaration.objects.filter(contract=contract, year=year).exists():
        raise ConflictError(_("A declaration for this year has already been submitted."))
    declaration = ProviderDeclaration.objects.create(
        contract=contract, year=year, answers=answers, comment=comment, declared_by=actor
    )
    audit.record(
        actor=actor,
        action="preparedness.declaration_submit",
        target=contract,
        organisation=contract.provider_unit,
        changes={"declaration": {"before": None, "after": {"year": year, "answers": answers}}},
    )
    return declaration
