"""Every view refuses the wrong person (another kommun, a unit reaching up, the wrong role) and works for the right one."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.core.exceptions import PermissionDeniedError
from beredd.core.models import AuditEvent
from beredd.preparedness import services
from beredd.preparedness.models import BinderSnapshot, ContinuityPlan, HeatActivation, LessonLearned, RiskItem

pytestmark = (
    pytest.mark.frozen_now
)  # the world's fixed dates (lesson due, heat warning, exercise) and plans due for review are judged against today


def _reads(w: SimpleNamespace) -> list[str]:
    return [
        reverse("preparedness:plan-detail", args=[w.plan.pk]),
        reverse("preparedness:rsa-detail", args=[w.rsa.pk]),
        reverse("preparedness:rsa-export", args=[w.rsa.pk, "docx"]),
        reverse("preparedness:exercise-detail", args=[w.exercise.pk]),
        reverse("preparedness:training", args=[w.gavle.pk]),
        reverse("preparedness:contract-detail", args=[w.contract.pk]),
        reverse("preparedness:heat", args=[w.gavle.pk]),
        reverse("preparedness:heat-activation", args=[w.activation.pk]),
        reverse("preparedness:heat-notice", args=[w.notice.pk]),
        reverse("preparedness:index") + f"?org={w.gavle.pk}",
    ]


def test_the_pages_open_for_the_kommun_coordinator(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    for url in _reads(world) + [reverse("preparedness:index") + f"?org={world.unit.pk}"]:
        assert client.get(url).status_code == 200, url


def test_another_kommun_sees_nothing(client: Client, world: SimpleNamespace, ref: Any, make_user: Any) -> None:
    client.force_login(make_user(ref["sandviken"], "coordinator"))
    for url in _reads(world):
        assert client.get(url).status_code == 404, url


def test_a_unit_cannot_reach_up_to_kommun_pages(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.private, "coordinator"))
    for url in (
        reverse("preparedness:rsa-detail", args=[world.rsa.pk]),
        reverse("preparedness:heat", args=[world.gavle.pk]),
        reverse("preparedness:plan-detail", args=[world.plan.pk]),
        reverse("preparedness:heat-notice", args=[world.notice.pk]),
        reverse("preparedness:exercise-detail", args=[world.exercise.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # ... but the provider unit reads its own contract.
    assert client.get(reverse("preparedness:contract-detail", args=[world.contract.pk])).status_code == 200


def test_a_viewer_cannot_write(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.gavle, "viewer"))
    posts = {
        reverse("preparedness:plan-create", args=[world.unit.pk]): {"title": "X"},
        reverse("preparedness:plan-edit", args=[world.plan.pk]): {"title": "X"},
        reverse("preparedness:plan-dependency", args=[world.plan.pk]): {"dep-kind": "power"},
        reverse("preparedness:plan-contact", args=[world.plan.pk]): {"contact-name": "X", "contact-phone": "1"},
        reverse("preparedness:unit-profile", args=[world.unit.pk]): {},
        reverse("preparedness:rsa-create", args=[world.gavle.pk]): {"election_year": 2026},
        reverse("preparedness:rsa-sections", args=[world.rsa.pk]): {"area_description": "x"},
        reverse("preparedness:risk-create", args=[world.rsa.pk]): {"title": "x"},
        reverse("preparedness:risks-from-handbook", args=[world.rsa.pk]): {},
        reverse("preparedness:risk-action", args=[world.rsa.pk, world.risk.pk]): {"description": "x"},
        reverse("preparedness:exercise-create", args=[world.gavle.pk]): {"title": "x"},
        reverse("preparedness:exercise-detail", args=[world.exercise.pk]): {"description": "x"},
        reverse("preparedness:lesson-close", args=[world.lesson.pk]): {"closing_note": "x"},
        reverse("preparedness:training", args=[world.gavle.pk]): {"person_name": "x"},
        reverse("preparedness:contract-create", args=[world.gavle.pk]): {"reference": "x"},
        reverse("preparedness:contract-detail", args=[world.contract.pk]): {"technical": "on"},
        reverse("preparedness:heat", args=[world.gavle.pk]): {"level": "orange"},
        reverse("preparedness:heat-end", args=[world.activation.pk]): {},
        reverse("preparedness:heat-notice", args=[world.notice.pk]): {"items": ["fluids"]},
    }
    before = AuditEvent.objects.count()
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert AuditEvent.objects.count() == before


def test_a_reporter_may_edit_plans_but_not_manage_the_rsa(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.unit, "reporter"))
    response = client.post(
        reverse("preparedness:plan-contact", args=[world.plan.pk]), {"contact-name": "Jour", "contact-phone": "026-1"}
    )
    assert response.status_code == 302
    assert client.post(reverse("preparedness:risks-from-handbook", args=[world.rsa.pk])).status_code == 404


def test_invalid_plan_input_shows_errors_and_saves_nothing(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    response = client.post(
        reverse("preparedness:plan-create", args=[world.unit.pk]),
        {
            "title": "Ny",
            "critical_activities": "x",
            "max_tolerable_outage": "4h",
            "owner": "A",
            "approved_on": "2026-05-01",
            "review_date": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert "review_date" in response.context["form"].errors
    assert ContinuityPlan.objects.count() == 1


def test_invalid_risk_scores_are_refused(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    data = {
        "title": "Skyfall",
        "likelihood": "7",
        "consequence_life": "1",
        "consequence_society": "1",
        "consequence_democracy": "1",
        "consequence_environment": "1",
        "status": "open",
    }
    response = client.post(reverse("preparedness:risk-create", args=[world.rsa.pk]), data)
    assert "likelihood" in response.context["form"].errors
    assert not RiskItem.objects.filter(title="Skyfall").exists()
    assert client.post(reverse("preparedness:risk-create", args=[world.rsa.pk]), data | {"likelihood": "2"}).status_code == 302


def test_the_rsa_page_offers_a_table_alternative_to_the_matrix(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    body = client.get(reverse("preparedness:rsa-detail", args=[world.rsa.pk]) + "?visa=tabell").content.decode()
    assert "risk-matrix" not in body and "<caption>" in body
    assert "risk-matrix" in client.get(reverse("preparedness:rsa-detail", args=[world.rsa.pk])).content.decode()


def test_a_malformed_warning_file_names_the_row(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    upload = SimpleUploadedFile("w.csv", b"kommun_code,level,valid_from,valid_until\n2180,purple,2026-07-01,2026-07-02\n")
    response = client.post(reverse("preparedness:heat", args=[world.gavle.pk]), {"upload": "1", "file": upload})
    assert response.status_code == 422
    assert response.context["file_errors"][0]["row"] == 1
    assert HeatActivation.objects.count() == 1


def test_the_unit_acknowledges_and_the_coordinator_sees_it(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.unit, "reporter"))
    assert client.post(reverse("preparedness:heat-notice", args=[world.notice.pk]), {"items": ["fluids"]}).status_code == 302
    client.force_login(world.coordinator)
    response = client.get(reverse("preparedness:heat-activation", args=[world.activation.pk]))
    assert [n.unit for n in response.context["acknowledged"]] == [world.unit]
    assert response.context["stragglers"] == []


def test_closing_a_lesson_without_a_note_is_refused(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    assert client.post(reverse("preparedness:lesson-close", args=[world.lesson.pk]), {"closing_note": ""}).status_code == 422
    assert LessonLearned.objects.get().closed_on is None
    assert client.post(reverse("preparedness:lesson-close", args=[world.lesson.pk]), {"closing_note": "Klart"}).status_code == 302


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_exports_download(client: Client, world: SimpleNamespace, fmt: str) -> None:
    client.force_login(world.coordinator)
    response = client.get(reverse("preparedness:rsa-export", args=[world.rsa.pk, fmt]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith(f".{fmt}")


def test_binder_generation_is_refused_to_outsiders_and_works_for_the_unit(
    client: Client, world: SimpleNamespace, ref: Any, make_user: Any
) -> None:
    url = reverse("preparedness:binder-generate", args=[world.unit.pk])
    client.force_login(make_user(ref["sandviken"], "coordinator"))
    assert client.post(url).status_code == 404
    client.force_login(make_user(world.unit, "reporter"))
    response = client.post(url)
    assert response.status_code == 302
    # A viewer may read and download the unit's binders but not generate one (a write, audited).
    viewer = make_user(world.unit, "viewer")
    client.force_login(viewer)
    download = client.get(response["Location"])
    assert download["Content-Type"] == "application/pdf" and bytes(download.content).startswith(b"%PDF")
    assert client.post(url).status_code == 404
    page = client.get(reverse("preparedness:index") + f"?org={world.unit.pk}").content.decode()
    assert url not in page and response["Location"] in page
    with pytest.raises(PermissionDeniedError):
        services.binder_generate(unit=world.unit, actor=viewer)
    assert BinderSnapshot.objects.filter(unit=world.unit).count() == 1
    client.force_login(make_user(world.private, "viewer"))
    assert client.get(response["Location"]).status_code == 404


def test_a_provider_submits_its_declaration(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.private, "reporter"))
    assert client.post(reverse("preparedness:contract-detail", args=[world.contract.pk]), {"technical": "on"}).status_code == 302
    assert world.contract.declarations.get(year=timezone.localdate().year).fulfilled_all


def test_the_dashboard_shows_the_preparedness_panel_with_open_heat_checklists(
    client: Client, world: SimpleNamespace, make_user: Any
) -> None:
    client.force_login(make_user(world.unit, "reporter"))
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert reverse("preparedness:heat-notice", args=[world.notice.pk]) in response.content.decode()


def test_a_risk_links_to_plans_and_exercises_and_the_rsa_is_adopted(
    client: Client, world: SimpleNamespace, ref: Any, make_user: Any
) -> None:
    url = reverse("preparedness:risk-edit", args=[world.rsa.pk, world.risk.pk])
    client.force_login(make_user(ref["sandviken"], "coordinator"))
    assert client.get(url).status_code == 404
    client.force_login(world.coordinator)
    data = {
        f: getattr(world.risk, f)
        for f in (
            "title",
            "likelihood",
            "consequence_life",
            "consequence_society",
            "consequence_democracy",
            "consequence_environment",
            "status",
        )
    }
    response = client.post(url, data | {"continuity_plans": [world.plan.pk], "exercises": [world.exercise.pk]})
    assert response.status_code == 302
    assert list(world.risk.continuity_plans.all()) == [world.plan] and list(world.risk.exercises.all()) == [world.exercise]
    sections = reverse("preparedness:rsa-sections", args=[world.rsa.pk])
    assert "adopted_on" in client.post(sections, {"status": "adopted"}).context["form"].errors
    assert client.post(sections, {"status": "adopted", "adopted_on": "2023-10-20"}).status_code == 302
    world.rsa.refresh_from_db()
    assert world.rsa.status == "adopted" and str(world.rsa.adopted_on) == "2023-10-20"


def test_the_dashboard_reminds_of_plans_due_for_review(client: Client, world: SimpleNamespace) -> None:
    due = services.plan_create(
        organisation=world.private,
        actor=world.coordinator,
        values={
            "title": "Snart",
            "critical_activities": "x",
            "max_tolerable_outage": "4h",
            "owner": "o",
            "review_date": timezone.localdate() + dt.timedelta(days=5),
        },
    )
    client.force_login(world.coordinator)
    body = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("preparedness:plan-detail", args=[due.pk]) in body
    assert reverse("preparedness:plan-detail", args=[world.plan.pk]) not in body


def test_every_form_page_opens_for_the_coordinator(client: Client, world: SimpleNamespace, ref: Any, make_user: Any) -> None:
    client.force_login(world.coordinator)
    for url in (
        reverse("preparedness:plan-create", args=[world.unit.pk]),
        reverse("preparedness:plan-edit", args=[world.plan.pk]),
        reverse("preparedness:rsa-create", args=[world.gavle.pk]),
        reverse("preparedness:rsa-sections", args=[world.rsa.pk]),
        reverse("preparedness:risk-create", args=[world.rsa.pk]),
        reverse("preparedness:risk-edit", args=[world.rsa.pk, world.risk.pk]),
        reverse("preparedness:exercise-create", args=[world.gavle.pk]),
        reverse("preparedness:contract-create", args=[world.gavle.pk]),
        reverse("preparedness:self-assessment") + f"?org={world.gavle.pk}",
        reverse("preparedness:index"),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(make_user(ref["gavleborg"], "coordinator"))
    for url in (
        reverse("preparedness:self-assessment-issue", args=[ref["gavleborg"].pk]),
        reverse("preparedness:heat", args=[ref["gavleborg"].pk]),
        reverse("preparedness:index") + f"?org={ref['gavleborg'].pk}",
    ):
        assert client.get(url).status_code == 200, url
    assert 'id="id_level"' in client.get(reverse("preparedness:heat", args=[ref["gavleborg"].pk])).content.decode()
    client.force_login(make_user(ref["nation"], "national_admin"))
    assert client.get(reverse("preparedness:index") + f"?org={ref['nation'].pk}").status_code == 200


def test_the_county_sees_provider_declarations_per_kommun(
    client: Client, world: SimpleNamespace, ref: Any, make_user: Any
) -> None:
    client.force_login(make_user(ref["gavleborg"], "viewer"))
    response = client.get(reverse("preparedness:index") + f"?org={ref['gavleborg'].pk}")
    assert response.context["providers_by_kommun"] == [{"kommun": world.gavle, "ok": 0, "gaps": 0, "missing": 1}]
