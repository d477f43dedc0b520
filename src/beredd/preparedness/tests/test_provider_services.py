"""Provider contracts and declarations: a contract is with a private provider on known clauses; the provider
declares once a year, only for its own contract, and the kommun sees the status."""

import datetime as dt
from typing import Any

import pytest

from beredd.core.exceptions import ConflictError, PermissionDeniedError, ValidationFailed
from beredd.preparedness import selectors, services


def test_a_provider_declares_once_a_year_and_the_kommun_sees_the_status(ref: Any, make_unit: Any, make_user: Any) -> None:
    private = make_unit(ref["gavle"], regi="privat", name="Solrosen")
    own = make_unit(ref["gavle"], regi="kommunal")
    coordinator = make_user(ref["gavle"], "coordinator")
    values = {"provider_unit": own, "reference": "UPH-1", "valid_from": dt.date(2025, 1, 1), "clause_codes": ["technical"]}
    with pytest.raises(ValidationFailed):
        services.contract_create(kommun=ref["gavle"], actor=coordinator, values=values)
    with pytest.raises(ValidationFailed):
        services.contract_create(
            kommun=ref["gavle"], actor=coordinator, values=values | {"provider_unit": private, "clause_codes": ["nope"]}
        )
    contract = services.contract_create(
        kommun=ref["gavle"],
        actor=coordinator,
        values=values | {"provider_unit": private, "clause_codes": ["technical", "continuity"]},
    )
    assert selectors.provider_status(user=coordinator, org=ref["gavle"], year=2026)[0]["status"] == "missing"
    provider = make_user(private, "reporter")
    with pytest.raises(ValidationFailed):
        services.declaration_submit(contract=contract, actor=provider, year=2026, answers={"technical": True})
    services.declaration_submit(contract=contract, actor=provider, year=2026, answers={"technical": True, "continuity": False})
    assert selectors.provider_status(user=coordinator, org=ref["gavle"], year=2026)[0]["status"] == "gaps"
    with pytest.raises(ConflictError):
        services.declaration_submit(contract=contract, actor=provider, year=2026, answers={"technical": True, "continuity": True})
    with pytest.raises(PermissionDeniedError):
        services.declaration_submit(
            contract=contract, actor=make_user(own, "reporter"), year=2027, answers={"technical": True, "continuity": True}
        )
