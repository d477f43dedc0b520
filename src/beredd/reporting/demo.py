"""Demo data: built-in templates and a heat-wave round to Gävleborg's kommuner, with some units answered.

Idempotent: a second run finds the round by title and leaves it as it is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from beredd.accounts.demo import DemoContext
from beredd.accounts.models import Membership
from beredd.orgs.models import Organisation
from beredd.reporting import access
from beredd.reporting.models import Round, Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as submission_services
from beredd.reporting.services.templates import builtin_templates_install

DEMO_TITLE = "Lägesbild värmebölja (demo)"


def load(ctx: DemoContext) -> None:
    nation = Organisation.objects.get(kind=Organisation.Kind.NATION)
    versions = {v.template.key: v for v in builtin_templates_install(owner=nation)}
    if Round.objects.filter(title=DEMO_TITLE).exists():
        return
    now = timezone.now()
    spec = round_services.RoundSpec(
        title=DEMO_TITLE,
        template_version=versions["vaermebolja"],
        responder=Round.Responder.UNITS,
        # The demo users' kommuner, so the demo answers come from people who may give them (their units or kommun).
        recipient_roots=[k.pk for k in _demo_kommuner(ctx)],
        service_kinds=["sabo", "hemtjanst"],
        deadline=now + dt.timedelta(hours=18),
        recurrence=Round.Recurrence.DAILY,
        recurrence_time=dt.time(6, 0),
        event_name="Värmebölja juli",
        event_type="värmebölja",
    )
    round_ = round_services.round_issue(actor=ctx.users["national"], issuer=nation, spec=spec)
    rng = ctx.rng
    answered = 0
    for submission in Submission.objects.filter(instance__round=round_).select_related("organisation"):
        # Answer as a demo user who may (a member of the unit or its kommun): nobody answers from higher up.
        allowed = [u for u in ctx.users.values() if access.can_answer(u, submission.organisation)]
        if not allowed:
            continue
        # The unit's own reporter where there is one, else its kommun on behalf.
        actor = next((u for u in allowed if not submission_services.is_on_behalf(u, submission)), allowed[0])
        answered += 1
        if answered > 8:
            break
        total = rng.randint(12, 40)
        data = {
            "impact": {"plan": rng.choice([0, 0, 1]), "resources": rng.choice([0, 1]), "load": rng.choice([0, 1, 1, 2])},
            "operational_status": rng.choice(["normal", "normal", "stab"]),
            "staff_total": total,
            "staff_absent": rng.randint(0, total // 3),
            "staffing_status": rng.choice(["green", "green", "yellow", "red"]),
            "max_indoor_temp": round(rng.uniform(24, 31), 1),
            "heat_sensitive_residents": rng.randint(0, 15),
            "cool_room": rng.choice([True, False]),
            "assessment": rng.choice(
                ["Läget är ansträngt men hanterbart.", "Hög frånvaro, vi prioriterar om insatser.", "Normalt läge."]
            ),
        }
        submission_services.submission_submit(actor=actor, submission=submission, data=data, via="cli")


def _demo_kommuner(ctx: DemoContext) -> list[Organisation]:
    ids = set(
        Membership.objects.filter(user__in=list(ctx.users.values()), organisation__kind=Organisation.Kind.KOMMUN).values_list(
            "organisation_id", flat=True
        )
    )
    return [k for k in ctx.kommuner if k.pk in ids] or list(ctx.kommuner[:3])
