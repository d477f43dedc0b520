"""Heightened alert: set by a national admin with a decision reference, shown on every page inside it, logged;
heightened schedules run while it is in force; classified-warning templates require the confirmation; ÖVNING."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from beredd.command.models import Alert, ClassifiedConfirmation, LogEntry
from beredd.command.services import alert as services
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent
from beredd.reporting.models import Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services.submissions import submission_submit

pytestmark = pytest.mark.django_db

# Valid answers to the built-in heat-wave template (as in the reporting tests).
GOOD = {
    "impact": {"plan": 1, "resources": 0, "load": 0},
    "staff_total": 20,
    "staff_absent": 4,
    "staffing_status": "yellow",
    "assessment": "Ansträngt men hanterbart.",
}


def _alert(world: Any, **values: Any) -> Alert:
    return services.alert_set(
        actor=world.national, values={"kind": "skarpt", "scope": world.nation, "decision_reference": "Fö2026/01234"} | values
    )


def test_the_national_admin_sets_it_and_it_is_logged_and_audited(world: Any) -> None:
    alert = _alert(world)
    assert alert.scope == world.nation and not alert.is_exercise
    assert LogEntry.objects.filter(organisation=world.nation, kind="decision", text__contains="Fö2026/01234").exists()
    assert AuditEvent.objects.filter(action="command.alert_set", target_id=str(alert.pk)).exists()


def test_a_decision_reference_is_required(world: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _alert(world, decision_reference=" ")
    assert exc.value.details[0]["field"] == "decision_reference" and not Alert.objects.exists()


def test_only_a_country_or_civil_area_can_be_the_scope(world: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _alert(world, scope=world.lan)
    assert exc.value.details[0]["field"] == "scope"


@pytest.mark.parametrize("who", ["county", "gavle_coord", "national_viewer", "outsider"])
def test_only_a_national_admin_may_set_it(world: Any, who: str, client: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.alert_set(actor=getattr(world, who), values={"kind": "skarpt", "scope": world.nation, "decision_reference": "x"})
    client.force_login(getattr(world, who))
    response = client.post(reverse("command:alerts"), {"kind": "skarpt", "scope": world.nation.pk, "decision_reference": "x"})
    assert response.status_code == 404 and not Alert.objects.exists()


def test_every_page_inside_shows_the_banner_and_none_outside(world: Any, client: Any) -> None:
    _alert(world, scope=world.mellersta, kind="hogsta")
    client.force_login(world.gavle_viewer)
    body = client.get(reverse("core:dashboard")).content.decode()
    assert "alert-banner" in body and "Fö2026/01234" in body
    client.force_login(world.outsider)  # Stockholm lies in the eastern civil area
    assert "alert-banner" not in client.get(reverse("core:dashboard")).content.decode()


def test_an_exercise_shows_ovning_and_changes_no_schedule(world: Any, round_: Any, client: Any) -> None:
    services.heightened_schedule_set(actor=world.national, round_=round_, every_hours=6)
    _alert(world, is_exercise=True)
    client.force_login(world.gavle_viewer)
    body = client.get(reverse("core:dashboard")).content.decode()
    assert "alert-banner--exercise" in body and "ÖVNING" in body
    after = timezone.now()
    assert round_services.next_as_of(round_, after) != after + dt.timedelta(hours=6)


def test_a_heightened_schedule_runs_while_in_force_and_returns_to_normal(world: Any, round_: Any) -> None:
    services.heightened_schedule_set(actor=world.national, round_=round_, every_hours=6)
    after = timezone.now()
    normal = round_services.next_as_of(round_, after)
    alert = _alert(world)
    assert round_services.next_as_of(round_, after) == after + dt.timedelta(hours=6)
    services.alert_end(actor=world.national, alert=alert)
    assert round_services.next_as_of(round_, after) == normal


def test_a_heightened_schedule_is_only_for_recurring_rounds_and_bounded(world: Any, round_: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.heightened_schedule_set(actor=world.national, round_=round_, every_hours="0")
    with pytest.raises(PermissionDeniedError):
        services.heightened_schedule_set(actor=world.gavle_coord, round_=round_, every_hours=6)


def _submission(world: Any, round_: Any) -> Submission:
    return Submission.objects.get(instance__round=round_, organisation=world.gavle)


def test_the_classified_warning_needs_confirmation_only_under_heightened_alert(world: Any, round_: Any) -> None:
    sub = _submission(world, round_)
    submission_submit(actor=world.gavle_coord, submission=sub, data=GOOD)  # no alert: no confirmation needed
    _alert(world)
    sub.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        submission_submit(actor=world.gavle_coord, submission=sub, data=GOOD)
    assert exc.value.details[0]["field"] == "classified_confirmed"
    assert sub.versions.count() == 1
    _s, version, _c = submission_submit(actor=world.gavle_coord, submission=sub, data=GOOD, classified_confirmed=True)
    confirmation = ClassifiedConfirmation.objects.get(version=version)
    assert confirmation.confirmed_by == world.gavle_coord


def test_the_report_page_demands_the_confirmation(world: Any, round_: Any, client: Any) -> None:
    _alert(world)
    sub = _submission(world, round_)
    client.force_login(world.gavle_coord)
    url = reverse("reporting:submission", args=[sub.pk])
    body = client.get(url).content.decode()
    assert 'name="classified_confirmed"' in body


def test_the_api_refuses_a_submit_without_the_confirmation(world: Any, round_: Any, client: Any) -> None:
    _alert(world)
    sub = _submission(world, round_)
    client.force_login(world.gavle_coord)
    url = f"/api/v1/reporting/instances/{sub.instance_id}/submissions/{world.gavle.pk}"
    response = client.post(url, {"answers": GOOD}, content_type="application/json")
    assert response.status_code == 422 and "classified_confirmed" in response.content.decode()
    response = client.post(url, {"answers": GOOD, "classified_confirmed": True}, content_type="application/json")
    assert response.status_code == 201 and ClassifiedConfirmation.objects.count() == 1


def test_the_open_needs_export_says_heightened_alert_is_in_force(world: Any, client: Any) -> None:
    from beredd.command.services import requests as request_services
    from beredd.command.tests.helpers import need

    request_services.request_create(actor=world.gavle_coord, requester=world.gavle, values=need())
    client.force_login(world.county)
    url = reverse("command:needs")
    assert "beredskap" not in client.get(url, {"org": world.lan.pk, "format": "csv"}).content.decode("utf-8-sig").lower()
    _alert(world)
    text = client.get(url, {"org": world.lan.pk, "format": "csv"}).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("alert;") and "Skärpt beredskap" in text.splitlines()[1]
