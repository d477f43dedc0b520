"""The demo loader is idempotent; the weekly binder task makes binders and keeps only the latest few."""

import random
from types import SimpleNamespace
from typing import Any

from beredd.preparedness import demo, tasks
from beredd.preparedness.models import BinderSnapshot, ContinuityPlan, Exercise, LessonLearned, RiskAnalysis, RiskItem


def test_demo_twice_does_not_duplicate(ref: Any, make_unit: Any, make_user: Any) -> None:
    gavle = ref["gavle"]
    units = [make_unit(gavle, service_kind=k) for k in ("sabo", "hemtjanst", "hsl", "lss_vuxna")]
    ctx = SimpleNamespace(
        kommuner=[gavle, ref["sandviken"]],
        units=units,
        lan=ref["gavleborg"],
        rng=random.Random(1),
        password="Demo-l0senord-lang!",
        users={
            "coordinator": make_user(gavle, "coordinator"),
            "mas": make_user(gavle, "mas"),
            "lan_coordinator": make_user(ref["gavleborg"], "coordinator"),
        },
    )
    demo.load(ctx)
    demo.load(ctx)
    assert ContinuityPlan.objects.count() == 2
    assert RiskAnalysis.objects.count() == 1 and RiskItem.objects.count() == 5
    assert Exercise.objects.get().kind == "tabletop" and LessonLearned.objects.count() == 3
    from beredd.reporting.models import Round, Submission

    assert Round.objects.count() == 1
    submitted = Submission.objects.filter(status="submitted")
    assert submitted.filter(org_path__startswith=gavle.path).count() == 5  # Gävle and its four units
    assert 5 < submitted.count() < Submission.objects.count()  # other kommuner too, with a few stragglers


def test_the_weekly_task_keeps_four_binders_per_unit(ref: Any, make_unit: Any, monkeypatch: Any) -> None:
    from beredd.orgs.models import Organisation
    from beredd.preparedness import services

    Organisation.objects.filter(kind="unit").update(is_active=False)
    unit = make_unit(ref["gavle"])
    monkeypatch.setattr(services.exports, "binder_pdf", lambda *, unit: b"%PDF-fake")
    for _ in range(5):
        assert tasks.binders_generate_all.call() == 1
    assert BinderSnapshot.objects.filter(unit=unit).count() == 4


def test_the_generate_binders_command_makes_one_binder_per_unit_and_is_idempotent(
    ref: Any, make_unit: Any, monkeypatch: Any
) -> None:
    import io

    from django.core.management import call_command

    from beredd.orgs.models import Organisation
    from beredd.preparedness import services

    Organisation.objects.filter(kind="unit").update(is_active=False)
    units = [make_unit(ref["gavle"]), make_unit(ref["sandviken"])]
    monkeypatch.setattr(services.exports, "binder_pdf", lambda *, unit: b"%PDF-fake")
    out = io.StringIO()
    call_command("generate_binders", stdout=out)  # enqueues; the test backend runs it at once
    assert "binders_generate_all" in out.getvalue()
    assert sorted(BinderSnapshot.objects.values_list("unit_id", flat=True)) == sorted(u.pk for u in units)
    call_command("generate_binders", stdout=io.StringIO())
    call_command("generate_binders", "--now", stdout=io.StringIO())
    assert BinderSnapshot.objects.count() == 2  # fresh binders are not generated again
    out = io.StringIO()
    call_command("generate_binders", "--now", "--skip-newer-than-hours=0", stdout=out)
    assert "2" in out.getvalue() and BinderSnapshot.objects.count() == 4
