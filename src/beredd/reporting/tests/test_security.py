"""Security review fixes: no draft over a submitted report, values from versions, on-behalf limits, pictures."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.accounts import policy
from beredd.accounts.models import Membership
from beredd.core.exceptions import NotFoundError, PermissionDeniedError
from beredd.core.models import AuditEvent
from beredd.reporting import selectors
from beredd.reporting.exceptions import InvalidStateError
from beredd.reporting.models import Submission, SubmissionVersion
from beredd.reporting.services import exports, pictures
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import as_user, post_answers
from beredd.reporting.tests.test_api import bearer, url


def sub(world: SimpleNamespace, round_: Any, org: Any) -> Submission:
    return Submission.objects.get(instance__round=round_, organisation=org)


# --- 1. A submitted report has no draft; reviews and exports show the submitted version -------------------


def test_a_submitted_report_cannot_be_saved_as_a_draft(world: SimpleNamespace) -> None:
    round_ = issue(world)
    s, _v, _c = services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, world.g1), data=GOOD)
    with pytest.raises(InvalidStateError):
        services.submission_save_draft(actor=world.g1_reporter, submission=s, data=GOOD | {"staff_total": 99})
    s.refresh_from_db()
    assert s.status == "submitted" and s.draft["staff_total"] == 20
    assert s.versions.count() == 1
    # Revising after submit still works: as a new immutable version, audited.
    s, v2, created = services.submission_submit(actor=world.g1_reporter, submission=s, data=GOOD | {"staff_total": 30})
    assert created and v2.number == 2 and v2.data["staff_total"] == 30
    assert AuditEvent.objects.filter(action="submission.submit").count() == 2


@pytest.mark.parametrize("status", ["not_started", "draft", "returned"])
def test_drafts_are_allowed_before_submit_and_after_return(world: SimpleNamespace, status: str) -> None:
    round_ = issue(world)
    s = sub(world, round_, world.g1)
    Submission.objects.filter(pk=s.pk).update(status=status)
    s = services.submission_save_draft(actor=world.g1_reporter, submission=s, data={"staff_total": 5})
    assert s.draft["staff_total"] == 5


def test_the_api_refuses_a_draft_over_a_submitted_report_with_409(client: Client, world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    headers = bearer(world.g1_reporter)
    assert client.post(url(instance, world.g1), {"answers": GOOD}, content_type="application/json", **headers).status_code == 201
    response = client.put(
        url(instance, world.g1, "/draft"),
        {"answers": GOOD | {"staff_total": 99}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid_state"
    assert Submission.objects.get(instance=instance, organisation=world.g1).draft["staff_total"] == 20


def test_autosave_on_a_submitted_report_saves_nothing(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s, _v, _c = services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, world.g1), data=GOOD)
    response = as_user(client, world.g1_reporter).post(
        reverse("reporting:autosave", args=[s.pk]), post_answers(GOOD | {"staff_total": 99}, action="save")
    )
    assert response.status_code == 200
    s.refresh_from_db()
    assert s.draft["staff_total"] == 20 and s.lock_version == 1
    page = client.get(reverse("reporting:submission", args=[s.pk])).content.decode()
    assert "hx-post" not in page  # no autosave on a submitted report; it is revised by submitting again


def test_review_page_and_export_show_the_latest_submitted_version_not_the_draft(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s, _v, _c = services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, world.g1), data=GOOD)
    s, v2, _c = services.submission_submit(actor=world.g1_reporter, submission=s, data=GOOD | {"staff_total": 31})
    # Whatever ends up in the draft column (e.g. a write from before this fix), it is never shown as submitted.
    Submission.objects.filter(pk=s.pk).update(draft=GOOD | {"staff_total": 777})
    header, rows = exports.answers_table(instance=s.instance, org_path=world.gavle.path)
    row = dict(zip(header, next(r for r in rows if r[0] == world.g1.name), strict=True))
    assert row["staff_total"] == v2.data["staff_total"] == 31
    assert row["staff_absent"] == v2.data["staff_absent"]
    page = as_user(client, world.gavle_coord).get(reverse("reporting:submission", args=[s.pk])).content.decode()
    assert 'value="31"' in page and "777" not in page


# --- 2. On-behalf: the recipient itself, or the kommun for its units; review by the direct parent only ---------


def test_a_county_coordinator_cannot_answer_for_a_unit(world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, world.g1)
    for who in ("county", "national"):
        with pytest.raises(NotFoundError):
            services.submission_save_draft(actor=getattr(world, who), submission=s, data={"staff_total": 1})
        with pytest.raises(NotFoundError):
            services.submission_submit(actor=getattr(world, who), submission=s, data=GOOD)
        with pytest.raises(NotFoundError):
            selectors.submission_for_recipient(user=getattr(world, who), instance=s.instance, org_id=world.g1.pk)
    assert not SubmissionVersion.objects.exists()
    assert not [x for x in selectors.open_requests_for_user(user=world.county) if x.organisation_id == world.g1.pk]


def test_a_county_coordinator_cannot_answer_for_a_kommun(world: SimpleNamespace) -> None:
    round_ = issue(world, responder="kommun", roots=[world.lan])
    s = sub(world, round_, world.gavle)
    with pytest.raises(NotFoundError):
        services.submission_submit(actor=world.county, submission=s, data=GOOD)
    with pytest.raises(NotFoundError):
        services.submission_save_draft(actor=world.county, submission=s, data={"staff_total": 1})
    assert selectors.open_requests_for_user(user=world.county) == []


def test_the_api_refuses_a_county_token_answering_for_a_unit(client: Client, world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    response = client.post(url(instance, world.g1), {"answers": GOOD}, content_type="application/json", **bearer(world.county))
    assert response.status_code == 404
    assert Submission.objects.get(instance=instance, organisation=world.g1).status == "not_started"


def test_the_kommun_answers_on_behalf_of_its_own_units_and_it_is_logged(world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, world.g1)
    assert s in selectors.open_requests_for_user(user=world.gavle_coord)
    _s, version, _c = services.submission_submit(actor=world.gavle_coord, submission=s, data=GOOD)
    assert version.on_behalf
    assert AuditEvent.objects.filter(action="submission.submit_on_behalf").exists()


def test_only_the_direct_parent_reviews(world: SimpleNamespace) -> None:
    round_ = issue(world)
    s, _v, _c = services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, world.g1), data=GOOD)
    for who in ("county", "national", "g1_reporter"):
        with pytest.raises(PermissionDeniedError):
            services.submission_approve(actor=getattr(world, who), submission=s)
        with pytest.raises(PermissionDeniedError):
            services.submission_return(actor=getattr(world, who), submission=s, comment="Nej")
    assert services.submission_approve(actor=world.gavle_coord, submission=s).status == "approved"


def test_the_county_reviews_its_kommuner_but_a_kommun_not_itself(world: SimpleNamespace) -> None:
    round_ = issue(world, responder="kommun", roots=[world.lan])
    s, _v, _c = services.submission_submit(actor=world.gavle_coord, submission=sub(world, round_, world.gavle), data=GOOD)
    for who in ("gavle_coord", "national", "uppsala_county"):
        with pytest.raises(PermissionDeniedError):
            services.submission_approve(actor=getattr(world, who), submission=s)
    assert services.submission_approve(actor=world.county, submission=s).status == "approved"


def test_the_review_form_is_offered_only_to_the_direct_parent(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    s, _v, _c = services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, world.g1), data=GOOD)
    review_urls = [reverse(f"reporting:submission-{name}", args=[s.pk]) for name in ("approve", "return")]
    assert all(
        url in as_user(client, world.gavle_coord).get(reverse("reporting:submission", args=[s.pk])).content.decode()
        for url in review_urls
    )
    page = as_user(client, world.county).get(reverse("reporting:submission", args=[s.pk])).content.decode()
    assert not any(url in page for url in review_urls)
    assert client.post(review_urls[0]).status_code == 403
    assert client.post(review_urls[1], {"comment": "Fel"}).status_code == 403
    assert client.post(reverse("reporting:review", args=[s.pk]), {"action": "approve"}).status_code == 403
    s.refresh_from_db()
    assert s.status == "submitted"


def test_a_county_coordinator_cannot_delegate_for_a_kommun(world: SimpleNamespace) -> None:
    round_ = issue(world, responder="kommun", roots=[world.lan])
    s = sub(world, round_, world.gavle)
    with pytest.raises(PermissionDeniedError):
        services.submission_delegate(actor=world.county, submission=s)
    assert len(services.submission_delegate(actor=world.gavle_coord, submission=s)) == 2


# --- 3. Pictures: visibility follows current memberships, not authorship -------------------------------------


def test_an_unpublished_picture_is_no_longer_visible_to_its_author_after_the_membership_ends(world: SimpleNamespace) -> None:
    round_ = issue(world)
    instance = round_.instances.get()
    author = world.gavle_coord
    picture = pictures.picture_save(
        actor=author, instance=instance, organisation=world.gavle, data={"summary": "Utkast"}, numbers={}
    )
    assert selectors.pictures_for_user(user=author).filter(pk=picture.pk).exists()
    Membership.objects.filter(user=author).update(is_active=False)
    policy.forget(author)
    assert not selectors.pictures_for_user(user=author).filter(pk=picture.pk).exists()
    with pytest.raises(NotFoundError):
        selectors.picture_get_for_user(user=author, picture_id=picture.pk)
    # Not visible to a unit or a neighbouring kommun either while unpublished.
    for who in ("g1_reporter", "sandviken_coord"):
        assert not selectors.pictures_for_user(user=getattr(world, who)).filter(pk=picture.pk).exists()


# --- 4. Ingest: the first submit of a not-started report skips the version look-up, and stays idempotent -------


def test_a_first_api_submit_uses_few_queries_and_a_retry_is_still_replayed(
    client: Client, world: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    instance = issue(world).instances.get()
    headers = bearer(world.g1_reporter) | {"HTTP_IDEMPOTENCY_KEY": "first"}
    target = url(instance, world.g1)
    warm = client.post(url(instance, world.g2), {"answers": GOOD}, content_type="application/json", **bearer(world.g2_reporter))
    assert warm.status_code == 201  # (per-process caches, e.g. content types, are filled)
    # token, token touch, submission, lock, version, submission update, answers, audit (+ savepoints)
    with django_assert_max_num_queries(10):
        first = client.post(target, {"answers": GOOD}, content_type="application/json", **headers)
    assert first.status_code == 201
    again = client.post(target, {"answers": GOOD}, content_type="application/json", **headers)
    assert again.status_code == 200 and again.json()["replayed"]
    # The same key with other answers is refused (issue 9), never silently replayed.
    other = client.post(target, {"answers": GOOD | {"staff_total": 21}}, content_type="application/json", **headers)
    assert other.status_code == 422
    assert SubmissionVersion.objects.filter(submission__organisation=world.g1).count() == 1
    assert AuditEvent.objects.filter(action="submission.submit").count() == 2
