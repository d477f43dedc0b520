"""Dashboard and reporting index: every open request, nearest deadline first, with its issuer, and the published
feedback; a way back to submitted reports; an approved report says why it is read-only."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.reporting.models import Round, Submission
from beredd.reporting.services import pictures
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import as_user, sub

pytestmark = pytest.mark.frozen_now  # open requests are ordered and shown by deadlines hours from now


def issue_at(world: SimpleNamespace, title: str, hours: int, responder: str) -> Round:
    now = timezone.now()
    spec = round_services.RoundSpec(
        title=title,
        template_version=world.templates["vaermebolja"],
        responder=responder,
        recipient_roots=[world.gavle.pk],
        as_of=now,
        deadline=now + dt.timedelta(hours=hours),
    )
    return round_services.round_issue(actor=world.national, issuer=world.nation, spec=spec)


def test_the_dashboard_shows_every_open_request_by_deadline_with_the_issuer(client: Client, world: SimpleNamespace) -> None:
    # Six unit rounds due first, the kommun's own national request last: it used to hide behind five.
    for n in range(6):
        issue_at(world, f"Enhetsrapport {n}", 2 + n, "unit")
    issue_at(world, "Kommunens egen rapport", 40, "kommun")
    client.force_login(world.gavle_coord)
    body = client.get(reverse("core:dashboard")).content.decode()
    titles = re.findall(r"(Enhetsrapport \d|Kommunens egen rapport) #1 – ([^<]+)</a>", body)
    assert len(titles) == 13  # 6 rounds x 2 units + the kommun's own
    assert titles[-1] == ("Kommunens egen rapport", "Gävle")
    assert [t for t, _o in titles[:12:2]] == [f"Enhetsrapport {n}" for n in range(6)]
    assert "13 öppna förfrågningar" in body
    assert body.count("Utfärdad av Sverige") == 13


def test_the_index_pages_open_requests_and_lists_submitted_reports(client: Client, world: SimpleNamespace) -> None:
    for n in range(26):
        issue_at(world, f"Runda {n}", 2 + n, "unit")
    client.force_login(world.gavle_coord)
    first = client.get(reverse("reporting:index")).content.decode()
    assert "Mina öppna förfrågningar (52)" in first and "Sida 1 av 2" in first
    assert first.count("Utfärdad av Sverige") == 50
    second = client.get(reverse("reporting:index") + "?page=2").content.decode()
    assert second.count("Utfärdad av Sverige") == 2 and "Runda 25 #1" in second


def test_after_submitting_the_reporter_finds_the_report_again(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world, roots=[world.gavle])
    s = Submission.objects.get(instance__round=round_, organisation=world.g1)
    services.submission_submit(actor=world.g1_reporter, submission=s, data=GOOD)
    client.force_login(world.g1_reporter)
    link = reverse("reporting:submission", args=[s.pk])
    for page in ("core:dashboard", "reporting:index"):
        body = client.get(reverse(page)).content.decode()
        assert "Nyligen inskickade" in body and link in body
    assert "Du hittar rapporten igen under" in client.get(link).content.decode()


def test_an_approved_report_says_why_it_is_read_only(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world, roots=[world.gavle])
    s = Submission.objects.get(instance__round=round_, organisation=world.g1)
    services.submission_submit(actor=world.g1_reporter, submission=s, data=GOOD)
    services.submission_approve(actor=world.gavle_coord, submission=s)
    client.force_login(world.g1_reporter)
    body = client.get(reverse("reporting:submission", args=[s.pk])).content.decode()
    assert "Rapporten är godkänd och kan inte längre ändras." in body
    assert "Gävle har granskat och godkänt den" in body
    assert 'id="answer-form"' not in body


def test_index_lists_my_open_requests(client: Client, world: SimpleNamespace) -> None:
    issue(world)
    body = as_user(client, world.g1_reporter).get(reverse("reporting:index")).content.decode()
    assert "Gävle äldreboende" in body and "Sandviken äldreboende" not in body


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
