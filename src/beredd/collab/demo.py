"""Demo data: Gävleborg's quarterly collaboration forum for municipal care, with a held meeting and open actions;
Gävle's agreements with Region Gävleborg (one ending soon); every kommun's measures per priority area for the
year; the knowledge library at national, county and kommun level."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from beredd.accounts.demo import DemoContext
from beredd.collab.models import Agreement, Forum, LibraryItem, Measure
from beredd.collab.services import agreements as agreement_services
from beredd.collab.services import library as library_services
from beredd.collab.services import measures as measure_services
from beredd.collab.services import meetings as services
from beredd.orgs.models import Organisation

FORUM_NAME = "Länsforum för kommunal vård och omsorg – beredskap"


def load(ctx: DemoContext) -> None:
    """Idempotent: each part does nothing when its data exists."""
    _load_forum(ctx)
    _load_agreements(ctx)
    _load_measures(ctx)
    _load_library(ctx)


def _load_forum(ctx: DemoContext) -> None:
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


def _load_agreements(ctx: DemoContext) -> None:
    gavle = next(k for k in ctx.kommuner if k.code == "2180")
    if Agreement.objects.filter(kommun=gavle).exists():
        return
    mas = ctx.users["mas"]
    region = Organisation.objects.get(kind=Organisation.Kind.REGION, code=ctx.lan.code)
    today = timezone.localdate()
    for title, area, valid_from, valid_until, review, crisis in (
        (
            "Överenskommelse om medicintekniska produkter och hjälpmedel",
            "devices",
            dt.date(today.year - 3, 6, 1),
            today + dt.timedelta(days=45),  # ends soon: on the dashboard and reminded
            None,
            "Regionen levererar syrgas och reservbatterier enligt prioriteringslista vid elavbrott.",
        ),
        (
            "Avtal om läkarmedverkan i kommunal hälso- och sjukvård",
            "physicians",
            dt.date(today.year - 2, 1, 1),
            None,
            dt.date(today.year + 1, 3, 31),
            "Jourläkare nås via regionens tjänsteman i beredskap vid stabsläge.",
        ),
        ("Läkemedelsförsörjning och akutläkemedelsförråd", "medicines", dt.date(today.year - 1, 1, 1), None, None, ""),
        ("Smittskydd och vårdhygien – kunskapsstöd", "infection", dt.date(today.year - 1, 4, 1), None, None, ""),
        (
            "Gemensamt journalsystem och informationsöverföring",
            "it",
            dt.date(today.year - 4, 1, 1),
            dt.date(today.year + 2, 12, 31),
            None,
            "Reservrutin på papper vid avbrott längre än fyra timmar.",
        ),
    ):
        agreement_services.agreement_create(
            actor=mas,
            kommun=gavle,
            values={
                "title": title,
                "area": area,
                "parties": [region],
                "valid_from": valid_from,
                "valid_until": valid_until,
                "review_date": review,
                "responsible_name": "Maria MAS",
                "contact": "mas@demo.beredd.se",
                "crisis_terms": crisis,
            },
        )


MEASURES = [
    ("planering", "Planera för 30 dagar utan leveranser"),
    ("ordinarie", "Reservkraft och kontinuitetsplan för särskilt boende"),
    ("samverkan", "Gemensam stabsövning med regionen"),
    ("utbildning", "Utbildning i krisberedskap för nya chefer"),
    ("upphandling", "Krav på krisberedskap i upphandling av hemtjänst"),
    ("kommunikation", "Kriskommunikation på lätt svenska till brukare och anhöriga"),
]


def _load_measures(ctx: DemoContext) -> None:
    import random

    year = timezone.localdate().year
    if Measure.objects.filter(year=year, kommun_path__startswith=ctx.lan.path).exists():
        return
    rng = random.Random(13)
    actor = ctx.users["lan_coordinator"]  # acts for the county's kommuner (collab.act at the county)
    statuses = ["planned", "ongoing", "done", "done", "postponed"]
    for kommun in ctx.kommuner:
        for area, title in rng.sample(MEASURES, 3):
            measure_services.measure_create(
                actor=actor,
                kommun=kommun,
                values={
                    "year": year,
                    "priority_area": area,
                    "title": title,
                    "status": rng.choice(statuses),
                    "responsible": f"Beredskapssamordnare {kommun.name}",
                    "due_date": dt.date(year, rng.choice([6, 9, 11]), 30),
                },
            )


def _load_library(ctx: DemoContext) -> None:
    if LibraryItem.objects.exists():
        return
    area = ctx.lan.parent
    assert area is not None and area.parent is not None  # a län hangs under a civilområde, that under the nation
    nation = area.parent
    gavle = next(k for k in ctx.kommuner if k.code == "2180")
    for actor, publisher, values in (
        (
            ctx.users["national"],
            nation,
            {
                "kind": "link",
                "title": "Kunskapsguiden: krisberedskap i vård och omsorg",
                "url": "https://kunskapsguiden.se/",
                "priority_area": "planering",
                "topics": "krisberedskap, planering",
                "summary": "Socialstyrelsens kunskapsstöd för kommunernas krisberedskap.",
            },
        ),
        (
            ctx.users["national"],
            nation,
            {
                "kind": "guidance",
                "title": "Handbok i kommunal krisberedskap – kommunal hälso- och sjukvård",
                "url": "https://www.msb.se/",
                "priority_area": "ordinarie",
                "topics": "kontinuitet, avtal",
            },
        ),
        (
            ctx.users["lan_coordinator"],
            ctx.lan,
            {
                "kind": "lesson",
                "title": "Erfarenheter från länsövningen om långvarigt elavbrott",
                "priority_area": "samverkan",
                "topics": "elavbrott, syrgas",
                "summary": "Syrgaskoncentratorer i hemsjukvården behöver en förteckning och en rutin för reservtuber.",
            },
        ),
        (
            ctx.users["mas"],
            gavle,
            {
                "kind": "routine",
                "title": "Gävles rutin för syrgas vid elavbrott",
                "url": "https://www.gavle.se/",
                "priority_area": "ordinarie",
                "topics": "syrgas, elavbrott",
            },
        ),
    ):
        library_services.library_publish(actor=actor, publisher=publisher, values=values)
