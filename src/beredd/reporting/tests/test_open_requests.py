"""Dashboard and reporting index: every open request, nearest deadline first, with its issuer; a way back
to submitted reports; an approved report says why it is read-only."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.reporting.models import Round, Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, Cast, issue


def issue_at(cast: Cast, title: str, hours: int, responder: str) -> Round:
    now = timezone.now()
    spec = round_services.RoundSpec(
        title=title,
        template_version=cast.templates["vaermebolja"],
        responder=responder,
        recipient_roots=[cast.ref["gavle"].pk],
        as_of=now,
        deadline=now + dt.timedelta(hours=hours),
    )
    return round_services.round_issue(actor=cast.users["national"], issuer=cast.ref["nation"], spec=spec)


def test_the_dashboard_shows_every_open_request_by_deadline_with_the_issuer(client: Client, cast: Cast) -> None:
    # Six unit rounds due first, the kommun's own national request last: it used to hide behind five.
    for n in range(6):
        issue_at(cast, f"Enhetsrapport {n}", 2 + n, "unit")
    issue_at(cast, "Kommunens egen rapport", 40, "kommun")
    client.force_login(cast.users["gavle"])
    body = client.get(reverse("core:dashboard")).content.decode()
    titles = re.findall(r"(Enhetsrapport \d|Kommunens egen rapport) #1 – ([^<]+)</a>", body)
    assert len(titles) == 13  # 6 rounds x 2 units + the kommun's own
    assert titles[-1] == ("Kommunens egen rapport", "Gävle")
    assert [t for t, _o in titles[:12:2]] == [f"Enhetsrapport {n}" for n in range(6)]
    assert "13 öppna förfrågningar" in body
    assert body.count("Utfärdad av Sverige") == 13


def test_the_index_pages_open_requests_and_lists_submitted_reports(client: Client, cast: Cast) -> None:
    for n in range(26):
        issue_at(cast, f"Runda {n}", 2 + n, "unit")
    client.force_login(cast.users["gavle"])
    first = client.get(reverse("reporting:index")).content.decode()
    assert "Mina öppna förfrågningar (52)" in first and "Sida 1 av 2" in first
    assert first.count("Utfärdad av Sverige") == 50
    second = client.get(reverse("reporting:index") + "?page=2").content.decode()
    assert second.count("Utfärdad av Sverige") == 2 and "Runda 25 #1" in second


def test_after_submitting_the_reporter_finds_the_report_again(client: Client, cast: Cast) -> None:
    round_ = issue(cast, roots=[cast.ref["gavle"]])
    s = Submission.objects.get(instance__round=round_, organisation=cast.units["g1"])
    services.submission_submit(actor=cast.users["g1"], submission=s, data=GOOD)
    client.force_login(cast.users["g1"])
    link = reverse("reporting:submission", args=[s.pk])
    for page in ("core:dashboard", "reporting:index"):
        body = client.get(reverse(page)).content.decode()
        assert "Nyligen inskickade" in body and link in body
    assert "Du hittar rapporten igen under" in client.get(link).content.decode()


def test_an_approved_report_says_why_it_is_read_only(client: Client, cast: Cast) -> None:
    round_ = issue(cast, roots=[cast.ref["gavle"]])
    s = Submission.objects.get(instance__round=round_, organisation=cast.units["g1"])
    services.submission_submit(actor=cast.users["g1"], submission=s, data=GOOD)
    services.submission_approve(actor=cast.users["gavle"], submission=s)
    client.force_login(cast.users["g1"])
    body = client.get(reverse("reporting:submission", args=[s.pk])).content.decode()
    assert "Rapporten är godkänd och kan inte längre ändras." in body
    assert "Gävle har granskat och godkänt den" in body
    assert 'id="answer-form"' not in body
