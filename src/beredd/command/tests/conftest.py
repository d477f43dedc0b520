"""The Gävleborg command world on the root ``personas``: the county's duty officer (``personas.parent_member``), two
kommuner's coordinators (Gävle's is ``personas.member``), a nursing home, the national admin and duty officer, and
the outsider in Stockholm (``personas.outsider``)."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from beredd.orgs.models import Organisation


@pytest.fixture
def world(ref: dict[str, Any], personas: Any, make_user: Any, make_unit: Any) -> SimpleNamespace:
    lan = personas.lan
    nation = ref["nation"]
    home = make_unit(ref["gavle"], name="Strömsbro äldreboende")
    uppsala_kommun = Organisation.objects.get(kind="kommun", code="0380")
    return SimpleNamespace(
        nation=nation,
        mellersta=ref["mellersta"],
        lan=lan,
        uppsala_lan=ref["uppsala_lan"],
        gavle=ref["gavle"],
        sandviken=ref["sandviken"],
        home=home,
        uppsala=uppsala_kommun,
        national=make_user(nation, "national_admin", email="nationell@sos.test"),
        national_viewer=make_user(nation, "viewer", email="tjansteman@sos.test"),
        county=personas.parent_member,
        county_viewer=make_user(lan, "viewer", email="lasare@lst.test"),
        uppsala_county=make_user(ref["uppsala_lan"], "coordinator", email="tib@lstu.test"),
        gavle_coord=personas.member,
        gavle_viewer=make_user(ref["gavle"], "viewer", email="lasare@gavle.test"),
        sandviken_coord=make_user(ref["sandviken"], "coordinator", email="samordnare@sandviken.test"),
        reporter=make_user(home, "reporter", email="chef@stromsbro.test"),
        outsider=personas.outsider,
    )


@pytest.fixture
def round_(world: SimpleNamespace) -> Any:
    """A daily round of the built-in heat-wave template, marked as warning about classified information."""
    from beredd.reporting.services import rounds as round_services
    from beredd.reporting.services.templates import builtin_templates_install

    versions = {v.template.key: v for v in builtin_templates_install(owner=world.nation)}
    version = versions["vaermebolja"]
    template = version.template
    template.classified_warning = True
    template.save(update_fields=["classified_warning"])
    now = timezone.now()
    spec = round_services.RoundSpec(
        title="Lägesbild storm",
        template_version=version,
        responder="kommun",
        recipient_roots=[world.gavle.pk],
        as_of=now,
        deadline=now + dt.timedelta(hours=20),
        recurrence="daily",
        recurrence_time=dt.time(8, 0),
    )
    return round_services.round_issue(actor=world.national, issuer=world.nation, spec=spec)
