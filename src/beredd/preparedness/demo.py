"""Demo data: continuity plans in Gävle, an RSA with the handbook's risks, a tabletop exercise with three lessons.

Idempotent: each part is skipped when it already exists.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from beredd.accounts.demo import DemoContext
from beredd.accounts.types import Actor
from beredd.orgs.models import Organisation
from beredd.preparedness import services
from beredd.preparedness.models import ContinuityPlan, Exercise, RiskAnalysis

ROUTINES = {
    "power": (
        "Reservkraftverk startar automatiskt; ficklampor och batteriradio i förrådet.",
        "Felanmälan till Gävle Energi, tel. i kontaktlistan.",
        "Kontrollera kylskåp för läkemedel, återställ larm och efterregistrera i journalen.",
    ),
    "it": (
        "Pappersjournal och utskrivna läkemedelslistor i beredskapspärmen.",
        "Ring IT-supportens jour.",
        "Efterregistrera i verksamhetssystemet inom 24 timmar.",
    ),
    "staff": (
        "Prioriteringslista för insatser; inkallningslista för timanställda.",
        "Begär personal via bemanningsenheten.",
        "Återgå till ordinarie schema när frånvaron är under 10 %.",
    ),
}


def _self_assessment(ctx: DemoContext, gavle: Organisation) -> None:
    """This year's self-assessment from the county, answered by Gävle and some of its units."""
    from beredd.preparedness.self_assessment import TEMPLATE_KEY, all_questions
    from beredd.preparedness.services.self_assessment import self_assessment_issue
    from beredd.reporting.models import Round, Submission
    from beredd.reporting.services.submissions import submission_submit

    now = timezone.now()
    if Round.objects.filter(template_version__template__key=TEMPLATE_KEY, issuer=ctx.lan, created_at__year=now.year).exists():
        return
    round_ = self_assessment_issue(
        actor=ctx.users["lan_coordinator"], issuer=ctx.lan, year=now.year, responder="both", deadline=now + dt.timedelta(days=30)
    )
    keys = [q["code"].lower() for q in all_questions()]
    answering = Submission.objects.filter(instance__round=round_).select_related("organisation").order_by("org_path")
    for n, submission in enumerate(answering):
        if n % 7 == 6 and not submission.org_path.startswith(gavle.path):
            continue  # a few stragglers elsewhere in the county
        weights = (6, 3, 2, 1) if submission.organisation.kind == "kommun" else (4, 3, 3, 1)
        if submission.org_path.startswith(gavle.path):
            weights = (weights[0] + 3, *weights[1:])  # Gävle a little ahead of the county
        data = {k: ctx.rng.choices(["yes", "partly", "no", "na"], weights=weights)[0] for k in keys}
        # Each kommun's own respondent answers for the kommun and its units: the county does not answer on
        # their behalf (reporting/access.py).
        kommun = submission.organisation if submission.organisation.kind == "kommun" else submission.organisation.parent
        assert kommun is not None  # a unit hangs under its kommun
        submission_submit(actor=_kommun_respondent(ctx, kommun), submission=submission, data=data)


def _kommun_respondent(ctx: DemoContext, kommun: Organisation) -> Actor:
    """A demo reporter in ``kommun`` (created once; same demo password as every demo account)."""
    from beredd.accounts.models import Membership, User

    email = f"rapportor.{kommun.code}@demo.beredd.se"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, ctx.password, full_name=f"Rapportör {kommun.name}")
    Membership.objects.get_or_create(user=user, organisation=kommun, role="reporter")
    return user


def load(ctx: DemoContext) -> None:
    gavle = next(k for k in ctx.kommuner if k.code == "2180")
    coordinator, mas = ctx.users["coordinator"], ctx.users["mas"]
    units = [u for u in ctx.units if u.parent_id == gavle.pk]
    today = timezone.localdate()
    for unit in units:
        if unit.service_kind in ("sabo", "hemtjanst", "hsl") and unit.regi == "kommunal":
            services.unit_profile_set(unit=unit, actor=coordinator, heat_sensitive=True)
    for unit, complete in zip([u for u in units if u.service_kind in ("sabo", "hemtjanst")][:2], (True, False), strict=False):
        if ContinuityPlan.objects.filter(organisation=unit).exists():
            continue
        plan = services.plan_create(
            organisation=unit,
            actor=coordinator,
            values={
                "title": f"Kontinuitetsplan {unit.name}",
                "owner": "Enhetschef",
                "max_tolerable_outage": "4h" if complete else "24h",
                "critical_activities": "Läkemedelsutdelning, måltider, tillsyn nattetid, larmhantering.",
                "approved_by": "Verksamhetschef" if complete else "",
                "approved_on": today - dt.timedelta(days=60) if complete else None,
                "review_date": today + dt.timedelta(days=300) if complete else today + dt.timedelta(days=10),
            },
        )
        for kind, (backup, restore, back) in ROUTINES.items():
            services.plan_dependency_set(
                plan=plan,
                actor=coordinator,
                kind=kind,
                values={"backup_routine": backup, "restoration_routine": restore, "return_routine": back if complete else ""},
            )
        services.plan_contact_add(
            plan=plan,
            actor=coordinator,
            values={"name": "Sjuksköterska i beredskap", "role": "Legitimerad", "phone": "026-17 80 00"},
        )
    if not RiskAnalysis.objects.filter(kommun=gavle, election_year=2022).exists():
        rsa = services.rsa_create(kommun=gavle, actor=coordinator, election_year=2022)
        services.rsa_update_sections(
            rsa=rsa,
            actor=coordinator,
            values={
                "area_description": "Gävle kommun, cirka 104 000 invånare, kust och landsbygd.",
                "process_method": "Workshops med förvaltningarna; sannolikhet och konsekvens på femgradig skala.",
            },
        )
        for risk in services.risks_add_from_handbook(rsa=rsa, actor=coordinator):
            if risk.title == "Elavbrott":
                services.risk_action_add(
                    risk=risk,
                    actor=coordinator,
                    values={
                        "description": "Inkopplingspunkt för reservkraft på alla särskilda boenden",
                        "owner": "Fastighetschef",
                        "due_date": dt.date(today.year + 1, 6, 30),
                    },
                )
    _self_assessment(ctx, gavle)
    if not Exercise.objects.filter(organisation=gavle, title="Höstövning: elavbrott").exists():
        exercise = services.exercise_create(
            organisation=gavle,
            actor=mas,
            values={
                "title": "Höstövning: elavbrott",
                "scenario": "Elavbrott i tre dygn i centrala Gävle i november.",
                "held_on": dt.date(today.year - 1, 10, 15),
                "kind": "tabletop",
                "participants": units[:3],
                "participant_roles": "MAS, enhetschefer, beredskapssamordnare",
                "evaluation": "Larmkedjan fungerade; reservrutiner saknades.",
            },
        )
        for text, owner, days in (
            ("Reservkraft saknas på två boenden", "Fastighetschef", 120),
            ("Kontaktlistor inaktuella", "Enhetschefer", 30),
            ("Pappersjournal saknas i hemtjänsten", "MAS", 60),
        ):
            services.lesson_add(
                exercise=exercise,
                actor=mas,
                values={"description": text, "owner": owner, "due_date": exercise.held_on + dt.timedelta(days=days)},
            )
