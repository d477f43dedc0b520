"""Readiness levels: set with a reason, history never overwritten, the board, the parent's mail and dashboard."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from beredd.command import selectors
from beredd.command.models import LogEntry, ReadinessChange
from beredd.command.services.readiness import readiness_set
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_now]  # a level applies from now; a start in the past is refused


def _set(actor: Any, org: Any, level: str, reason: str = "Storm, strömavbrott", **extra: Any) -> ReadinessChange:
    return readiness_set(actor=actor, organisation=org, values={"level": level, "reason": reason} | extra)


def test_a_raise_is_a_new_row_and_the_history_keeps_every_level(world: Any) -> None:
    first = _set(world.gavle_coord, world.gavle, "stab")
    second = _set(world.gavle_coord, world.gavle, "forstarkning", service_kind="hemtjanst")
    third = _set(world.gavle_coord, world.gavle, "forstarkning")
    assert ReadinessChange.objects.filter(organisation=world.gavle).count() == 3
    first.refresh_from_db()
    assert first.level == "stab" and third.previous_level == "stab" and second.previous_level == "normal"
    assert selectors.current_level(organisation=world.gavle).pk == third.pk
    assert selectors.current_level(organisation=world.gavle, service_kind="hemtjanst").pk == second.pk
    event = AuditEvent.objects.filter(action="command.level_set").latest("at")
    assert event.changes["level"] == {"before": "stab", "after": "forstarkning"}
    assert LogEntry.objects.filter(organisation=world.gavle, is_automatic=True, kind="status").count() == 3


def test_the_coordinator_of_the_parent_may_set_the_level(world: Any) -> None:
    change = _set(world.county, world.gavle, "stab")
    assert change.set_by == world.county


@pytest.mark.parametrize("who", ["gavle_viewer", "sandviken_coord", "outsider", "reporter"])
def test_others_may_not_set_a_kommuns_level(world: Any, who: str) -> None:
    with pytest.raises(PermissionDeniedError):
        _set(getattr(world, who), world.gavle, "stab")
    assert not ReadinessChange.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"level": "orange", "reason": "x"}, "level"),
        ({"level": "", "reason": "x"}, "level"),
        ({"level": "stab", "reason": "  "}, "reason"),
        ({"level": "stab", "reason": "x", "service_kind": "bageri"}, "service_kind"),
        ({"level": "stab", "reason": "x", "applies_from": "igår"}, "applies_from"),
        ({"level": "stab", "reason": "x", "applies_from": "2020-01-01T00:00"}, "applies_from"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world: Any, values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        readiness_set(actor=world.gavle_coord, organisation=world.gavle, values=values)
    assert field in [d["field"] for d in exc.value.details]
    assert not ReadinessChange.objects.exists() and not LogEntry.objects.exists()


def test_the_parent_is_mailed_when_a_child_goes_up_but_not_when_it_goes_down(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _set(world.gavle_coord, world.gavle, "forstarkning")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.county.email]
    assert "Gävle" in mail.outbox[0].subject and "förstärkningsläge" in mail.outbox[0].body.lower()
    with django_capture_on_commit_callbacks(execute=True):
        _set(world.gavle_coord, world.gavle, "normal", reason="Strömmen tillbaka")
    assert len(mail.outbox) == 1


def test_the_county_board_shows_the_kommuns_level_with_trend_and_map(world: Any, client: Any) -> None:
    _set(world.gavle_coord, world.gavle, "forstarkning")
    client.force_login(world.county_viewer)
    response = client.get(reverse("command:board"), {"org": world.lan.pk})
    body = response.content.decode().lower()
    assert response.status_code == 200
    assert "gävle" in body and "förstärkningsläge" in body and "höjt" in body
    assert 'class="level-map"' in body and 'class="lv-forstarkning"' in body
    rows = selectors.board(user=world.county_viewer, org=world.lan, sort="-level")
    assert len(rows) == 10 and rows[0]["org"] == world.gavle and rows[0]["trend"] == "up"


def test_the_national_board_covers_the_counties_and_sorts_and_searches(world: Any, client: Any) -> None:
    _set(world.county, world.lan, "stab")
    client.force_login(world.national_viewer)
    response = client.get(reverse("command:board"), {"org": world.nation.pk, "q": "Gävleborg"})
    assert response.status_code == 200 and "Gävleborgs län" in response.content.decode()
    rows = selectors.board(user=world.national_viewer, org=world.nation, kind="kommun")
    assert len(rows) == 290


def test_the_board_and_history_refuse_an_outsider(world: Any, client: Any) -> None:
    client.force_login(world.outsider)
    assert client.get(reverse("command:board"), {"org": world.lan.pk}).status_code == 404
    assert client.get(reverse("command:level", args=[world.gavle.pk])).status_code == 404
    client.force_login(world.gavle_viewer)
    response = client.post(reverse("command:level", args=[world.gavle.pk]), {"level": "stab", "reason": "x"})
    assert response.status_code == 404 and not ReadinessChange.objects.exists()


def test_setting_a_level_in_the_form_shows_errors_in_words(world: Any, client: Any) -> None:
    client.force_login(world.gavle_coord)
    url = reverse("command:level", args=[world.gavle.pk])
    response = client.post(url, {"level": "stab", "reason": ""})
    assert response.status_code == 200 and "inget sparades" in response.content.decode().lower()
    assert not ReadinessChange.objects.exists()
    response = client.post(url, {"level": "stab", "reason": "Storm"}, follow=True)
    assert response.status_code == 200 and ReadinessChange.objects.filter(organisation=world.gavle).count() == 1


def test_the_dashboard_tells_the_parent_that_a_child_went_up(world: Any, client: Any) -> None:
    _set(world.gavle_coord, world.gavle, "katastrof")
    client.force_login(world.county)
    body = client.get(reverse("core:dashboard")).content.decode().lower()
    assert "gävle" in body and "katastrofläge" in body


def test_a_level_set_for_later_is_not_current_yet(world: Any) -> None:
    later = timezone.now() + dt.timedelta(hours=3)
    _set(world.gavle_coord, world.gavle, "stab", applies_from=later)
    assert selectors.current_level(organisation=world.gavle) is None
    assert selectors.current_level(organisation=world.gavle, at=later + dt.timedelta(minutes=1)) is not None


def test_a_reports_status_field_starts_from_the_current_level(world: Any, client: Any) -> None:
    from beredd.reporting.models import Submission
    from beredd.reporting.services import rounds as round_services
    from beredd.reporting.services.templates import builtin_templates_install

    _set(world.gavle_coord, world.gavle, "forstarkning")
    versions = {v.template.key: v for v in builtin_templates_install(owner=world.nation)}
    now = timezone.now()
    spec = round_services.RoundSpec(
        title="Lägesbild storm",
        template_version=versions["vaermebolja"],  # has the "Beredskapsläge" status field
        responder="kommun",
        recipient_roots=[world.gavle.pk],
        as_of=now,
        deadline=now + dt.timedelta(hours=20),
    )
    round_ = round_services.round_issue(actor=world.national, issuer=world.nation, spec=spec)
    submission = Submission.objects.get(instance__round=round_, organisation=world.gavle)
    assert any(f.key == "operational_status" for f in submission.template_version.fields.all())
    client.force_login(world.gavle_coord)
    body = client.get(reverse("reporting:submission", args=[submission.pk])).content.decode()
    assert 'value="forstarkning" checked' in body or 'value="forstarkning" selected' in body
