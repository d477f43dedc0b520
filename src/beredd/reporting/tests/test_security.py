"""Security review fixes: no draft over a submitted report, values from versions, on-behalf limits, pictures."""

from __future__ import annotations

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
from beredd.reporting.tests.conftest import GOOD, Cast, issue
from beredd.reporting.tests.test_api import bearer, url
from beredd.reporting.tests.test_views import as_user, post_answers


def sub(cast: Cast, round_: Any, org: Any) -> Submission:
    return Submission.objects.get(instance__round=round_, organisation=org)


# --- 1. A submitted report has no draft; reviews and exports show the submitted version -------------------


def test_a_submitted_report_cannot_be_saved_as_a_draft(cast: Cast) -> None:
    round_ = issue(cast)
    s, _v, _c = services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, cast.units["g1"]), data=GOOD)
    with pytest.raises(InvalidStateError):
        services.submission_save_draft(actor=cast.users["g1"], submission=s, data=GOOD | {"staff_total": 99})
    s.refresh_from_db()
    assert s.status == "submitted" and s.draft["staff_total"] == 20
    assert s.versions.count() == 1
    # Revising after submit still works: as a new immutable version, audited.
    s, v2, created = services.submission_submit(actor=cast.users["g1"], submission=s, data=GOOD | {"staff_total": 30})
    assert created and v2.number == 2 and v2.data["staff_total"] == 30
    assert AuditEvent.objects.filter(action="submission.submit").count() == 2


@pytest.mark.parametrize("status", ["not_started", "draft", "returned"])
def test_drafts_are_allowed_before_submit_and_after_return(cast: Cast, status: str) -> None:
    round_ = issue(cast)
    s = sub(cast, round_, cast.units["g1"])
    Submission.objects.filter(pk=s.pk).update(status=status)
    s = services.submission_save_draft(actor=cast.users["g1"], submission=s, data={"staff_total": 5})
    assert s.draft["staff_total"] == 5


def test_the_api_refuses_a_draft_over_a_submitted_report_with_409(client: Client, cast: Cast) -> None:
    instance = issue(cast).instances.get()
    headers = bearer(cast.users["g1"])
    assert (
        client.post(url(instance, cast.units["g1"]), {"answers": GOOD}, content_type="application/json", **headers).status_code
        == 201
    )
    response = client.put(
        url(instance, cast.units["g1"], "/draft"),
        {"answers": GOOD | {"staff_total": 99}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid_state"
    assert Submission.objects.get(instance=instance, organisation=cast.units["g1"]).draft["staff_total"] == 20


def test_autosave_on_a_submitted_report_saves_nothing(client: Client, cast: Cast) -> None:
    round_ = issue(cast)
    s, _v, _c = services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, cast.units["g1"]), data=GOOD)
    response = as_user(client, cast.users["g1"]).post(
        reverse("reporting:autosave", args=[s.pk]), post_answers(GOOD | {"staff_total": 99}, action="save")
    )
    assert response.status_code == 200
    s.refresh_from_db()
    assert s.draft["staff_total"] == 20 and s.lock_version == 1
    page = client.get(reverse("reporting:submission", args=[s.pk])).content.decode()
    assert "hx-post" not in page  # no autosave on a submitted report; it is revised by submitting again


def test_review_page_and_export_show_the_latest_submitted_version_not_the_draft(client: Client, cast: Cast) -> None:
    round_ = issue(cast)
    s, _v, _c = services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, cast.units["g1"]), data=GOOD)
    s, v2, _c = services.submission_submit(actor=cast.users["g1"], submission=s, data=GOOD | {"staff_total": 31})
    # Whatever ends up in the draft column (e.g. a write from before this fix), it is never shown as submitted.
    Submission.objects.filter(pk=s.pk).update(draft=GOOD | {"staff_total": 777})
    header, rows = exports.answers_table(instance=s.instance, org_path=cast.ref["gavle"].path)
    row = dict(zip(header, next(r for r in rows if r[0] == cast.units["g1"].name), strict=True))
    assert row["staff_total"] == v2.data["staff_total"] == 31
    assert row["staff_absent"] == v2.data["staff_absent"]
    page = as_user(client, cast.users["gavle"]).get(reverse("reporting:submission", args=[s.pk])).content.decode()
    assert 'value="31"' in page and "777" not in page


# --- 2. On-behalf: the recipient itself, or the kommun for its units; review by the direct parent only ---------


def test_a_county_coordinator_cannot_answer_for_a_unit(cast: Cast) -> None:
    round_ = issue(cast)
    s = sub(cast, round_, cast.units["g1"])
    for who in ("lan", "national"):
        with pytest.raises(NotFoundError):
            services.submission_save_draft(actor=cast.users[who], submission=s, data={"staff_total": 1})
        with pytest.raises(NotFoundError):
            services.submission_submit(actor=cast.users[who], submission=s, data=GOOD)
        with pytest.raises(NotFoundError):
            selectors.submission_for_recipient(user=cast.users[who], instance=s.instance, org_id=cast.units["g1"].pk)
    assert not SubmissionVersion.objects.exists()
    assert not [x for x in selectors.open_requests_for_user(user=cast.users["lan"]) if x.organisation_id == cast.units["g1"].pk]


def test_a_county_coordinator_cannot_answer_for_a_kommun(cast: Cast) -> None:
    round_ = issue(cast, responder="kommun", roots=[cast.ref["gavleborg"]])
    s = sub(cast, round_, cast.ref["gavle"])
    with pytest.raises(NotFoundError):
        services.submission_submit(actor=cast.users["lan"], submission=s, data=GOOD)
    with pytest.raises(NotFoundError):
        services.submission_save_draft(actor=cast.users["lan"], submission=s, data={"staff_total": 1})
    assert selectors.open_requests_for_user(user=cast.users["lan"]) == []


