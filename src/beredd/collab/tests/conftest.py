"""The Gävleborg collaboration world on the root ``personas``: the county's analyst (``personas.parent_member``) and
forum with kommuner, the region and an external; Gävle's coordinator (``personas.member``) and MAS, Sandviken's
coordinator, a national viewer, and the outsider in Stockholm (``personas.outsider``)."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from beredd.collab.services import meetings as services
from beredd.orgs.models import Organisation

TZ = timezone.get_fixed_timezone(60)  # CET in February


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(ref: dict[str, Any], personas: Any, make_user: Any) -> SimpleNamespace:
    lan = personas.lan
    region = Organisation.objects.get(kind="region", code="21")
    analyst = personas.parent_member
    gavle_coord = personas.member
    gavle_mas = make_user(ref["gavle"], "mas", email="mas@gavle.test")
    sandviken_coord = make_user(ref["sandviken"], "coordinator", email="samordnare@sandviken.test")
    national_viewer = make_user(ref["nation"], "viewer", email="tjansteman@sos.test")
    outsider = personas.outsider
    forum = services.forum_create(
        actor=analyst, owner=lan, values={"name": "Länsforum kommunal vård och omsorg", "description": "Kvartalsvis"}
    )
    for org in (ref["gavle"], ref["sandviken"], region, ref["mellersta"]):
        services.member_add(actor=analyst, forum=forum, values={"kind": "organisation", "organisation": org})
    services.member_add(
        actor=analyst,
        forum=forum,
        values={
            "kind": "external",
            "name": "Rita Region",
            "external_organisation": "Region Gävleborg",
            "email": "rita@regiong.test",
        },
    )
    meeting = services.meeting_create(
        actor=analyst,
        forum=forum,
        values={
            "title": "Kvartalsmöte februari",
            "starts_at": dt.datetime(2027, 2, 10, 9, 0, tzinfo=TZ),
            "ends_at": dt.datetime(2027, 2, 10, 12, 0, tzinfo=TZ),
            "location": "Länsstyrelsen, Gävle",
            "agenda": "1. Lägesbild\n2. Planeringsinriktning\n3. Övrigt",
        },
    )
    return SimpleNamespace(
        lan=lan,
        region=region,
        gavle=ref["gavle"],
        sandviken=ref["sandviken"],
        analyst=analyst,
        gavle_coord=gavle_coord,
        gavle_mas=gavle_mas,
        sandviken_coord=sandviken_coord,
        national_viewer=national_viewer,
        outsider=outsider,
        forum=forum,
        meeting=meeting,
    )
