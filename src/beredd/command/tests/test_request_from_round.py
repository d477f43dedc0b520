"""A request made from the answers to the "begäran om stöd" template: prefilled, linked to the version, once."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from beredd.command.models import SupportRequest
from beredd.reporting.models import Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services.submissions import submission_submit
from beredd.reporting.services.templates import builtin_templates_install

# The needed-by time is a Swedish wall-clock time hours from now, and must lie ahead.
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_now]

ANSWERS = {
    "support_needed": "yes",
    "support_article": "Andningsskydd FFP2",
    "support_quantity": 400,
    "support_within": "48h",
    "support_delivery": "Gävle kommunförråd",
}


@pytest.fixture
def submitted(world: Any) -> Submission:
    versions = {v.template.key: v for v in builtin_templates_install(owner=world.nation)}
    now = timezone.now()
    spec = round_services.RoundSpec(
        title="Begäran om stöd vecka 49",
        template_version=versions["begaran-om-stod"],
        responder="kommun",
        recipient_roots=[world.gavle.pk],
        as_of=now,
        deadline=now + dt.timedelta(hours=20),
    )
    round_ = round_services.round_issue(actor=world.national, issuer=world.nation, spec=spec)
    submission = Submission.objects.get(instance__round=round_, organisation=world.gavle)
    submission_submit(actor=world.gavle_coord, submission=submission, data=ANSWERS)
    return submission


def test_the_form_starts_from_the_answers_and_the_request_keeps_the_link(world: Any, client: Any, submitted: Submission) -> None:
    client.force_login(world.gavle_coord)
    body = client.get(reverse("reporting:submission", args=[submitted.pk])).content.decode()
    url = reverse("command:request-create", args=[world.gavle.pk]) + f"?fran={submitted.pk}"
    assert url.replace("&", "&amp;") in body or url in body
    page = client.get(url).content.decode()
    assert 'value="400"' in page and "Gävle kommunförråd" in page and 'value="acute" selected' in page
    needed = timezone.localtime(timezone.now() + dt.timedelta(hours=47)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "item": "ffp2",
        "quantity": "400",
        "unit": "st",
        "priority": "acute",
        "needed_by": needed,
        "delivery_point": "Gävle kommunförråd",
        "contact": "Sara, 026-1",
    }
    assert client.post(url, form).status_code == 302
    req = SupportRequest.objects.get()
    assert req.source_version == submitted.versions.get() and req.holder == world.lan
    response = client.post(url, form)
    assert response.status_code == 200 and SupportRequest.objects.count() == 1  # once per submitted version


def test_someone_elses_answers_are_ignored(world: Any, client: Any, submitted: Submission) -> None:
    client.force_login(world.sandviken_coord)
    page = client.get(reverse("command:request-create", args=[world.sandviken.pk]) + f"?fran={submitted.pk}").content.decode()
    assert "Gävle kommunförråd" not in page
