"""Kommun–region agreements: visible to the kommun, its parties and the levels above; managed by the kommun's
MAS/coordinator; bad input named and atomic; stale edits refused with 409; evidence for the checklist; audited."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.collab import selectors
from beredd.collab.models import Agreement
from beredd.collab.services import agreements as services
from beredd.core.audit_labels import ACTION_LABELS
from beredd.core.exceptions import ConflictError, PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent

pytestmark = pytest.mark.frozen_now  # an agreement's status (in force, expiring, expired) is judged against today


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def values(world: SimpleNamespace, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Medicintekniska produkter och hjälpmedel",
        "area": "devices",
        "parties": [world.region],
        "valid_from": dt.date(2025, 6, 1),
        "valid_until": dt.date(2027, 5, 31),
        "review_date": None,
        "responsible_name": "Maria MAS",
        "contact": "mas@gavle.test",
        "link": "https://www.regiongavleborg.se/avtal/mtp",
        "crisis_terms": "Regionen prioriterar syrgas vid elavbrott.",
    } | extra


def fields_of(exc: ValidationFailed) -> set[str]:
    return {d["field"] for d in exc.details or []}


def auth(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def agreement(world: SimpleNamespace) -> Agreement:
    return services.agreement_create(actor=world.gavle_mas, kommun=world.gavle, values=values(world))


def test_the_kommun_its_parties_and_the_levels_above_see_it_and_no_one_else(
    world: SimpleNamespace, agreement: Agreement, make_user: Any
) -> None:
    region_user = make_user(world.region, "viewer", email="avtal@region.test")
    for user in (world.gavle_mas, world.gavle_coord, world.analyst, world.national_viewer, region_user):
        assert list(selectors.agreements_for_user(user=user)) == [agreement], user.email
    for user in (world.sandviken_coord, world.outsider):
        assert not selectors.agreements_for_user(user=user).exists(), user.email


def test_bad_input_names_each_field_and_saves_nothing(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_create(
            actor=world.gavle_mas,
            kommun=world.gavle,
            values=values(
                world,
                title="",
                area="x",
                parties=[],
                valid_until=dt.date(2025, 1, 1),
                responsible_name="",
                link="javascript:alert(1)",
            ),
        )
    assert fields_of(exc.value) == {"title", "area", "parties", "valid_until", "responsible_name", "link"}
    messages = {d["field"]: d["message"] for d in exc.value.details}
    assert messages["valid_until"] == "Slutdatumet får inte vara före startdatumet."
    assert not Agreement.objects.exists()
    assert not AuditEvent.objects.filter(action="collab.agreement_create").exists()


def test_an_attachment_over_the_limit_or_of_a_refused_type_is_refused_naming_the_types(world: SimpleNamespace) -> None:
    for name, content, fragment in (
        ("avtal.exe", b"MZ\x90\x00", "PDF"),
        ("avtal.pdf", b"not a pdf", "PDF"),
        ("avtal.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "10 MB"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            services.agreement_create(
                actor=world.gavle_mas, kommun=world.gavle, values=values(world), filename=name, content=content
            )
        assert fields_of(exc.value) == {"file"}
        assert fragment in exc.value.details[0]["message"]
    assert not Agreement.objects.exists()


def test_only_the_kommuns_managers_record_and_change_agreements(
    world: SimpleNamespace, agreement: Agreement, make_user: Any
) -> None:
    reporter = make_user(world.gavle, "reporter", email="rapportor@gavle.test")
    region_user = make_user(world.region, "coordinator", email="samordnare@region.test")
    for user in (reporter, world.sandviken_coord, region_user, world.national_viewer):
        with pytest.raises(PermissionDeniedError):
            services.agreement_create(actor=user, kommun=world.gavle, values=values(world))
        with pytest.raises(PermissionDeniedError):
            services.agreement_update(actor=user, agreement=agreement, values={"title": "X"}, expected_version=1)
    assert Agreement.objects.get().title == agreement.title


def test_a_stale_version_is_refused_with_409_and_nothing_is_overwritten(world: SimpleNamespace, agreement: Agreement) -> None:
    services.agreement_update(actor=world.gavle_mas, agreement=agreement, values={"contact": "070-1"}, expected_version=1)
    with pytest.raises(ConflictError) as exc:
        services.agreement_update(actor=world.gavle_coord, agreement=agreement, values={"contact": "070-2"}, expected_version=1)
    assert exc.value.status == 409
    assert Agreement.objects.get().contact == "070-1"
    with pytest.raises(ValidationFailed) as missing:  # an edit that does not say its version is never saved blindly
        services.agreement_update(
            actor=world.gavle_coord, agreement=agreement, values={"contact": "070-3"}, expected_version=None
        )
    assert missing.value.details[0]["field"] == "version"
    assert Agreement.objects.get().contact == "070-1"


def test_writes_are_audited_with_labels(world: SimpleNamespace, agreement: Agreement) -> None:
    services.agreement_update(
        actor=world.gavle_mas, agreement=agreement, values={"valid_until": dt.date(2027, 6, 30)}, expected_version=1
    )
    events = AuditEvent.objects.filter(target_id=str(agreement.pk), action__startswith="collab.agreement")
    assert sorted(events.values_list("action", flat=True)) == ["collab.agreement_create", "collab.agreement_update"]
    update = events.get(action="collab.agreement_update")
    assert update.changes["valid_until"] == {"before": "2027-05-31", "after": "2027-06-30"}
    assert update.organisation == world.gavle
    assert {"collab.agreement_create", "collab.agreement_update"} <= set(ACTION_LABELS)


def test_the_checklists_agreement_questions_show_the_agreements_in_force_as_evidence(
    world: SimpleNamespace, agreement: Agreement
) -> None:
    services.agreement_create(
        actor=world.gavle_mas,
        kommun=world.gavle,
        values=values(
            world, title="Gemensam journal", area="it", valid_until=dt.date(2024, 12, 31), valid_from=dt.date(2020, 1, 1)
        ),
    )
    rows = {r["question"]["code"]: r for r in selectors.agreement_evidence(kommun=world.gavle, today=dt.date(2026, 3, 1))}
    assert list(rows) == ["A1", "A2", "A3", "A4", "A5"]
    assert rows["A1"]["question"]["text"].startswith("Finns tydliga avtal och överenskommelser med regionen")
    assert rows["A1"]["agreements"] == [agreement]
    assert rows["A2"]["agreements"] == []  # the IT agreement has expired


def test_the_views_list_search_and_refuse_the_wrong_person(client: Client, world: SimpleNamespace, agreement: Agreement) -> None:
    client.force_login(world.analyst)
    body = client.get("/samverkan/avtal/?q=medicintekniska&sort=-until&area=devices").content.decode()
    assert "Medicintekniska produkter och hjälpmedel" in body and "Region Gävleborg" in body
    assert client.get("/samverkan/avtal/?page=999&status=nonsense&sort=x").status_code == 200
    client.force_login(world.sandviken_coord)
    assert f"/samverkan/avtal/{agreement.pk}/" not in client.get("/samverkan/avtal/").content.decode()
    for url in (
        f"/samverkan/avtal/{agreement.pk}/",
        f"/samverkan/avtal/{agreement.pk}/andra/",
        f"/samverkan/avtal/{agreement.pk}/dokument/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/samverkan/org/{world.gavle.pk}/avtal/nytt/").status_code == 404
    client.force_login(world.national_viewer)  # sees it, may not change it
    assert client.get(f"/samverkan/avtal/{agreement.pk}/").status_code == 200
    assert client.get(f"/samverkan/avtal/{agreement.pk}/andra/").status_code == 404


def test_recording_through_the_form_with_a_document_and_a_bad_end_date(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.gavle_mas)
    url = f"/samverkan/org/{world.gavle.pk}/avtal/nytt/"
    form = {
        "title": "Läkarmedverkan",
        "area": "physicians",
        "parties": [str(world.region.pk)],
        "valid_from": "2026-01-01",
        "valid_until": "2025-12-31",
        "responsible_name": "Maria MAS",
    }
    bad = client.post(url, form | {"file": SimpleUploadedFile("avtal.pdf", b"%PDF-1.4 avtal")})
    assert bad.status_code == 200 and "Slutdatumet får inte vara före startdatumet." in bad.content.decode()
    assert not Agreement.objects.exists()
    good = client.post(url, form | {"valid_until": "2027-12-31", "file": SimpleUploadedFile("avtal.pdf", b"%PDF-1.4 avtal")})
    assert good.status_code == 302
    item = Agreement.objects.get()
    assert item.file_name == "avtal.pdf" and list(item.parties.all()) == [world.region]
    download = client.get(f"/samverkan/avtal/{item.pk}/dokument/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    stale = client.post(f"/samverkan/avtal/{item.pk}/andra/", form | {"valid_until": "2028-12-31", "version": "0"})
    assert stale.status_code == 409 and "Någon annan" in stale.content.decode()
    assert Agreement.objects.get().valid_until == dt.date(2027, 12, 31)


def test_the_api_lists_creates_and_refuses_per_rule(client: Client, world: SimpleNamespace, agreement: Agreement) -> None:
    assert client.get("/api/v1/collab/agreements", **auth(world.outsider)).json()["count"] == 0
    assert client.get(f"/api/v1/collab/agreements/{agreement.pk}", **auth(world.sandviken_coord)).status_code == 404
    got = client.get(f"/api/v1/collab/agreements/{agreement.pk}", **auth(world.analyst)).json()
    assert got["area_label"] == "Medicintekniska produkter och hjälpmedel" and got["party_ids"] == [world.region.pk]
    payload = {
        "title": "Smittskydd",
        "area": "infection",
        "party_ids": [world.region.pk],
        "valid_from": "2026-01-01",
        "valid_until": "2025-01-01",
        "responsible_name": "MAS",
    }
    url = f"/api/v1/collab/orgs/{world.gavle.pk}/agreements"
    assert client.post(url, payload, content_type="application/json", **auth(world.national_viewer)).status_code == 404
    bad = client.post(url, payload, content_type="application/json", **auth(world.gavle_mas))
    assert bad.status_code == 422 and "valid_until" in bad.content.decode()
    good = client.post(url, payload | {"valid_until": "2027-01-01"}, content_type="application/json", **auth(world.gavle_mas))
    assert good.status_code == 201
    put = f"/api/v1/collab/agreements/{good.json()['id']}"
    body = payload | {"valid_until": "2027-06-01", "version": 1}
    assert client.put(put, body, content_type="application/json", **auth(world.sandviken_coord)).status_code == 404
    assert client.put(put, body, content_type="application/json", **auth(world.gavle_mas)).json()["version"] == 2
    assert client.put(put, body, content_type="application/json", **auth(world.gavle_mas)).status_code == 409
    assert AuditEvent.objects.filter(action="collab.agreement_create", via="api").count() == 1


def test_the_record_links_follow_the_current_organisation(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.analyst)  # the county: one link per kommun in the county
    body = client.get("/samverkan/avtal/").content.decode()
    assert body.count("/avtal/nytt/") == 10 and f"/samverkan/org/{world.gavle.pk}/avtal/nytt/" in body
    client.force_login(world.gavle_mas)  # the kommun: its own button
    assert client.get("/samverkan/avtal/").content.decode().count("/avtal/nytt/") == 1
    client.force_login(world.national_viewer)  # may not record
    assert "/avtal/nytt/" not in client.get("/samverkan/avtal/").content.decode()
