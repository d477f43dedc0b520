"""The answer form: a unit submits and then sees the history; bad input is named per field and saves nothing; a
stale form gets a conflict page; autosave keeps the draft; a kommun's coordinator hands the form to its units;
other units, other kommuner, the outsider and a viewer may not post it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from beredd.reporting.models import Submission
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import as_user, post_answers, sub


def test_unit_submits_through_the_form_and_sees_history(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    as_user(client, world.g1_reporter)
    assert client.get(reverse("reporting:submission", args=[s.pk])).status_code == 200
    response = client.post(reverse("reporting:submission", args=[s.pk]), post_answers(GOOD, lock_version=0))
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == "submitted"
    assert client.get(reverse("reporting:history", args=[s.pk])).status_code == 200


def test_bad_input_shows_a_message_per_field_and_saves_nothing(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    response = as_user(client, world.g1_reporter).post(
        reverse("reporting:submission", args=[s.pk]), post_answers(GOOD | {"staff_total": "abc", "staff_absent": -1})
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="f-staff_total-err"' in body and 'id="f-staff_absent-err"' in body
    s.refresh_from_db()
    assert s.status == "not_started"


def test_a_stale_form_gets_a_conflict_page(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    services.submission_save_draft(actor=world.gavle_coord, submission=s, data={"staff_total": 9})
    response = as_user(client, world.g1_reporter).post(
        reverse("reporting:submission", args=[s.pk]), post_answers({"staff_total": 11}, action="save", lock_version=0)
    )
    assert response.status_code == 409
    s.refresh_from_db()
    assert s.draft == {"staff_total": 9}


def test_autosave_stores_the_draft(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    response = as_user(client, world.g1_reporter).post(
        reverse("reporting:autosave", args=[s.pk]), {"f-staff_total": "7", "lock_version": 0}
    )
    assert response.status_code == 200 and 'value="1"' in response.content.decode()
    s.refresh_from_db()
    assert s.draft == {"staff_total": 7} and s.status == "draft"


@pytest.mark.parametrize("who", ["g2_reporter", "s1_reporter", "sandviken_coord", "outsider"])
def test_others_cannot_see_a_units_form(client: Client, world: SimpleNamespace, who: str) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    assert as_user(client, getattr(world, who)).get(reverse("reporting:submission", args=[s.pk])).status_code == 404
    assert client.post(reverse("reporting:submission", args=[s.pk]), post_answers(GOOD)).status_code == 404


def test_a_viewer_in_the_kommun_sees_but_cannot_submit(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    as_user(client, world.gavle_viewer)
    assert client.get(reverse("reporting:submission", args=[s.pk])).status_code == 200
    assert client.post(reverse("reporting:submission", args=[s.pk]), post_answers(GOOD)).status_code == 404
    s.refresh_from_db()
    assert s.status == "not_started"


def test_autosave_refuses_other_units_and_reaching_up(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    for who in ("g2_reporter", "s1_reporter"):
        assert (
            as_user(client, getattr(world, who))
            .post(reverse("reporting:autosave", args=[s.pk]), {"f-staff_total": "1"})
            .status_code
            == 404
        )
    s.refresh_from_db()
    assert s.draft == {}


def test_a_kommun_coordinator_lets_units_answer_from_the_form(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world, key="bemanning", responder="kommun", roots=[world.gavle])
    gavle = Submission.objects.get(instance__round=round_, organisation=world.gavle)
    url = reverse("reporting:submission", args=[gavle.pk])
    assert as_user(client, world.g1_reporter).post(url, {"action": "delegate"}).status_code == 404
    assert as_user(client, world.sandviken_coord).post(url, {"action": "delegate"}).status_code == 404
    response = as_user(client, world.gavle_coord).post(url, {"action": "delegate"})
    assert response.status_code == 302
    assert Submission.objects.filter(delegated_from=gavle).count() == 2
    body = as_user(client, world.g1_reporter).get(reverse("reporting:index")).content.decode()
    assert "Gävle äldreboende" in body
