"""The event log: entries are appended, corrections point to the corrected entry, filters, print and PDF."""

from typing import Any

import pytest
from django.urls import reverse

from beredd.command import selectors
from beredd.command.models import LogEntry
from beredd.command.services.log import log_entry_add
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _add(world: Any, **values: Any) -> LogEntry:
    return log_entry_add(
        actor=world.gavle_coord,
        organisation=world.gavle,
        values={"kind": "decision", "text": "Krisledningsgruppen aktiveras"} | values,
    )


def test_a_correction_is_a_new_entry_and_the_original_is_unchanged(world: Any) -> None:
    original = _add(world, source="Kommundirektören")
    fix = _add(world, text="Krisledningsgruppen aktiveras kl 07:00", corrects=original)
    original.refresh_from_db()
    assert original.text == "Krisledningsgruppen aktiveras" and fix.corrects == original
    assert LogEntry.objects.filter(organisation=world.gavle).count() == 2
    assert AuditEvent.objects.filter(action="command.log_correct", target_id=str(fix.pk)).exists()


def test_a_correction_must_point_into_the_same_log(world: Any) -> None:
    theirs = log_entry_add(
        actor=world.sandviken_coord, organisation=world.sandviken, values={"kind": "contact", "text": "Ringt SOS"}
    )
    with pytest.raises(ValidationFailed) as exc:
        _add(world, corrects=theirs)
    assert exc.value.details[0]["field"] == "corrects"


@pytest.mark.parametrize(
    ("values", "field"),
    [({"kind": "gossip"}, "kind"), ({"text": ""}, "text"), ({"occurred_at": "2001-01-01T10:00"}, "occurred_at")],
)
def test_bad_input_names_the_field(world: Any, values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _add(world, **values)
    assert field in [d["field"] for d in exc.value.details]
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("who", ["gavle_viewer", "reporter", "sandviken_coord", "outsider"])
def test_only_coordinators_of_the_org_or_above_write_its_log(world: Any, who: str) -> None:
    with pytest.raises(PermissionDeniedError):
        log_entry_add(actor=getattr(world, who), organisation=world.gavle, values={"kind": "decision", "text": "x"})


def test_the_county_reads_the_kommuns_log_and_filters_it(world: Any, client: Any) -> None:
    _add(world)
    _add(world, kind="contact", text="Samtal med Region Gävleborg om reservkraft")
    assert selectors.log_for_user(user=world.county_viewer, org=world.gavle, kind="contact").count() == 1
    assert selectors.log_for_user(user=world.county_viewer, org=world.gavle, query="reservkraft").count() == 1
    client.force_login(world.county_viewer)
    body = client.get(reverse("command:log", args=[world.gavle.pk]), {"q": "reservkraft"}).content.decode()
    assert "Region Gävleborg" in body and "Krisledningsgruppen" not in body


def test_print_and_pdf(world: Any, client: Any) -> None:
    _add(world)
    client.force_login(world.gavle_viewer)
    assert "Krisledningsgruppen" in client.get(reverse("command:log-print", args=[world.gavle.pk])).content.decode()
    response = client.get(reverse("command:log-pdf", args=[world.gavle.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_log_pages_refuse_an_outsider(world: Any, client: Any) -> None:
    entry = _add(world)
    client.force_login(world.outsider)
    for name, args in (
        ("command:log", [world.gavle.pk]),
        ("command:log-print", [world.gavle.pk]),
        ("command:log-pdf", [world.gavle.pk]),
        ("command:log-correct", [world.gavle.pk, entry.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    client.force_login(world.gavle_viewer)
    assert client.post(reverse("command:log", args=[world.gavle.pk]), {"kind": "decision", "text": "x"}).status_code == 404
    assert LogEntry.objects.count() == 1


def test_entries_cannot_be_edited_through_the_form_only_corrected(world: Any, client: Any) -> None:
    entry = _add(world)
    client.force_login(world.gavle_coord)
    response = client.post(
        reverse("command:log-correct", args=[world.gavle.pk, entry.pk]), {"kind": "decision", "text": "Rättat"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.text == "Krisledningsgruppen aktiveras" and entry.corrections.get().text == "Rättat"


def test_the_log_is_shown_beside_the_events_rounds(world: Any, client: Any, round_: Any) -> None:
    from beredd.reporting.models import Event

    event = Event.objects.create(name="Stormen Greta", owner=world.nation)
    round_.event = event
    round_.save(update_fields=["event"])
    _add(world, event=event, text="Reservkraft till Strömsbro beställd")
    _add(world, text="Utan händelse")
    client.force_login(world.national_viewer)
    body = client.get(reverse("reporting:round", args=[round_.pk])).content.decode()
    assert "Reservkraft till Strömsbro beställd" in body and "Utan händelse" not in body
    client.force_login(world.outsider)  # not in the log's subtree: sees the round's page only if asked, never the entry
    assert "Reservkraft till Strömsbro" not in client.get(reverse("reporting:round", args=[round_.pk])).content.decode()
