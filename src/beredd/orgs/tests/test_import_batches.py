"""A unit import's preview is kept as a batch (core.models.ImportBatch) that only its uploader commits, once,
within a day, for the kommun it was uploaded to."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from beredd.core.exceptions import NotFoundError, PermissionDeniedError
from beredd.orgs import services
from beredd.orgs.models import Organisation, UnitImportBatch

CSV = b"name,service_kind\nAlpha,sabo\nBeta,hemtjanst\n"


def _preview(ref: dict[str, Any], actor: Any) -> int:
    result = services.units_import_preview(kommun=ref["gavle"], actor=actor, filename="u.csv", content=CSV)
    assert result.ok and result.batch_id
    return result.batch_id


def _units() -> set[str]:
    return set(Organisation.objects.filter(kind="unit").values_list("name", flat=True))


def test_another_persons_preview_cannot_be_committed(ref: dict[str, Any], make_user: Any) -> None:
    uploader, colleague = make_user(ref["gavle"], "org_admin"), make_user(ref["gavle"], "org_admin")
    batch_id = _preview(ref, uploader)
    with pytest.raises(NotFoundError):  # same role, same kommun, but not the uploader
        services.units_import_commit(kommun=ref["gavle"], actor=colleague, batch_id=batch_id)
    with pytest.raises(PermissionDeniedError):  # an admin elsewhere is refused before the batch is looked up
        services.units_import_commit(kommun=ref["gavle"], actor=make_user(ref["sandviken"], "org_admin"), batch_id=batch_id)
    lan_admin = make_user(ref["gavleborg"], "org_admin")  # may import to both kommuner
    sandviken_batch = services.units_import_preview(kommun=ref["sandviken"], actor=lan_admin, filename="u.csv", content=CSV)
    with pytest.raises(NotFoundError):  # one's own batch for another kommun is not this kommun's
        services.units_import_commit(kommun=ref["gavle"], actor=lan_admin, batch_id=sandviken_batch.batch_id or 0)
    assert _units() == set()
    assert services.units_import_commit(kommun=ref["gavle"], actor=uploader, batch_id=batch_id).created == 2


def test_a_committed_batch_cannot_be_committed_again(ref: dict[str, Any], make_user: Any) -> None:
    admin = make_user(ref["gavle"], "org_admin")
    batch_id = _preview(ref, admin)
    assert services.units_import_commit(kommun=ref["gavle"], actor=admin, batch_id=batch_id).created == 2
    assert UnitImportBatch.objects.get(pk=batch_id).committed_at is not None
    with pytest.raises(NotFoundError):
        services.units_import_commit(kommun=ref["gavle"], actor=admin, batch_id=batch_id)
    assert Organisation.objects.filter(kind="unit").count() == 2


def test_a_stale_batch_cannot_be_committed_and_is_deleted(ref: dict[str, Any], make_user: Any) -> None:
    admin = make_user(ref["gavle"], "org_admin")
    batch_id = _preview(ref, admin)
    later = dt.datetime.now(dt.UTC) + UnitImportBatch.LIFETIME + dt.timedelta(minutes=1)
    with time_machine.travel(later):
        with pytest.raises(NotFoundError):
            services.units_import_commit(kommun=ref["gavle"], actor=admin, batch_id=batch_id)
        assert UnitImportBatch.stale_delete() == 1
    assert _units() == set() and not UnitImportBatch.objects.exists()


def test_the_commit_checks_the_rows_again_and_keeps_the_batch_open(ref: dict[str, Any], make_user: Any, make_unit: Any) -> None:
    admin = make_user(ref["gavle"], "org_admin")
    batch_id = _preview(ref, admin)
    make_unit(ref["gavle"], name="Beta")  # added by hand after the preview
    result = services.units_import_commit(kommun=ref["gavle"], actor=admin, batch_id=batch_id)
    assert [(e["row"], e["field"]) for e in result.errors] == [(3, "name")] and result.created == 0
    assert _units() == {"Beta"} and UnitImportBatch.objects.get(pk=batch_id).committed_at is None


def test_the_confirm_page_refuses_another_persons_batch(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    url = reverse("orgs:unit-import", args=[ref["gavle"].pk])
    confirm = reverse("orgs:unit-import-confirm", args=[ref["gavle"].pk])
    client.force_login(make_user(ref["gavle"], "org_admin"))
    batch_id = client.post(url, {"file": SimpleUploadedFile("u.csv", CSV, content_type="text/csv")}).context["result"].batch_id
    client.force_login(make_user(ref["gavle"], "org_admin"))
    assert client.get(url, {"batch": batch_id, "page": "1"}).context["result"] is None  # nor page through it
    response = client.post(confirm, {"batch": batch_id}, follow=True)
    assert response.redirect_chain[-1][0] == url
    with translation.override("sv"):  # the page's language
        expired = translation.gettext("The preview has expired; upload the file again.")
    assert [str(m) for m in response.context["messages"]] == [expired]
    for org, role in ((ref["sandviken"], "org_admin"), (ref["gavle"], "viewer")):
        client.force_login(make_user(org, role))
        assert client.post(confirm, {"batch": batch_id}).status_code == 404, (org, role)
    assert client.get(confirm).status_code in (404, 405)
    assert _units() == set()
