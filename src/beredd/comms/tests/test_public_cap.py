"""Public messages: the kommun's public page, Atom feed and CAP 1.2 files that validate against the official schema,
including an update and a cancellation that reference the earlier alert."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from beredd.comms import cap
from beredd.comms.models import PublicNotice
from beredd.comms.services import public
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent
from beredd.register import services as register_services
from beredd.register.tests.helpers import square

FILL = {"tid": "kl. 18.00", "plats": "Söder", "telefon": "026-17 80 00"}
NS = {"c": cap.NS}


def _doc(xml: bytes) -> Any:
    assert cap.validation_errors(xml) == [], cap.validation_errors(xml)
    return etree.fromstring(xml)


def test_the_official_schema_is_in_the_repository_and_rejects_an_invalid_alert() -> None:
    folder = cap.XSD.parent
    assert cap.validation_errors((folder / "example-minimal.xml").read_bytes()) == []
    errors = cap.validation_errors((folder / "example-invalid-missing-sender.xml").read_bytes())
    assert errors and "sender" in errors[0]
    assert cap.validation_errors(b"<alert") != []


def test_a_published_message_is_a_valid_cap_alert_with_an_info_per_language_and_the_incident_polygon(
    world: Any, prepared: Any
) -> None:
    incident = register_services.incident_activate(
        actor=world.coord,
        kommun=world.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=6),
        area_geojson=square(60.675, 17.14),
        is_exercise=True,
    )
    notice = public.notice_publish(actor=world.coord, bank_message=prepared, fill=FILL, incident=incident)
    doc = _doc(cap.alert_xml(notice))
    assert doc.findtext("c:status", namespaces=NS) == "Exercise" and doc.findtext("c:msgType", namespaces=NS) == "Alert"
    assert doc.findtext("c:scope", namespaces=NS) == "Public"
    infos = doc.findall("c:info", NS)
    assert [i.findtext("c:language", namespaces=NS) for i in infos] == ["sv", "en", "ar"]
    assert infos[0].findtext("c:headline", namespaces=NS) == "Strömavbrott i Söder"
    assert (
        infos[0].findtext("c:category", namespaces=NS) == "Infra" and infos[0].findtext("c:event", namespaces=NS) == "Elavbrott"
    )
    area = infos[0].find("c:area", NS)
    assert area.findtext("c:areaDesc", namespaces=NS) == "Gävle"
    assert area.findtext("c:geocode/c:value", namespaces=NS) == "2180"
    polygon = area.findtext("c:polygon", namespaces=NS).split()
    assert len(polygon) == 5 and polygon[0] == polygon[-1] and polygon[0].startswith("60.665")
    assert AuditEvent.objects.filter(action="comms.notice_publish").count() == 1


def test_an_update_and_a_cancellation_reference_the_earlier_alert_and_validate(world: Any, prepared: Any, client: Client) -> None:
    first = public.notice_publish(actor=world.coord, bank_message=prepared, fill=FILL)
    update = public.notice_update(actor=world.coord, notice=first, fill={**FILL, "tid": "kl. 22.00"})
    doc = _doc(cap.alert_xml(update))
    assert doc.findtext("c:msgType", namespaces=NS) == "Update" and doc.findtext("c:status", namespaces=NS) == "Actual"
    sender, identifier, sent = doc.findtext("c:references", namespaces=NS).split(",")
    assert (
        identifier == first.identifier
        and sender == doc.findtext("c:sender", namespaces=NS)
        and sent == cap.cap_time(first.created_at)
    )
    cancel = public.notice_cancel(actor=world.coord, notice=update)
    cdoc = _doc(cap.alert_xml(cancel))
    assert cdoc.findtext("c:msgType", namespaces=NS) == "Cancel" and update.identifier in cdoc.findtext(
        "c:references", namespaces=NS
    )
    first.refresh_from_db()
    update.refresh_from_db()
    assert first.status == "replaced" and update.status == "cancelled"
    # Served files validate too, also the replaced and cancelled ones; the public page no longer lists them.
    for n in (first, update, cancel):
        served = client.get(reverse("comms:public-cap", args=["2180", n.pk]))
        assert served.status_code == 200 and served["Content-Type"].startswith("application/cap+xml")
        _doc(served.content)
    page = client.get(reverse("comms:public", args=["2180"]))
    assert page.status_code == 200 and page.context["page"].paginator.count == 0
    with pytest.raises(ValidationFailed):
        public.notice_update(actor=world.coord, notice=first, fill=FILL)


def test_the_public_page_and_feed_are_open_and_show_current_messages(world: Any, prepared: Any, client: Client) -> None:
    public.notice_publish(actor=world.coord, bank_message=prepared, fill=FILL)
    page = client.get(reverse("comms:public", args=["2180"]))
    html = page.content.decode()
    assert page.status_code == 200 and "Strömavbrott i Söder" in html and 'lang="ar" dir="rtl"' in html
    feed = client.get(reverse("comms:public-feed", args=["2180"]))
    assert feed.status_code == 200 and b"Str\xc3\xb6mavbrott i S\xc3\xb6der" in feed.content
    assert client.get(reverse("comms:public", args=["9999"])).status_code == 404
    assert client.get(reverse("comms:public", args=["2181"])).context["page"].paginator.count == 0
    sandviken_cap = reverse("comms:public-cap", args=["2181", PublicNotice.objects.get().pk])
    assert client.get(sandviken_cap).status_code == 404


def test_publishing_updating_and_cancelling_is_for_senders_of_the_kommun(world: Any, prepared: Any, make_user: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        public.notice_publish(actor=world.outsider, bank_message=prepared, fill=FILL)
    notice = public.notice_publish(actor=world.mas, bank_message=prepared, fill=FILL)
    for user in (world.outsider, world.reporter, make_user(world.gavle, "org_admin")):
        c = Client()
        c.force_login(user)
        assert c.post(reverse("comms:notice-cancel", args=[notice.pk]), {"confirm": "yes"}).status_code == 404
        assert c.post(reverse("comms:notice-update", args=[notice.pk]), FILL).status_code == 404
        assert c.get(reverse("comms:publish", args=[prepared.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.status == "published"


def test_cancelling_asks_for_confirmation(world: Any, prepared: Any, client: Client) -> None:
    notice = public.notice_publish(actor=world.coord, bank_message=prepared, fill=FILL)
    client.force_login(world.coord)
    client.post(reverse("comms:notice-cancel", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == "published"
    client.post(reverse("comms:notice-cancel", args=[notice.pk]), {"confirm": "yes"})
    notice.refresh_from_db()
    assert notice.status == "cancelled"


def test_publishing_with_an_empty_placeholder_publishes_nothing(world: Any, prepared: Any, client: Client) -> None:
    client.force_login(world.coord)
    response = client.post(reverse("comms:publish", args=[prepared.pk]), {"tid": "", "plats": "Söder", "telefon": "026"})
    assert response.status_code == 400 and not PublicNotice.objects.exists()
