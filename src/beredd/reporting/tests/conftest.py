"""Fixtures: the heat-wave story's cast (national, county, two kommuner with two units each) and a round."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from beredd.reporting.models import Round, TemplateVersion
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services.templates import builtin_templates_install


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """The default PBKDF2 cost makes each test user take half a second to create; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Cast:
    ref: dict[str, Any]
    units: dict[str, Any]
    users: dict[str, Any]
    templates: dict[str, TemplateVersion] = field(default_factory=dict)


@pytest.fixture
def cast(ref: dict[str, Any], make_unit: Any, make_user: Any) -> Cast:
    units = {
        "g1": make_unit(ref["gavle"], name="Gävle äldreboende"),
        "g2": make_unit(ref["gavle"], name="Hemtjänst Gävle", service_kind="hemtjanst"),
        "s1": make_unit(ref["sandviken"], name="Sandviken äldreboende"),
        "s2": make_unit(ref["sandviken"], name="Sandvikens LSS", service_kind="lss_vuxna", regi="privat"),
    }
    users = {
        "national": make_user(ref["nation"], "national_admin"),
        "lan": make_user(ref["gavleborg"], "coordinator"),
        "uppsala": make_user(ref["uppsala_lan"], "coordinator"),
        "gavle": make_user(ref["gavle"], "coordinator"),
        "sandviken": make_user(ref["sandviken"], "coordinator"),
        "stockholm": make_user(ref["stockholm"], "coordinator"),
        "g1": make_user(units["g1"], "reporter"),
        "g2": make_user(units["g2"], "reporter"),
        "s1": make_user(units["s1"], "reporter"),
        "s2": make_user(units["s2"], "reporter"),
        "gavle_viewer": make_user(ref["gavle"], "viewer"),
    }
    versions = builtin_templates_install(owner=ref["nation"])
    return Cast(ref=ref, units=units, users=users, templates={v.template.key: v for v in versions})


def issue(
    cast: Cast, *, key: str = "vaermebolja", responder: str = "unit", roots: list[Any] | None = None, **extra: Any
) -> Round:
    now = timezone.now()
    spec = round_services.RoundSpec(
        title="Lägesbild värmebölja",
        template_version=cast.templates[key],
        responder=responder,
        recipient_roots=[o.pk for o in (roots or [cast.ref["gavle"], cast.ref["sandviken"]])],
        as_of=now,
        deadline=now + dt.timedelta(hours=20),
        **extra,
    )
    return round_services.round_issue(actor=cast.users["national"], issuer=cast.ref["nation"], spec=spec)


GOOD = {
    "impact": {"plan": 1, "resources": 0, "load": 0},
    "staff_total": 20,
    "staff_absent": 4,
    "staffing_status": "yellow",
    "assessment": "Ansträngt men hanterbart.",
}
