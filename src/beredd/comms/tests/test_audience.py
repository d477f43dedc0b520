"""A prepared message sent to an audience other than an incident area: the units' staff, private providers, the
kommuner below, or a collaboration forum's members, narrowed by role; nobody outside the sender's reach."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from beredd.collab.services import meetings as forums
from beredd.comms.models import Delivery
from beredd.comms.services import targeting
from beredd.core.exceptions import NotFoundError, PermissionDeniedError, ValidationFailed

FILL = {"tid": "kl. 18.00", "plats": "Söder", "telefon": "026-17 80 00"}


def _send(world: Any, prepared: Any, **kw: Any) -> Any:
    values = {"audience": "units", "roles": [], "forum_id": None, "fill": FILL} | kw
    return targeting.send_to_audience(actor=world.coord, bank_message=prepared, **values)


def test_units_reach_every_unit_s_staff_and_no_one_outside_the_kommun(world: Any, prepared: Any, make_user: Any) -> None:
    sandviken_unit_user = make_user(world.sandviken, "reporter", email="annan@sandviken.test")
    message = _send(world, prepared)
    to = {d.address for d in Delivery.objects.filter(message=message)}
    assert to == {world.reporter.email, world.provider.email}
    assert sandviken_unit_user.email not in to and world.coord.email not in to  # kommun staff are not unit staff
    assert {m.to[0] for m in mail.outbox} == to and all("Strömavbrott i Söder" in m.subject for m in mail.outbox)


def test_providers_get_their_staff_and_contact_address_and_roles_narrow(world: Any, prepared: Any) -> None:
    world.private.email = "kontakt@omsorgab.test"
    world.private.save()
    message = _send(world, prepared, audience="providers")
    assert {d.address for d in Delivery.objects.filter(message=message)} == {world.provider.email, "kontakt@omsorgab.test"}
    kommun_mas = _send(world, prepared, audience="kommuner", roles=["mas"])  # the kommun's own MAS, no one else
    assert {d.address for d in Delivery.objects.filter(message=kommun_mas)} == {world.mas.email}


def test_a_forum_s_members_and_its_external_participants(world: Any, prepared: Any) -> None:
    forum = forums.forum_create(actor=world.coord, owner=world.gavle, values={"name": "Krisledningsgruppen"})
    forums.member_add(
        actor=world.coord, forum=forum, values={"kind": "user", "user_email": world.mas.email, "email": world.mas.email}
    )
    forums.member_add(
        actor=world.coord, forum=forum, values={"kind": "external", "name": "Anna Region", "email": "anna@region.test"}
    )
    message = _send(world, prepared, audience="forum", forum_id=forum.pk)
    to = {d.address for d in Delivery.objects.filter(message=message)}
    assert "anna@region.test" in to and world.reporter.email not in to
    only_mas = _send(world, prepared, audience="forum", forum_id=forum.pk, roles=["mas"])
    assert "anna@region.test" not in {d.address for d in Delivery.objects.filter(message=only_mas)}


def test_refusals_bad_roles_a_hidden_forum_and_the_wrong_sender(world: Any, prepared: Any, ref: Any, make_user: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _send(world, prepared, roles=["superhero"])
    assert exc.value.details[0]["field"] == "roles"
    other = make_user(ref["sandviken"], "coordinator", email="s2@sandviken.test")
    hidden = forums.forum_create(actor=other, owner=world.sandviken, values={"name": "Sandvikens grupp"})
    with pytest.raises(NotFoundError):
        _send(world, prepared, audience="forum", forum_id=hidden.pk)
    with pytest.raises(PermissionDeniedError):
        targeting.send_to_audience(
            actor=world.outsider, bank_message=prepared, audience="units", roles=[], forum_id=None, fill=FILL
        )
    assert not Delivery.objects.exists() and not mail.outbox


def test_the_page_sends_and_refuses_the_outsider(world: Any, prepared: Any, client: Client) -> None:
    url = reverse("comms:send-audience", args=[prepared.pk])
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.coord)
    page = client.get(url)
    assert page.status_code == 200 and "Skicka till organisationer, roller eller ett forum" in page.content.decode()
    bad = client.post(url, {"audience": "units", "roles": ["superhero"], **FILL})
    assert bad.status_code == 400 and not Delivery.objects.exists()
    ok = client.post(url, {"audience": "units", **FILL})
    assert ok.status_code == 302 and Delivery.objects.filter(address=world.reporter.email).exists()


def test_the_api_sends_to_an_audience_and_refuses_the_wrong_person_and_bad_input(
    world: Any, prepared: Any, client: Client
) -> None:
    from beredd.comms.tests.test_api import auth

    url = f"/api/v1/comms/bank/{prepared.pk}/send-to"
    payload = {"audience": "units", **FILL}
    for user in (world.outsider, world.reporter):
        assert client.post(url, payload, content_type="application/json", **auth(user)).status_code == 404
    for bad in ({"audience": "everyone"}, {"roles": ["superhero"]}, {"plats": ""}):
        answer = client.post(url, payload | bad, content_type="application/json", **auth(world.coord))
        assert answer.status_code == 422, bad
    assert not Delivery.objects.exists()
    ok = client.post(url, payload, content_type="application/json", **auth(world.coord))
    assert ok.status_code == 201 and Delivery.objects.filter(message_id=ok.json(), address=world.reporter.email).exists()
