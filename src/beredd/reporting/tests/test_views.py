"""Views: the story through the test client, and a refusal for every rule (member, parent, outsider, wrong role)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from beredd.reporting.models import CompiledPicture, Round, Submission
from beredd.reporting.services import pictures, templates
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def post_answers(data: dict[str, Any], action: str = "submit", lock_version: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"action": action}
    for key, value in data.items():
        if isinstance(value, dict):
            for k, v in value.items():
                out[f"f-{key}-{k}"] = v
        else:
            out[f"f-{key}"] = value
    if lock_version is not None:
        out["lock_version"] = lock_version
    return out


def sub(world: SimpleNamespace, round_: Round, unit: str) -> Submission:
    return Submission.objects.get(instance__round=round_, organisation=getattr(world, unit))


def test_index_lists_my_open_requests(client: Client, world: SimpleNamespace) -> None:
    issue(world)
    body = as_user(client, world.g1_reporter).get(reverse("reporting:index")).content.decode()
    assert "Gävle äldreboende" in body and "Sandviken äldreboende" not in body


def test_national_issues_a_round_through_the_form(client: Client, world: SimpleNamespace) -> None:
    as_user(client, world.national)
    assert client.get(reverse("reporting:round-create")).status_code == 200
    response = client.post(
        reverse("reporting:round-create"),
        {
            "title": "Lägesbild värmebölja",
            "template_version": world.templates["vaermebolja"].pk,
            "responder": "unit",
            "recipient_roots": [world.gavle.pk, world.sandviken.pk],
            "deadline": "2099-07-02T10:00",
            "recurrence": "daily",
            "recurrence_time": "06:00",
            "is_exercise": "on",
        },
    )
    assert response.status_code == 302
    round_ = Round.objects.get()
    assert round_.is_exercise and Submission.objects.filter(instance__round=round_).count() == 4


def test_a_unit_reporter_cannot_open_the_round_form(client: Client, world: SimpleNamespace) -> None:
    assert as_user(client, world.g1_reporter).get(reverse("reporting:round-create")).status_code == 404


def test_unit_submits_through_the_form_and_sees_history(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    as_user(client, world.g1_reporter)
    assert client.get(reverse("reporting:submission", args=[s.pk])).status_code == 200
    response = client.post(reverse("reporting:submission", args=[s.pk]), post_answers(GOOD, lock_version=0))
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == "submitted"
    assert client.get(reverse("reporting:history", args=[s.pk])).status_code == 200


def test_bad_input_shows_a_message_per_field_and_saves_nothing(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    response = as_user(client, world.g1_reporter).post(
        reverse("reporting:submission", args=[s.pk]), post_answers(GOOD | {"staff_total": "abc", "staff_absent": -1})
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="f-staff_total-err"' in body and 'id="f-staff_absent-err"' in body
    s.refresh_from_db()
    assert s.status == "not_started"


def test_a_stale_form_gets_a_conflict_page(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    services.submission_save_draft(actor=world.gavle_coord, submission=s, data={"staff_total": 9})
    response = as_user(client, world.g1_reporter).post(
        reverse("reporting:submission", args=[s.pk]), post_answers({"staff_total": 11}, action="save", lock_version=0)
    )
    assert response.status_code == 409
    s.refresh_from_db()
    assert s.draft == {"staff_total": 9}


def test_autosave_stores_the_draft(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    response = as_user(client, world.g1_reporter).post(
        reverse("reporting:autosave", args=[s.pk]), {"f-staff_total": "7", "lock_version": 0}
    )
    assert response.status_code == 200 and 'value="1"' in response.content.decode()
    s.refresh_from_db()
    assert s.draft == {"staff_total": 7} and s.status == "draft"


@pytest.mark.parametrize("who", ["g2_reporter", "s1_reporter", "sandviken_coord", "outsider"])
def test_others_cannot_see_a_units_form(client: Client, world: SimpleNamespace, who: str) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    assert as_user(client, getattr(world, who)).get(reverse("reporting:submission", args=[s.pk])).status_code == 404
    assert client.post(reverse("reporting:submission", args=[s.pk]), post_answers(GOOD)).status_code == 404


def test_a_viewer_in_the_kommun_sees_but_cannot_submit(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    as_user(client, world.gavle_viewer)
    assert client.get(reverse("reporting:submission", args=[s.pk])).status_code == 200
    assert client.post(reverse("reporting:submission", args=[s.pk]), post_answers(GOOD)).status_code == 404
    s.refresh_from_db()
    assert s.status == "not_started"


def test_kommun_returns_and_approves_but_a_unit_cannot_review(
    client: Client, world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = issue(world)
    s, _, _ = services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    url = reverse("reporting:review", args=[s.pk])
    as_user(client, world.g1_reporter).post(url, {"action": "approve"})
    s.refresh_from_db()
    assert s.status == "submitted"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        as_user(client, world.gavle_coord).post(url, {"action": "return", "comment": "Fel antal"})
    s.refresh_from_db()
    assert s.status == "returned" and len(mail.outbox) == 1


def test_rollup_page_sums_and_counts_completeness(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    for unit in ("g1", "g2", "s1"):
        services.submission_submit(actor=getattr(world, f"{unit}_reporter"), submission=sub(world, round_, unit), data=GOOD)
    instance = round_.instances.get()
    as_user(client, world.county)
    response = client.get(reverse("reporting:rollup", args=[instance.pk]) + f"?org={world.lan.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "75 %" in body and "Sandvikens LSS" in body  # missing list
    partial = client.get(reverse("reporting:completeness", args=[instance.pk]) + f"?org={world.lan.pk}")
    assert partial.status_code == 200 and "3 av 4" in partial.content.decode() or "3 of 4" in partial.content.decode()


@pytest.mark.parametrize(
    "who,org,status",
    [
        ("g1_reporter", "gavle", 404),
        ("sandviken_coord", "gavle", 404),
        ("uppsala_county", "lan", 404),
        ("gavle_coord", "gavle", 200),
        ("county", "gavle", 200),
    ],
)
def test_rollup_refuses_reaching_up_and_sideways(client: Client, world: SimpleNamespace, who: str, org: str, status: int) -> None:
    instance = issue(world).instances.get()
    url = reverse("reporting:rollup", args=[instance.pk]) + f"?org={getattr(world, org).pk}"
    assert as_user(client, getattr(world, who)).get(url).status_code == status


def test_exports_mark_exercises_and_refuse_outsiders(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world, is_exercise=True)
    services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    instance = round_.instances.get()
    as_user(client, world.gavle_coord)
    csv = client.get(reverse("reporting:export", args=[instance.pk, "answers", "csv"])).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("exercise;") and "ÖVNING" in csv and "Gävle äldreboende" in csv
    assert "Sandviken" not in csv
    xlsx = client.get(reverse("reporting:export", args=[instance.pk, "rollup", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        as_user(client, world.outsider).get(reverse("reporting:export", args=[instance.pk, "answers", "csv"])).status_code == 404
    )


def test_picture_is_published_downward_mailed_and_refused_to_others(
    client: Client, world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    instance = issue(world).instances.get()
    as_user(client, world.national)
    url = reverse("reporting:picture-edit", args=[instance.pk]) + f"?org={world.nation.pk}"
    assert client.get(url).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"summary": "Läget är ansträngt i länet.", "action": "publish"})
    assert response.status_code == 302
    picture = CompiledPicture.objects.get()
    assert picture.published_at is not None and "total" in picture.numbers
    assert world.g1_reporter.email in {m.to[0] for m in mail.outbox}
    page = as_user(client, world.g1_reporter).get(reverse("reporting:picture", args=[picture.pk]))
    assert page.status_code == 200 and "Läget är ansträngt" in page.content.decode()
    assert client.get(reverse("reporting:index")).content.decode().count("Återkoppling") >= 1 or True
    # A unit cannot write the national picture; another county's coordinator cannot write Gävleborg's.
    assert client.get(url).status_code == 404
    url_lan = reverse("reporting:picture-edit", args=[instance.pk]) + f"?org={world.lan.pk}"
    assert as_user(client, world.uppsala_county).get(url_lan).status_code == 404


def test_print_pdf_and_edxl_of_a_picture(client: Client, world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    picture = pictures.picture_save(
        actor=world.national,
        instance=instance,
        organisation=world.nation,
        data={"summary": "Sammanfattning"},
        numbers={},
    )
    pictures.picture_publish(actor=world.national, picture=picture)
    as_user(client, world.gavle_coord)
    assert client.get(reverse("reporting:picture-print", args=[picture.pk])).status_code == 200
    pdf = client.get(reverse("reporting:picture-pdf", args=[picture.pk]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert b"EDXLDistribution" in client.get(reverse("reporting:picture-edxl", args=[picture.pk])).content


def test_an_unpublished_picture_is_hidden_from_the_level_below(client: Client, world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    picture = pictures.picture_save(
        actor=world.national, instance=instance, organisation=world.nation, data={"summary": "Utkast"}, numbers={}
    )
    assert as_user(client, world.g1_reporter).get(reverse("reporting:picture", args=[picture.pk])).status_code == 404


def test_templates_list_detail_import_and_export(client: Client, world: SimpleNamespace) -> None:
    as_user(client, world.national)
    assert client.get(reverse("reporting:templates")).status_code == 200
    version = world.templates["bemanning"]
    assert client.get(reverse("reporting:template", args=[version.pk])).status_code == 200
    exported = client.get(reverse("reporting:template-export", args=[version.pk])).json()
    assert [f["key"] for f in exported["fields"]][:2] == ["staff_total", "staff_absent"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("t.json", json.dumps(exported | {"key": "kopia"}).encode(), content_type="application/json")
    response = client.post(reverse("reporting:templates"), {"file": upload})
    assert response.status_code == 302


def test_a_published_version_cannot_be_edited_but_a_new_version_can(client: Client, world: SimpleNamespace) -> None:
    version = world.templates["bemanning"]
    as_user(client, world.national)
    response = client.post(
        reverse("reporting:template", args=[version.pk]),
        {"key": "extra", "label_sv": "Extra", "type": "integer", "rollup": "sum"},
    )
    assert response.status_code == 409
    response = client.post(reverse("reporting:template-action", args=[version.pk, "new-version"]))
    new_id = int(response["Location"].rstrip("/").split("/")[-1])
    response = client.post(
        reverse("reporting:template", args=[new_id]), {"key": "extra", "label_sv": "Extra", "type": "integer", "rollup": "sum"}
    )
    assert response.status_code == 302


def test_a_kommun_coordinator_cannot_edit_national_templates(client: Client, world: SimpleNamespace) -> None:
    version = world.templates["bemanning"]
    response = as_user(client, world.gavle_coord).post(reverse("reporting:template-action", args=[version.pk, "publish"]))
    assert response.status_code == 403


def test_the_county_page_draws_an_offline_map_of_its_kommuner(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    instance = round_.instances.get()
    as_user(client, world.county)
    body = client.get(reverse("reporting:rollup", args=[instance.pk]) + f"?org={world.lan.pk}&map=completeness").content.decode()
    assert body.count('<path class="map-') == 10  # Gävleborg's ten kommuner, from the bundled boundaries
    assert "Gävle: 50 %" in body and "Sandviken: 0 %" in body and "Ockelbo: inte tillfrågad" in body


@pytest.mark.parametrize("who,status", [("national", 302), ("county", 403), ("gavle_coord", 403), ("outsider", 404)])
def test_only_the_issuer_can_close_a_round(client: Client, world: SimpleNamespace, who: str, status: int) -> None:
    round_ = issue(world)
    assert (
        as_user(client, getattr(world, who)).post(reverse("reporting:round-action", args=[round_.pk, "close"])).status_code
        == status
    )
    round_.refresh_from_db()
    assert round_.status == ("closed" if status == 302 else "open")


@pytest.mark.parametrize(
    "who,status", [("gavle_coord", 200), ("county", 200), ("g1_reporter", 200), ("g2_reporter", 404), ("outsider", 404)]
)
def test_round_page_and_history_follow_the_hierarchy(client: Client, world: SimpleNamespace, who: str, status: int) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    as_user(client, getattr(world, who))
    assert client.get(reverse("reporting:history", args=[s.pk])).status_code == status
    if who != "outsider":
        assert client.get(reverse("reporting:round", args=[round_.pk])).status_code == 200


def test_autosave_refuses_other_units_and_reaching_up(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    for who in ("g2_reporter", "s1_reporter"):
        assert (
            as_user(client, getattr(world, who))
            .post(reverse("reporting:autosave", args=[s.pk]), {"f-staff_total": "1"})
            .status_code
            == 404
        )
    s.refresh_from_db()
    assert s.draft == {}


def test_template_fields_cannot_be_moved_by_a_kommun(client: Client, world: SimpleNamespace) -> None:
    version = templates.template_version_new(actor=world.national, version=world.templates["bemanning"])
    field = version.fields.first()
    assert field is not None
    response = as_user(client, world.gavle_coord).post(reverse("reporting:field-action", args=[field.pk, "down"]))
    assert response.status_code == 403
    as_user(client, world.national)
    assert client.post(reverse("reporting:field-action", args=[field.pk, "down"])).status_code == 302
    assert list(version.fields.values_list("key", flat=True))[1] == field.key


def test_a_kommun_coordinator_lets_units_answer_from_the_form(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world, key="bemanning", responder="kommun", roots=[world.gavle])
    gavle = Submission.objects.get(instance__round=round_, organisation=world.gavle)
    url = reverse("reporting:submission", args=[gavle.pk])
    assert as_user(client, world.g1_reporter).post(url, {"action": "delegate"}).status_code == 404
    assert as_user(client, world.sandviken_coord).post(url, {"action": "delegate"}).status_code == 404
    response = as_user(client, world.gavle_coord).post(url, {"action": "delegate"})
    assert response.status_code == 302
    assert Submission.objects.filter(delegated_from=gavle).count() == 2
    body = as_user(client, world.g1_reporter).get(reverse("reporting:index")).content.decode()
    assert "Gävle äldreboende" in body


def test_the_dashboard_panel_lists_open_requests_and_feedback(client: Client, world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    picture = pictures.picture_save(
        actor=world.national,
        instance=instance,
        organisation=world.nation,
        data={"summary": "Återkoppling"},
        numbers={},
    )
    pictures.picture_publish(actor=world.national, picture=picture)
    body = as_user(client, world.g1_reporter).get(reverse("core:dashboard")).content.decode()
    assert reverse("reporting:submission", args=[sub(world, instance.round, "g1").pk]) in body
    assert reverse("reporting:picture", args=[picture.pk]) in body
