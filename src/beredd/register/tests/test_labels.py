"""The call list and the access log read as words: no outcome, role, purpose or action code is shown."""

import datetime as dt
import html
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.register import services
from beredd.register.models import AccessLog
from beredd.register.tests.helpers import make_person, square

CODES = ["needs_help", "not_reached", "reached_ok", "coordinator", "mas", "care", "edit", "call_list", "follow_up", "print"]


def visible_text(page: bytes) -> str:
    """The text a reader sees in <main> (tags, attributes and scripts removed)."""
    text = page.decode()
    text = text.split("<main", 1)[-1].split("</main>", 1)[0]
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def raw_codes(text: str) -> list[str]:
    return [code for code in CODES if re.search(rf"(?<![\w@.-]){re.escape(code)}(?![\w@.-])", text)]


def test_the_printed_call_list_and_the_access_log_show_labels_not_codes(world: Any) -> None:
    a = make_person(world.gavle, world.unit_a, last_name="Ahl", devices={"home_ventilator": 4})
    b = make_person(world.gavle, world.unit_a, last_name="Berg")
    incident = services.incident_activate(
        actor=world.coordinator,
        kommun=world.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=6),
        area_geojson=square(60.675, 17.14),
    )
    services.followup_record(
        user=world.coordinator, incident=incident, person_id=a.pk, outcome="needs_help", note="Behöver vatten"
    )
    services.followup_record(user=world.coordinator, incident=incident, person_id=b.pk, outcome="not_reached")
    services.person_open(user=world.mas, person_id=a.pk, purpose="care")
    services.person_open(user=world.mas, person_id=a.pk, purpose="edit")
    mas, coordinator = Client(), Client()
    mas.force_login(world.mas)
    coordinator.force_login(world.coordinator)

    call_list = coordinator.get(reverse("register:call-list", args=[incident.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    text = visible_text(call_list.content)
    assert "Ahl" in text and "Behöver hjälp" in text and "Behöver vatten" in text and "Inte nådd" in text
    assert raw_codes(text) == []

    log = mas.get(reverse("register:log"), HTTP_ACCEPT_LANGUAGE="sv")
    text = visible_text(log.content)
    assert AccessLog.objects.filter(purpose__in=["needs_help", "care", "edit"]).count() == 3  # codes are stored …
    assert raw_codes(text) == []  # … but never shown
    assert "Vård och omsorg" in text and "Samordnare" in text


def test_a_refusal_reads_as_words() -> None:
    row = AccessLog(action=AccessLog.Action.DENIED, role="coordinator,mas", purpose="call_list:incident 7")
    assert raw_codes(row.purpose_display) == [] and "7" in row.purpose_display
    assert raw_codes(row.role_display) == []
    assert AccessLog(action=AccessLog.Action.VIEW, purpose="Storm över Gävle").purpose_display == "Storm över Gävle"
