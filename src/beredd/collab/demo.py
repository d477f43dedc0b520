"""Demo data: Gävleborg's quarterly collaboration forum for municipal care, with a held meeting and open actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from beredd.collab.models import Forum
from beredd.collab.services import meetings as services
from beredd.orgs.models import Organisation

FORUM_NAME = "Länsforum för kommunal vård och omsorg – beredskap"


def load(ctx: Any) -> None:
    """Idempotent: does nothing when the forum exists."""
    analyst = ctx.users["lan_coordinator"]
    if Forum.objects.filter(owner=ctx.lan, name=FORUM_NAME).exists():
        return
    forum = services.forum_create(
        actor=analyst,
        owner=ctx.lan,
        values={"name": FORUM_NAME, "description": "Kvartalsvis samverkan mellan länets kommuner, regionen och länsstyrelsen."},
    )
    region = Organisation.objects.get(kind=Organisation.Kind.REGION, code=ctx.lan.code)
    for org in [*ctx.kommuner, region, ctx.lan.parent]:
        services.member_add(actor=analyst, forum=forum, values={"kind": "organisation", "organisation": org})
    services.member_add(
        actor=analyst,
        forum=forum,
        values={
            "kind": "external",
            "name": "Regina Regionsson",
            "external_organisation": "Region Gävleborg",
            "email": "kontakt@region.demo.beredd.se",
        },
    )
    tz = timezone.get_current_timezone()
    year = timezone.localdate().year
    meeting = services.meeting_create(
        actor=analyst,
        forum=forum,
        values={
            "title": f"Kvartalsmöte februari {year}",
            "starts_at": dt.datetime(year, 2, 12, 9, 0, tzinfo=tz),
            "ends_at": dt.datetime(year, 2, 12, 12, 0, tzinfo=tz),
            "location": "Länsstyrelsen Gävleborg, Gävle, och Teams",
            "agenda": "1. Lägesbild i länet\n2. Planeringsinriktning: 30 dagar utan leveranser\n3. Avtal med regionen\n4. Övrigt",
        },
    )
    services.attendance_set(
        actor=analyst, meeting=meeting, attended_member_ids=list(forum.members.values_list("pk", flat=True))[:9]
    )
    services.meeting_notes_set(
        actor=analyst, meeting=meeting, notes="Genomgång av länets lägesbild och av regionens läkarmedverkan."
    )
    services.decision_add(
        actor=analyst, meeting=meeting, text_="Länsstyrelsen samordnar en gemensam rutin för syrgas vid långvarigt elavbrott."
    )
    services.decision_add(actor=analyst, meeting=meeting, text_="Nästa möte hålls i maj.")
    gavle = next(k for k in ctx.kommuner if k.code == "2180")
    for title, org, person, days in (
        ("Inventera syrgaskoncentratorer i hemsjukvården", gavle, "Maria MAS", 30),
        ("Ta fram förslag på länsgemensam syrgasrutin", ctx.lan, "Lars Länsanalytiker", 45),
        ("Redovisa regionens reservkraft för förskrivning", region, "Regina Regionsson", 60),
        ("Se över avtal om medicintekniska produkter", gavle, "Maria MAS", 90),
    ):
        services.action_add(
            actor=analyst,
            meeting=meeting,
            values={
                "title": title,
                "owner_org": org,
                "owner_name": person,
                "due_date": timezone.localdate() + dt.timedelta(days=days),
            },
        )
