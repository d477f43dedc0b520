"""Answer and roll-up downloads (CSV, XLSX): an exercise is marked ÖVNING, they hold only what the reader may see,
and the outsider is refused."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import as_user, sub


def test_exports_mark_exercises_and_refuse_outsiders(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world, is_exercise=True)
    services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    instance = round_.instances.get()
    as_user(client, world.gavle_coord)
    csv = client.get(reverse("reporting:export", args=[instance.pk, "answers", "csv"])).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("exercise;") and "ÖVNING" in csv and "Gävle äldreboende" in csv
    assert "Sandviken" not in csv
    xlsx = client.get(reverse("reporting:export", args=[instance.pk, "rollup", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        as_user(client, world.outsider).get(reverse("reporting:export", args=[instance.pk, "answers", "csv"])).status_code == 404
    )
