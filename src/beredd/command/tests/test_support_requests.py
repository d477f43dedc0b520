"""Support requests: the story's chain (pledge, forward, merge, allocate, deliver), every step visible to the
requester, bad input, conflicts, and who may see and act."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from beredd.command import selectors
from beredd.command.models import LogEntry, RequestStep, SupportRequest
from beredd.command.services import requests as services
from beredd.command.tests.helpers import need
from beredd.core.exceptions import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _create(world: Any, **overrides: Any) -> SupportRequest:
    return services.request_create(actor=world.reporter, requester=world.home, values=need(**overrides))[0]


def test_the_unit_asks_and_its_kommun_holds_the_request(world: Any) -> None:
    req = _create(world)
    assert req.holder == world.gavle and req.status == "open" and req.remaining == 400
    assert [s.kind for s in req.steps.all()] == ["created"]
    assert AuditEvent.objects.filter(action="command.request_create", target_id=str(req.pk)).exists()
    assert LogEntry.objects.filter(organisation=world.home, is_automatic=True).exists()


def test_the_whole_chain_reaches_the_unit_with_who_and_when(world: Any) -> None:
    masks = _create(world)
    other = services.request_create(
        actor=world.sandviken_coord, requester=world.sandviken, values=need(quantity=300, delivery_point="Sandvikens depå")
    )[0]
    assert other.holder == world.lan
    services.request_pledge(actor=world.gavle_coord, request=masks, quantity=100, note="Ur eget förråd", expected_version=1)
    masks.refresh_from_db()
    assert masks.covered == 100 and masks.remaining == 300
    services.request_forward(actor=world.gavle_coord, request=masks, to=world.lan, expected_version=masks.version)
    masks.refresh_from_db()
    assert masks.holder == world.lan and masks.status == "forwarded"
    joint = services.request_merge(
        actor=world.county,
        requests=[masks, other],
        to=world.nation,
        values={"delivery_point": "Omlastningsplats Gävle hamn", "contact": "TiB Länsstyrelsen, 010-225 10 00"},
    )
    assert joint.requester == world.lan and joint.holder == world.nation and joint.quantity == 600
    assert joint.priority == "acute"
    masks.refresh_from_db()
    assert masks.status == "merged" and masks.merged_into == joint
    services.request_allocate(actor=world.national, request=joint, quantity=600, supplier=world.uppsala_lan)
    joint.refresh_from_db()
    assert joint.status == "allocated"
    services.request_deliver(actor=world.national, request=joint, note="Levererat till omlastningsplatsen")
    masks.refresh_from_db()
    assert masks.status == "delivered"
    kinds = [(s.kind, s.actor_org.name) for s in selectors.request_steps(masks)]
    assert kinds == [
        ("created", "Strömsbro äldreboende"),
        ("pledged", "Gävle"),
        ("forwarded", "Gävle"),
        ("created", "Gävleborgs län"),
        ("merged", "Gävleborgs län"),
        ("allocated", "Sverige"),
        ("delivered", "Sverige"),
    ]
    # The unit's reporter sees its request page with the national allocation and the delivery point.
    assert selectors.request_get_for_user(user=world.reporter, request_id=masks.pk) == masks


def test_the_request_page_shows_the_unit_every_step(world: Any, client: Any) -> None:
    masks = _create(world)
    services.request_pledge(actor=world.gavle_coord, request=masks, quantity=100)
    services.request_forward(actor=world.gavle_coord, request=masks, to=world.lan)
    client.force_login(world.reporter)
    body = client.get(reverse("command:request", args=[masks.pk])).content.decode()
    assert "Gävleborgs län" in body and "100" in body and world.gavle_coord.email in body or "Test User" in body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"quantity": "många"}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"needed_by": -dt.timedelta(hours=1)}, "needed_by"),  # an hour ago, computed in the test (not at collection)
        ({"needed_by": "snart"}, "needed_by"),
        ({"item": "unicorn"}, "item"),
        ({"item": "staff", "competence": ""}, "competence"),
        ({"unit": ""}, "unit"),
        ({"delivery_point": ""}, "delivery_point"),
        ({"contact": ""}, "contact"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world: Any, overrides: dict[str, Any], field: str) -> None:
    overrides = {k: timezone.now() + v if isinstance(v, dt.timedelta) else v for k, v in overrides.items()}
    with pytest.raises(ValidationFailed) as exc:
        _create(world, **overrides)
    assert field in [d["field"] for d in exc.value.details]
    assert not SupportRequest.objects.exists() and not RequestStep.objects.exists()


def test_a_pledge_larger_than_the_remaining_need_is_refused(world: Any) -> None:
    req = _create(world, quantity=10)
    services.request_pledge(actor=world.gavle_coord, request=req, quantity=6)
    with pytest.raises(ValidationFailed) as exc:
        services.request_pledge(actor=world.gavle_coord, request=req, quantity=5)
    assert exc.value.details[0]["field"] == "quantity" and "4" in exc.value.details[0]["message"]
    req.refresh_from_db()
    assert req.covered == 6 and req.steps.filter(kind="pledged").count() == 1


def test_forwarding_only_goes_to_an_ancestor(world: Any) -> None:
    req = _create(world)
    for wrong in (world.sandviken, world.uppsala_lan, world.home, world.gavle):
        with pytest.raises(ValidationFailed) as exc:
            services.request_forward(actor=world.gavle_coord, request=req, to=wrong)
        assert exc.value.details[0]["field"] == "to"
    req.refresh_from_db()
    assert req.holder == world.gavle and req.version == 1


def test_merging_a_request_from_outside_the_subtree_is_refused(world: Any, make_unit: Any) -> None:
    ours = services.request_create(actor=world.gavle_coord, requester=world.gavle, values=need())[0]
    theirs = services.request_create(actor=world.uppsala_county, requester=world.uppsala, values=need())[0]
    with pytest.raises((ValidationFailed, PermissionDeniedError)):
        services.request_merge(
            actor=world.county, requests=[ours, theirs], to=world.nation, values={"delivery_point": "x", "contact": "y"}
        )
    assert SupportRequest.objects.count() == 2 and not SupportRequest.objects.filter(merged_into__isnull=False).exists()


def test_merging_different_items_is_refused(world: Any) -> None:
    a = services.request_create(actor=world.gavle_coord, requester=world.gavle, values=need())[0]
    b = services.request_create(actor=world.sandviken_coord, requester=world.sandviken, values=need(item="generator", unit="st"))[
        0
    ]
    with pytest.raises(ValidationFailed) as exc:
        services.request_merge(
            actor=world.county, requests=[a, b], to=world.nation, values={"delivery_point": "x", "contact": "y"}
        )
    assert exc.value.details[0]["field"] == "requests"


def test_two_coordinators_at_once_the_second_gets_a_conflict_and_no_step_is_lost(world: Any) -> None:
    req = _create(world)
    seen = req.version
    services.request_pledge(actor=world.gavle_coord, request=req, quantity=100, expected_version=seen)
    with pytest.raises(ConflictError):
        services.request_pledge(actor=world.county, request=req, quantity=50, expected_version=seen)
    req.refresh_from_db()
    assert req.covered == 100 and req.steps.filter(kind="pledged").count() == 1


def test_decline_needs_a_reason_and_close_ends_it(world: Any) -> None:
    req = _create(world)
    with pytest.raises(ValidationFailed) as exc:
        services.request_decline(actor=world.gavle_coord, request=req, reason=" ")
    assert exc.value.details[0]["field"] == "reason"
    services.request_decline(actor=world.gavle_coord, request=req, reason="Finns i regionens lager, kontakta regionen")
    req.refresh_from_db()
    assert req.status == "declined"
    services.request_close(actor=world.reporter, request=req)
    req.refresh_from_db()
    assert req.status == "closed"


def test_another_organisation_asked_to_pledge_sees_and_pledges(world: Any) -> None:
    req = _create(world)
    with pytest.raises(NotFoundError):
        selectors.request_get_for_user(user=world.sandviken_coord, request_id=req.pk)
    services.request_ask(actor=world.gavle_coord, request=req, org=world.sandviken, note="Har ni masker över?")
    assert selectors.request_get_for_user(user=world.sandviken_coord, request_id=req.pk) == req
    services.request_pledge(actor=world.sandviken_coord, request=req, quantity=50, pledger=world.sandviken)
    req.refresh_from_db()
    assert req.covered == 50


@pytest.mark.parametrize("who", ["outsider", "sandviken_coord", "uppsala_county"])
def test_others_do_not_see_the_request(world: Any, who: str) -> None:
    req = _create(world)
    with pytest.raises(NotFoundError):
        selectors.request_get_for_user(user=getattr(world, who), request_id=req.pk)


@pytest.mark.parametrize("who", ["reporter", "gavle_viewer", "sandviken_coord", "outsider"])
def test_only_the_holders_coordinators_may_pledge_forward_or_decline(world: Any, who: str) -> None:
    req = _create(world)
    user = getattr(world, who)
    with pytest.raises(PermissionDeniedError):
        services.request_pledge(actor=user, request=req, quantity=1)
    with pytest.raises(PermissionDeniedError):
        services.request_forward(actor=user, request=req, to=world.lan)
    with pytest.raises(PermissionDeniedError):
        services.request_decline(actor=user, request=req, reason="Nej")
    req.refresh_from_db()
    assert req.version == 1 and req.covered == 0


def test_a_viewer_may_not_ask_for_support(world: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.request_create(actor=world.gavle_viewer, requester=world.gavle, values=need())


def test_open_needs_sum_per_item_and_priority_without_counting_merged_twice(world: Any, client: Any) -> None:
    a = _create(world)
    services.request_pledge(actor=world.gavle_coord, request=a, quantity=100)
    services.request_forward(actor=world.gavle_coord, request=a, to=world.lan)
    b = services.request_create(actor=world.sandviken_coord, requester=world.sandviken, values=need(quantity=300))[0]
    services.request_create(
        actor=world.sandviken_coord, requester=world.sandviken, values=need(item="generator", quantity=2, priority="high")
    )
    rows = selectors.open_needs(user=world.county, org=world.lan)
    by = {(r["item"], r["priority"]): r for r in rows}
    assert by[("ffp2", "acute")]["remaining"] == 600 and by[("ffp2", "acute")]["requests"] == 2
    services.request_merge(actor=world.county, requests=[a, b], to=world.nation, values={"delivery_point": "x", "contact": "y"})
    rows = selectors.open_needs(user=world.national_viewer, org=world.nation)
    by = {(r["item"], r["priority"]): r for r in rows}
    assert by[("ffp2", "acute")]["remaining"] == 600 and by[("ffp2", "acute")]["requests"] == 1
    client.force_login(world.county)
    response = client.get(reverse("command:needs"), {"org": world.lan.pk, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    response = client.get(reverse("command:needs"), {"org": world.lan.pk, "format": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_the_export_neutralises_text_a_spreadsheet_would_run(world: Any, client: Any) -> None:
    services.request_create(actor=world.gavle_coord, requester=world.gavle, values=need(unit='=HYPERLINK("x")'))
    client.force_login(world.county)
    text = client.get(reverse("command:needs"), {"org": world.lan.pk, "format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text and "''=" not in text


def test_the_needs_board_refuses_an_outsider(world: Any, client: Any) -> None:
    client.force_login(world.outsider)
    assert client.get(reverse("command:needs"), {"org": world.lan.pk}).status_code == 404
    assert client.get(reverse("command:needs"), {"org": world.lan.pk, "format": "csv"}).status_code == 404


def test_the_request_form_names_the_bad_field(world: Any, client: Any) -> None:
    client.force_login(world.reporter)
    url = reverse("command:request-create", args=[world.home.pk])
    response = client.post(
        url,
        {
            "item": "ffp2",
            "quantity": "noll",
            "unit": "st",
            "priority": "acute",
            "needed_by": "2020-01-01T10:00",
            "delivery_point": "x",
            "contact": "y",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'href="#id_quantity"' in body and 'href="#id_needed_by"' in body
    assert not SupportRequest.objects.exists()
    future = timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "item": "ffp2",
            "quantity": "400",
            "unit": "st",
            "priority": "acute",
            "needed_by": future,
            "delivery_point": "x",
            "contact": "y",
        },
    )
    assert response.status_code == 302 and SupportRequest.objects.count() == 1


def test_acting_through_the_page_with_a_stale_version_shows_a_conflict(world: Any, client: Any) -> None:
    req = _create(world)
    services.request_pledge(actor=world.county, request=req, quantity=10)
    client.force_login(world.gavle_coord)
    response = client.post(reverse("command:request-pledge", args=[req.pk]), {"pledge-quantity": "5", "pledge-version": "1"})
    assert response.status_code == 200 and "inget sparades" in response.content.decode().lower()
    req.refresh_from_db()
    assert req.covered == 10


def test_a_reporter_cannot_post_a_holders_action_through_the_page(world: Any, client: Any) -> None:
    req = _create(world)
    client.force_login(world.reporter)
    response = client.post(reverse("command:request-pledge", args=[req.pk]), {"pledge-quantity": "5", "pledge-version": "1"})
    assert response.status_code == 404
    req.refresh_from_db()
    assert req.covered == 0


def test_each_action_of_the_page_posts_to_its_own_view_for_the_roles_that_take_it(world: Any, client: Any) -> None:
    req = _create(world)
    page = reverse("command:request", args=[req.pk])
    client.force_login(world.gavle_coord)  # the holder's handler
    body = client.get(page).content.decode()
    for name in ("pledge", "forward", "ask", "allocate", "decline", "close"):
        assert f'action="{reverse(f"command:request-{name}", args=[req.pk])}"' in body, name
    assert client.post(page, {"pledge-quantity": "5", "pledge-version": "1"}).status_code == 405
    forwarded = client.post(reverse("command:request-forward", args=[req.pk]), {"fwd-to": world.lan.pk, "fwd-version": "1"})
    assert forwarded.status_code == 302 and forwarded["Location"] == page
    req.refresh_from_db()
    assert req.holder == world.lan
    client.force_login(world.reporter)  # the requester closes, and takes no holder's action
    assert client.post(reverse("command:request-decline", args=[req.pk]), {"dec-version": req.version}).status_code == 404
    assert client.post(reverse("command:request-close", args=[req.pk]), {"cls-version": req.version}).status_code == 302
    req.refresh_from_db()
    assert req.status == "closed"
    client.force_login(world.outsider)
    assert client.post(reverse("command:request-close", args=[req.pk]), {"cls-version": req.version}).status_code == 404