def test_the_api_refuses_a_county_token_answering_for_a_unit(client: Client, cast: Cast) -> None:
    instance = issue(cast).instances.get()
    response = client.post(
        url(instance, cast.units["g1"]), {"answers": GOOD}, content_type="application/json", **bearer(cast.users["lan"])
    )
    assert response.status_code == 404
    assert Submission.objects.get(instance=instance, organisation=cast.units["g1"]).status == "not_started"


def test_the_kommun_answers_on_behalf_of_its_own_units_and_it_is_logged(cast: Cast) -> None:
    round_ = issue(cast)
    s = sub(cast, round_, cast.units["g1"])
    assert s in selectors.open_requests_for_user(user=cast.users["gavle"])
    _s, version, _c = services.submission_submit(actor=cast.users["gavle"], submission=s, data=GOOD)
    assert version.on_behalf
    assert AuditEvent.objects.filter(action="submission.submit_on_behalf").exists()


def test_only_the_direct_parent_reviews(cast: Cast) -> None:
    round_ = issue(cast)
    s, _v, _c = services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, cast.units["g1"]), data=GOOD)
    for who in ("lan", "national", "g1"):
        with pytest.raises(PermissionDeniedError):
            services.submission_approve(actor=cast.users[who], submission=s)
        with pytest.raises(PermissionDeniedError):
            services.submission_return(actor=cast.users[who], submission=s, comment="Nej")
    assert services.submission_approve(actor=cast.users["gavle"], submission=s).status == "approved"


def test_the_county_reviews_its_kommuner_but_a_kommun_not_itself(cast: Cast) -> None:
    round_ = issue(cast, responder="kommun", roots=[cast.ref["gavleborg"]])
    s, _v, _c = services.submission_submit(actor=cast.users["gavle"], submission=sub(cast, round_, cast.ref["gavle"]), data=GOOD)
    for who in ("gavle", "national", "uppsala"):
        with pytest.raises(PermissionDeniedError):
            services.submission_approve(actor=cast.users[who], submission=s)
    assert services.submission_approve(actor=cast.users["lan"], submission=s).status == "approved"


def test_the_review_form_is_offered_only_to_the_direct_parent(client: Client, cast: Cast) -> None:
    round_ = issue(cast)
    s, _v, _c = services.submission_submit(actor=cast.users["g1"], submission=sub(cast, round_, cast.units["g1"]), data=GOOD)
    review_urls = [reverse(f"reporting:submission-{name}", args=[s.pk]) for name in ("approve", "return")]
    assert all(
        url in as_user(client, cast.users["gavle"]).get(reverse("reporting:submission", args=[s.pk])).content.decode()
        for url in review_urls
    )
    page = as_user(client, cast.users["lan"]).get(reverse("reporting:submission", args=[s.pk])).content.decode()
    assert not any(url in page for url in review_urls)
    assert client.post(review_urls[0]).status_code == 403
    assert client.post(review_urls[1], {"comment": "Fel"}).status_code == 403
    assert client.post(reverse("reporting:review", args=[s.pk]), {"action": "approve"}).status_code == 403
    s.refresh_from_db()
    assert s.status == "submitted"


def test_a_county_coordinator_cannot_delegate_for_a_kommun(cast: Cast) -> None:
    round_ = issue(cast, responder="kommun", roots=[cast.ref["gavleborg"]])
    s = sub(cast, round_, cast.ref["gavle"])
    with pytest.raises(PermissionDeniedError):
        services.submission_delegate(actor=cast.users["lan"], submission=s)
    assert len(services.submission_delegate(actor=cast.users["gavle"], submission=s)) == 2


# --- 3. Pictures: visibility follows current memberships, not authorship -------------------------------------


def test_an_unpublished_picture_is_no_longer_visible_to_its_author_after_the_membership_ends(cast: Cast) -> None:
    round_ = issue(cast)
    instance = round_.instances.get()
    author = cast.users["gavle"]
    picture = pictures.picture_save(
        actor=author, instance=instance, organisation=cast.ref["gavle"], data={"summary": "Utkast"}, numbers={}
    )
    assert selectors.pictures_for_user(user=author).filter(pk=picture.pk).exists()
    Membership.objects.filter(user=author).update(is_active=False)
    policy.forget(author)
    assert not selectors.pictures_for_user(user=author).filter(pk=picture.pk).exists()
    with pytest.raises(NotFoundError):
        selectors.picture_get_for_user(user=author, picture_id=picture.pk)
    # Not visible to a unit or a neighbouring kommun either while unpublished.
    for who in ("g1", "sandviken"):
        assert not selectors.pictures_for_user(user=cast.users[who]).filter(pk=picture.pk).exists()


# --- 4. Ingest: the first submit of a not-started report skips the version look-up, and stays idempotent -------


def test_a_first_api_submit_uses_few_queries_and_a_retry_is_still_replayed(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    instance = issue(cast).instances.get()
    headers = bearer(cast.users["g1"]) | {"HTTP_IDEMPOTENCY_KEY": "first"}
    target = url(instance, cast.units["g1"])
    warm = client.post(
        url(instance, cast.units["g2"]), {"answers": GOOD}, content_type="application/json", **bearer(cast.users["g2"])
    )
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
    assert SubmissionVersion.objects.filter(submission__organisation=cast.units["g1"]).count() == 1
    assert AuditEvent.objects.filter(action="submission.submit").count() == 2
