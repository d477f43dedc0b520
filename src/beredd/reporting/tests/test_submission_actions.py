"""Each thing the report page's forms do has its own POST view and URL; the page posts to them, the old single
URL still renders the page on GET and still accepts a form posted with an ``action`` (a page opened before)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.reporting.models import Round, Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import as_user, post_answers, sub

ACTIONS = [
    "submission-save",
    "submission-submit",
    "submission-prefill",
    "submission-prefill-units",
    "submission-delegate",
]


def _kommun_round(world: SimpleNamespace) -> tuple[Round, Submission]:
    round_ = issue(world, key="bemanning", responder="kommun", roots=[world.gavle])
    return round_, Submission.objects.get(instance__round=round_, organisation=world.gavle)


def test_the_answer_page_posts_each_button_to_its_own_url(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world, recurrence="hours", recurrence_hours=24)
    services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    second = round_services.instance_create_next(round_id=round_.pk, after_number=1)
    s2 = Submission.objects.get(instance=second, organisation=world.g1)
    body = as_user(client, world.g1_reporter).get(reverse("reporting:submission", args=[s2.pk])).content.decode()
    for name in ("submission-save", "submission-submit", "submission-prefill"):
        assert reverse(f"reporting:{name}", args=[s2.pk]) in body, name


def test_the_kommun_page_posts_delegate_and_prefill_to_their_urls(client: Client, world: SimpleNamespace) -> None:
    _round, gavle = _kommun_round(world)
    as_user(client, world.gavle_coord)
    page = reverse("reporting:submission", args=[gavle.pk])
    assert reverse("reporting:submission-delegate", args=[gavle.pk]) in client.get(page).content.decode()
    services.submission_delegate(actor=world.gavle_coord, submission=gavle)
    assert reverse("reporting:submission-prefill-units", args=[gavle.pk]) in client.get(page).content.decode()


def test_submit_submits_and_returns_to_the_report(client: Client, world: SimpleNamespace) -> None:
    s = sub(world, issue(world), "g1")
    response = as_user(client, world.g1_reporter).post(
        reverse("reporting:submission-submit", args=[s.pk]), post_answers(GOOD, lock_version=0)
    )
    assert response.status_code == 302 and response["Location"] == reverse("reporting:submission", args=[s.pk])
    s.refresh_from_db()
    assert s.status == "submitted"


def test_submit_with_bad_input_names_the_field_and_saves_nothing(client: Client, world: SimpleNamespace) -> None:
    s = sub(world, issue(world), "g1")
    response = as_user(client, world.g1_reporter).post(
        reverse("reporting:submission-submit", args=[s.pk]), post_answers(GOOD | {"staff_total": "abc"})
    )
    assert response.status_code == 422 and 'id="f-staff_total-err"' in response.content.decode()
    assert 'id="error-summary"' in response.content.decode()  # focus.js puts focus here
    s.refresh_from_db()
    assert s.status == "not_started"


def test_save_stores_the_draft_and_a_stale_save_gets_a_conflict(client: Client, world: SimpleNamespace) -> None:
    s = sub(world, issue(world), "g1")
    url = reverse("reporting:submission-save", args=[s.pk])
    as_user(client, world.g1_reporter)
    assert client.post(url, post_answers({"staff_total": 9}, lock_version=0)).status_code == 302
    s.refresh_from_db()
    assert s.draft == {"staff_total": 9} and s.status == "draft"
    response = client.post(url, post_answers({"staff_total": 11}, lock_version=0))
    assert response.status_code == 409
    s.refresh_from_db()
    assert s.draft == {"staff_total": 9}


def test_prefill_fills_in_last_reports_answers_without_saving(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world, recurrence="hours", recurrence_hours=24)
    services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    second = round_services.instance_create_next(round_id=round_.pk, after_number=1)
    s2 = Submission.objects.get(instance=second, organisation=world.g1)
    response = as_user(client, world.g1_reporter).post(reverse("reporting:submission-prefill", args=[s2.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="20"' in body and 'class="messages' in body  # the message takes focus (focus.js)
    s2.refresh_from_db()
    assert s2.status == "not_started" and s2.draft == {}


def test_delegate_and_prefill_from_units(client: Client, world: SimpleNamespace) -> None:
    _round, gavle = _kommun_round(world)
    as_user(client, world.gavle_coord)
    assert client.post(reverse("reporting:submission-delegate", args=[gavle.pk])).status_code == 302
    units = list(Submission.objects.filter(delegated_from=gavle))
    assert len(units) == 2
    for unit in units:
        data = {"staff_total": 10, "staff_absent": 1, "staffing_status": "green"}
        services.submission_submit(
            actor=world.g1_reporter if unit.organisation == world.g1 else world.g2_reporter, submission=unit, data=data
        )
    response = client.post(reverse("reporting:submission-prefill-units", args=[gavle.pk]))
    assert response.status_code == 200 and 'value="20"' in response.content.decode()
    gavle.refresh_from_db()
    assert gavle.status == "not_started"


@pytest.mark.parametrize("name", ACTIONS)
def test_the_action_urls_take_only_post(client: Client, world: SimpleNamespace, name: str) -> None:
    s = sub(world, issue(world), "g1")
    assert as_user(client, world.g1_reporter).get(reverse(f"reporting:{name}", args=[s.pk])).status_code == 405


@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("who", ["g2_reporter", "sandviken_coord", "outsider"])
def test_others_are_refused_every_action(client: Client, world: SimpleNamespace, name: str, who: str) -> None:
    s = sub(world, issue(world), "g1")
    response = as_user(client, getattr(world, who)).post(reverse(f"reporting:{name}", args=[s.pk]), post_answers(GOOD))
    assert response.status_code == 404
    s.refresh_from_db()
    assert s.status == "not_started" and s.draft == {}


@pytest.mark.parametrize("name", ["submission-save", "submission-submit", "submission-delegate"])
def test_a_viewer_cannot_write_through_any_action(client: Client, world: SimpleNamespace, name: str) -> None:
    _round, gavle = _kommun_round(world)
    response = as_user(client, world.gavle_viewer).post(reverse(f"reporting:{name}", args=[gavle.pk]), post_answers(GOOD))
    assert response.status_code in (403, 404)
    gavle.refresh_from_db()
    assert gavle.status == "not_started" and not Submission.objects.filter(delegated_from=gavle).exists()


def test_signed_out_is_sent_to_the_login_page(client: Client, world: SimpleNamespace) -> None:
    s = sub(world, issue(world), "g1")
    response = client.post(reverse("reporting:submission-submit", args=[s.pk]), post_answers(GOOD))
    assert response.status_code == 302 and "login" in response["Location"].lower()


@pytest.mark.parametrize(("action", "status"), [("submit", "submitted"), ("save", "draft"), ("", "draft")])
def test_the_old_url_still_accepts_a_posted_action(client: Client, world: SimpleNamespace, action: str, status: Any) -> None:
    s = sub(world, issue(world), "g1")
    data = post_answers(GOOD, action=action, lock_version=0)
    response = as_user(client, world.g1_reporter).post(reverse("reporting:submission", args=[s.pk]), data)
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == status


def test_approve_and_return_have_their_own_urls_and_only_the_parent_may_use_them(client: Client, world: SimpleNamespace) -> None:
    s, _v, _c = services.submission_submit(actor=world.g1_reporter, submission=sub(world, issue(world), "g1"), data=GOOD)
    approve = reverse("reporting:submission-approve", args=[s.pk])
    give_back = reverse("reporting:submission-return", args=[s.pk])
    assert as_user(client, world.g1_reporter).post(approve).status_code == 403
    assert as_user(client, world.gavle_coord).get(approve).status_code == 405
    response = client.post(give_back, {"comment": ""})  # no comment: a message, nothing changed
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == "submitted"
    assert client.post(give_back, {"comment": "Fel antal"}).status_code == 302
    s.refresh_from_db()
    assert s.status == "returned" and s.review_comment == "Fel antal"


def test_the_parent_approves_through_its_url(client: Client, world: SimpleNamespace) -> None:
    s, _v, _c = services.submission_submit(actor=world.g1_reporter, submission=sub(world, issue(world), "g1"), data=GOOD)
    response = as_user(client, world.gavle_coord).post(reverse("reporting:submission-approve", args=[s.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("reporting:submission", args=[s.pk])
    s.refresh_from_db()
    assert s.status == "approved"
