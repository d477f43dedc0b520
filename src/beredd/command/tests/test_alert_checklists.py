"""Checklists marked for heightened alert open for the units inside the alert when it is decided, as rounds of the
reporting engine, and close when it ends; an exercise alert opens them as exercises (ÖVNING)."""

import copy
from typing import Any

import pytest

from beredd.command.services import alert as services
from beredd.core.models import AuditEvent
from beredd.reporting.models import Round, Submission
from beredd.reporting.services.templates import template_export, template_import

pytestmark = pytest.mark.django_db

CHECKLIST = {
    "key": "hojd-beredskap-checklista",
    "name": "Checklista vid höjd beredskap",
    "opens_on_alert": True,
    "fields": [
        {"key": "plan_read", "label_sv": "Har enheten gått igenom sin kontinuitetsplan?", "type": "yes_no", "required": True},
        {"key": "staff_reachable", "label_sv": "Andel personal nåbar inom 2 timmar (%)", "type": "percent"},
    ],
}


def _install(world: Any, data: dict[str, Any] = CHECKLIST, owner: Any = None) -> Any:
    return template_import(actor=None, owner=owner or world.nation, data=copy.deepcopy(data), publish=True, builtin=True)


def _set(world: Any, scope: Any = None, **values: Any) -> Any:
    return services.alert_set(
        actor=world.national,
        values={"kind": "skarpt", "scope": scope or world.nation, "decision_reference": "Fö2026/01234"} | values,
    )


def test_a_marked_checklist_opens_for_the_units_in_scope_and_closes_with_the_alert(world: Any, make_unit: Any) -> None:
    version = _install(world)
    _install(world, CHECKLIST | {"key": "vanlig", "name": "Vanlig mall", "opens_on_alert": False})
    stockholm_home = make_unit(world.outsider.memberships.first().organisation, name="Solna äldreboende")
    alert = _set(world, scope=world.mellersta)
    rounds = list(alert.checklist_rounds.all())
    assert [r.template_version_id for r in rounds] == [version.pk]  # only the marked template
    round_ = rounds[0]
    assert round_.issuer == world.mellersta and round_.status == Round.Status.OPEN and not round_.is_exercise
    recipients = set(Submission.objects.filter(instance__round=round_).values_list("organisation_id", flat=True))
    assert world.home.pk in recipients and stockholm_home.pk not in recipients  # only inside the civil area
    assert AuditEvent.objects.filter(action="round.issue", target_id=str(round_.pk)).exists()
    services.alert_end(actor=world.national, alert=alert)
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED


def test_an_exercise_alert_opens_the_checklist_as_an_exercise(world: Any) -> None:
    _install(world)
    alert = _set(world, is_exercise=True)
    (round_,) = alert.checklist_rounds.all()
    assert round_.is_exercise


def test_without_a_marked_template_nothing_opens(world: Any) -> None:
    _install(world, CHECKLIST | {"opens_on_alert": False})
    alert = _set(world)
    assert not alert.checklist_rounds.exists() and not Round.objects.exists()


def test_the_mark_survives_export_and_import_and_must_be_a_boolean(world: Any) -> None:
    from beredd.core.exceptions import ValidationFailed

    version = _install(world)
    assert template_export(version=version)["opens_on_alert"] is True
    with pytest.raises(ValidationFailed) as exc:
        _install(world, CHECKLIST | {"key": "fel", "opens_on_alert": "maybe"})
    assert "opens_on_alert" in str(exc.value.details)
