"""CSV/XLSX import: dry run listing every problem, all-or-nothing commit, duplicates updated or skipped."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from beredd.core.exceptions import NotFoundError, PermissionDeniedError, ValidationFailed
from beredd.register import access, crypto, services
from beredd.register.models import AccessLog, Person
from beredd.register.tests.helpers import make_person

HEADER = "personnummer;first_name;last_name;address;postcode;locality;lat;lon;sweref_n;sweref_e;unit;devices;cannot_evacuate;heat_sensitive"
GOOD = [
    "19121212-1212;Tolvan;Tolvansson;Kungsgatan 1;80250;Gävle;60.675;17.14;;;Hemtjänst Norr;home_ventilator:6;ja;nej",
    "194507061218;Greta;Gren;Norra Kungsgatan 3;802 52;Gävle;;;6729000;617000;Hemtjänst Söder;electric_bed;nej;ja",
]


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def test_a_clean_file_previews_then_commits(world: Any) -> None:
    preview = services.import_preview(actor=world.mas, kommun=world.gavle, filename="lista.csv", content=csv_bytes(*GOOD))
    assert preview.ok and preview.rows == 2 and preview.batch_id and not Person.objects.exists()
    result = services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id)
    assert result.created == 2
    greta = Person.objects.get(last_name="Gren")
    assert abs(greta.lat - 60.6795) < 0.001 and greta.heat_sensitive and greta.unit == world.unit_b
    assert crypto.decrypt(greta.pnr_encrypted) == "194507061218"
    tolvan = Person.objects.get(last_name="Tolvansson")
    assert tolvan.devices.get().battery_hours == 6
    assert (tolvan.has_device, tolvan.has_life_device, tolvan.life_battery_hours) == (True, True, 6)
    assert (greta.has_device, greta.has_life_device, greta.life_battery_hours) == (True, False, None)
    assert AccessLog.objects.filter(action="import").count() == 1
    with pytest.raises(NotFoundError):  # a batch commits once
        services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id)


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_stored(world: Any) -> None:
    bad = [
        "19121212-1213;A;B;Gata 1;80250;Gävle;;;;;Hemtjänst Norr;;nej;nej",
        "19450230-1234;A;;Gata 1;80250;Gävle;59.91;10.75;;;Okänd enhet;laser_sword;kanske;nej",
        GOOD[0],
        GOOD[0].replace("Tolvan", "Dubblett"),
    ]
    preview = services.import_preview(actor=world.mas, kommun=world.gavle, filename="x.csv", content=csv_bytes(*bad))
    got = {(p["row"], p["field"]) for p in preview.problems}
    assert got == {
        (2, "personnummer"),
        (3, "personnummer"),
        (3, "last_name"),
        (3, "lat"),
        (3, "unit"),
        (3, "devices"),
        (3, "cannot_evacuate"),
        (5, "personnummer"),
    }
    assert preview.batch_id is None
    with pytest.raises(ValidationFailed):
        services.import_rows(
            actor=world.mas,
            scope=access.identity_scope(world.mas, world.gavle),
            kommun=world.gavle,
            rows=[{"personnummer": "x"}],
        )
    assert not Person.objects.exists()


def test_duplicates_by_personnummer_are_updated_or_skipped(world: Any) -> None:
    existing = make_person(world.gavle, world.unit_a, pnr="191212121212", last_name="Gammal")
    for choice, expected in (("skip", "Gammal"), ("update", "Tolvansson")):
        preview = services.import_preview(actor=world.mas, kommun=world.gavle, filename="x.csv", content=csv_bytes(GOOD[0]))
        assert preview.duplicates == [{"row": 2, "person_id": existing.pk}]
        services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id, on_duplicate=choice)
        existing.refresh_from_db()
        assert existing.last_name == expected and Person.objects.count() == 1


def test_xlsx_is_read_like_csv(world: Any) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(";"))
    ws.append(GOOD[0].split(";"))
    buf = io.BytesIO()
    wb.save(buf)
    preview = services.import_preview(actor=world.mas, kommun=world.gavle, filename="x.xlsx", content=buf.getvalue())
    assert preview.ok and preview.rows == 1


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("unit_mas", NotFoundError),
        ("lan_mas", PermissionDeniedError),
        ("coordinator", PermissionDeniedError),
        ("sandviken_mas", NotFoundError),
    ],
)
def test_only_the_kommuns_mas_imports(world: Any, persona: str, error: Any) -> None:
    with pytest.raises(error):
        services.import_preview(actor=getattr(world, persona), kommun=world.gavle, filename="x.csv", content=csv_bytes(*GOOD))


def test_key_rotation_re_encrypts_and_search_still_works(world: Any, settings: Any) -> None:
    person = make_person(world.gavle, world.unit_a, pnr="191212121212")
    old = person.pnr_encrypted
    settings.REGISTER_KEYS = ["bmV3LXJlZ2lzdGVyLWtleS0wMTIzNDU2Nzg5YWJjZGU=", *settings.REGISTER_KEYS]
    # During the rotation the record is found through the old key's hash.
    assert services.person_list(user=world.mas, kommun=world.gavle, query="19121212-1212") == [person]
    call_command("rotate_register_key", stdout=io.StringIO())
    person.refresh_from_db()
    assert person.pnr_encrypted != old
    settings.REGISTER_KEYS = settings.REGISTER_KEYS[:1]  # the old key is gone
    assert services.person_open(user=world.mas, person_id=person.pk).personnummer == "191212121212"
    assert services.person_list(user=world.mas, kommun=world.gavle, query="191212121212") == [person]


def test_uncommitted_import_files_are_deleted_after_a_day(world: Any) -> None:
    import datetime as dt

    import time_machine

    from beredd.register.models import ImportBatch
    from beredd.register.tasks import stale_imports_delete

    services.import_preview(actor=world.mas, kommun=world.gavle, filename="x.csv", content=csv_bytes(*GOOD))
    assert stale_imports_delete() == 0
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=2)):
        assert stale_imports_delete() == 1
    assert not ImportBatch.objects.exists()


def test_a_preview_is_committed_only_by_its_uploader_and_only_within_a_day(world: dict[str, Any]) -> None:
    import datetime as dt

    import time_machine

    from beredd.register.models import ImportBatch

    preview = services.import_preview(actor=world.mas, kommun=world.gavle, filename="x.csv", content=csv_bytes(*GOOD))
    other_mas = world._make_user(world.gavle, "mas")  # type: ignore[attr-defined]  # World's persona factory
    with pytest.raises(NotFoundError):  # the same role in the same kommun is still not the uploader
        services.import_commit(actor=other_mas, kommun=world.gavle, batch_id=preview.batch_id)
    later = dt.datetime.now(dt.UTC) + ImportBatch.LIFETIME + dt.timedelta(minutes=1)
    with time_machine.travel(later), pytest.raises(NotFoundError):  # stale: not committed in time
        services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id)
    assert not Person.objects.exists()
    assert services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id).created == 2
