"""The preparedness demo loader is idempotent: loaded twice, it makes each plan, RSA, exercise and round once."""

import random
from types import SimpleNamespace
from typing import Any

from beredd.preparedness import demo
from beredd.preparedness.models import ContinuityPlan, Exercise, LessonLearned, RiskAnalysis, RiskItem


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
