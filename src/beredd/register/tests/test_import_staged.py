"""SQLite: a large import is staged in short batches and made records in one short transaction.

Inside the test transaction the importer would write directly (as on PostgreSQL), so these tests force the staged
path (``FORCE_STAGED``): the same SQL, with each batch a savepoint. ``tests/test_embedded_concurrency.py`` runs it
for real, in its own process beside a server with 8 clients writing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.register import crypto, services
from beredd.register.models import AccessLog, Contact, ImportBatch, ImportStagedPerson, Person, PersonDevice
from beredd.register.services import importer
from beredd.register.tests.helpers import make_person
from beredd.register.tests.test_import import GOOD, HEADER

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the staged path is SQLite's")


@pytest.fixture(autouse=True)
def staged(monkeypatch: Any) -> None:
    monkeypatch.setattr(importer, "FORCE_STAGED", True)
    monkeypatch.setattr(importer, "STAGE_BATCH", 1)  # every row its own batch


CONTACT_HEADER = HEADER + ";contact_name;contact_phone"


def rows_csv(*rows: str) -> bytes:
    return ("\n".join([CONTACT_HEADER, *rows]) + "\n").encode("utf-8")


def test_staged_rows_become_records_with_devices_contacts_and_fresh_ids(world: Any, monkeypatch: Any) -> None:
    staged_counts: list[int] = []
    make_visible = importer._make_visible

    def spy(**kwargs: Any) -> None:  # the rows are in the staging table, not yet records, when this starts
        staged_counts.append(ImportStagedPerson.objects.filter(stage=kwargs["stage"]).count())
        assert not Person.objects.filter(last_name="Gren").exists()
        make_visible(**kwargs)

    monkeypatch.setattr(importer, "_make_visible", spy)
    purged = make_person(world.gavle, world.unit_a, last_name="Rensad")
    purged_id = purged.pk
    Person.objects.filter(pk=purged_id).delete()  # its id must never come back (its access log keeps it)
    existing = make_person(world.gavle, world.unit_a, pnr="191212121212", last_name="Gammal", devices={"electric_bed": None})
    content = rows_csv(GOOD[0] + ";Anna Anhörig;070-1", GOOD[1] + ";;")
    preview = services.import_preview(actor=world.mas, kommun=world.gavle, filename="lista.csv", content=content)
    assert preview.ok and preview.duplicates == [{"row": 2, "person_id": existing.pk}]
    result = services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id, on_duplicate="update")
    assert (result.created, result.updated, result.skipped) == (1, 1, 0)
    assert staged_counts == [2]
    tolvan = Person.objects.get(pk=existing.pk)  # updated in place: same id, new values and children
    assert tolvan.last_name == "Tolvansson" and tolvan.cannot_evacuate and tolvan.status == Person.Status.ACTIVE
    assert crypto.decrypt(tolvan.pnr_encrypted) == "191212121212"
    assert [(d.device.code, d.battery_hours) for d in tolvan.devices.all()] == [("home_ventilator", 6)]
    assert (tolvan.has_device, tolvan.has_life_device, tolvan.life_battery_hours) == (True, True, 6)
    assert list(Contact.objects.filter(person=tolvan).values_list("name", "phone", "kind")) == [
        ("Anna Anhörig", "070-1", "relative")
    ]
    greta = Person.objects.get(last_name="Gren")
    assert greta.pk > max(purged_id, existing.pk) and greta.kommun == world.gavle and greta.unit == world.unit_b
    assert crypto.decrypt(greta.pnr_encrypted) == "194507061218" and greta.heat_sensitive and abs(greta.lat - 60.6795) < 0.001
    assert [d.device.code for d in PersonDevice.objects.filter(person=greta)] == ["electric_bed"]
    assert not Contact.objects.filter(person=greta).exists()
    assert greta.created_at is not None and greta.review_date is not None
    assert AccessLog.objects.filter(action="import").count() == 1
    assert not ImportStagedPerson.objects.exists()  # staging rows are removed
    with pytest.raises(NotFoundError):  # a batch commits once
        services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id)


def test_a_conflict_found_when_making_rows_visible_stores_nothing(world: Any, monkeypatch: Any) -> None:
    """All or nothing across the batches: a record created meanwhile with a personnummer of the file refuses the
    whole import at the final step; the earlier batches' rows never become records and the batch stays open."""
    monkeypatch.setattr(importer, "STAGE_BATCH", 1)
    preview = services.import_preview(
        actor=world.mas, kommun=world.gavle, filename="x.csv", content=rows_csv(GOOD[0] + ";;", GOOD[1] + ";;")
    )
    original = importer._staged_row

    def staged_row(stage: str, seq: int, *args: Any) -> Any:
        if seq == 2:  # after the first batch is staged, someone registers Greta by hand
            make_person(world.gavle, world.unit_a, pnr="194507061218", last_name="Handinlagd")
        return original(stage, seq, *args)

    monkeypatch.setattr(importer, "_staged_row", staged_row)
    with pytest.raises(ValidationFailed) as refused:
        services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id)
    assert refused.value.details[0]["field"] == "personnummer"
    assert ImportBatch.objects.get(pk=preview.batch_id).committed_at is None
    assert list(Person.objects.values_list("last_name", flat=True)) == ["Handinlagd"]
    assert not AccessLog.objects.filter(action="import").exists()
    assert not ImportStagedPerson.objects.exists()
    monkeypatch.setattr(importer, "_staged_row", original)
    # The batch is still open: committing again now finds Greta as a duplicate (skipped) and imports the rest.
    result = services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id)
    assert (result.created, result.skipped) == (1, 1)
    assert sorted(Person.objects.values_list("last_name", flat=True)) == ["Handinlagd", "Tolvansson"]


def test_the_staging_table_mirrors_every_person_column(db: Any) -> None:
    staged = {f.column for f in ImportStagedPerson._meta.concrete_fields}
    assert set(importer._person_columns()) <= staged
