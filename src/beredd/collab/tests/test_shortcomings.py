"""Issue 13 item 4: Hudiksvall raises a shortcoming; the county merges a similar one into it and lifts it to national;
the national answer reaches every raiser."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from beredd.collab import selectors
from beredd.collab.models import Shortcoming
from beredd.collab.services import shortcomings as services
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent
from beredd.orgs.models import Organisation

OXYGEN = {
    "title": "Ingen överenskommelse om syrgasförskrivning vid långvarigt elavbrott",
    "category": "agreements",
    "priority_area": "planering",
    "description": "Vem förskriver syrgas när elen är borta i flera dygn?",
}


@pytest.fixture
def hudiksvall(world: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    kommun = Organisation.objects.get(kind="kommun", code="2184")
    national = make_user(Organisation.objects.get(kind="nation"), "national_admin", email="nationell@sos.test")
    return SimpleNamespace(
        kommun=kommun, coord=make_user(kommun, "coordinator", email="samordnare@hudiksvall.test"), national=national
    )


def test_the_answer_from_national_reaches_every_raiser(
    world: SimpleNamespace, hudiksvall: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    item = services.shortcoming_raise(actor=hudiksvall.coord, raised_by=hudiksvall.kommun, values=OXYGEN)
    assert item.level == world.lan and item.status == "open"
    same = services.shortcoming_raise(actor=world.sandviken_coord, raised_by=world.sandviken, values=OXYGEN | {"title": "Syrgas"})
    services.shortcoming_merge(actor=world.analyst, item=same, into=item)
    nation = Organisation.objects.get(kind="nation")
    services.shortcoming_lift(actor=world.analyst, item=item, to=nation)
    item.refresh_from_db()
    same.refresh_from_db()
    assert item.level == nation and item.status == "lifted" and same.level == nation
    with pytest.raises(PermissionDeniedError):  # the county no longer holds it
        services.shortcoming_answer(actor=world.analyst, item=item, answer="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.shortcoming_answer(
            actor=hudiksvall.national, item=item, answer="Regionen ansvarar; nationell vägledning kommer."
        )
    same.refresh_from_db()
    assert same.answer.startswith("Regionen ansvarar")
    recipients = {m.to[0] for m in mail.outbox}
    assert {"samordnare@hudiksvall.test", "samordnare@sandviken.test"} <= recipients
    assert "samordnare@gavle.test" not in recipients
    assert AuditEvent.objects.filter(action__startswith="collab.shortcoming_").count() == 5


def test_lifting_to_a_level_that_is_not_an_ancestor_is_refused(
    world: SimpleNamespace, hudiksvall: SimpleNamespace, ref: dict
) -> None:
    item = services.shortcoming_raise(actor=hudiksvall.coord, raised_by=hudiksvall.kommun, values=OXYGEN)
    for wrong in (ref["uppsala_lan"], world.lan, hudiksvall.kommun, None):
        with pytest.raises(ValidationFailed) as exc:
            services.shortcoming_lift(actor=world.analyst, item=item, to=wrong)
        assert {d["field"] for d in exc.value.details} == {"to"}
    item.refresh_from_db()
    assert item.level == world.lan and item.status == "open"


def test_bad_input_names_the_field(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.shortcoming_raise(actor=world.gavle_coord, raised_by=world.gavle, values={"category": "x", "priority_area": "y"})
    assert {d["field"] for d in exc.value.details} == {"category", "priority_area", "title", "description"}
    assert not Shortcoming.objects.exists()


def test_the_raiser_cannot_handle_its_own_issue_and_others_cannot_see_it(
    world: SimpleNamespace, hudiksvall: SimpleNamespace, client: Client
) -> None:
    item = services.shortcoming_raise(actor=hudiksvall.coord, raised_by=hudiksvall.kommun, values=OXYGEN)
    with pytest.raises(PermissionDeniedError):
        services.shortcoming_answer(actor=hudiksvall.coord, item=item, answer="Själva")
    with pytest.raises(PermissionDeniedError):
        services.shortcoming_raise(actor=world.outsider, raised_by=hudiksvall.kommun, values=OXYGEN)
    url = f"/samverkan/brist/{item.pk}/"
    for user, code in ((world.outsider, 404), (world.gavle_coord, 404), (hudiksvall.coord, 200), (world.analyst, 200)):
        client.force_login(user)
        assert client.get(url).status_code == code, user.email
    client.force_login(hudiksvall.coord)
    assert client.post(url, {"form": "answer", "ans-answer": "x"}).status_code == 404


def test_the_list_filters_and_the_yearly_summary_counts_per_priority_area(
    world: SimpleNamespace, hudiksvall: SimpleNamespace, client: Client
) -> None:
    services.shortcoming_raise(actor=hudiksvall.coord, raised_by=hudiksvall.kommun, values=OXYGEN)
    services.shortcoming_raise(
        actor=world.gavle_coord,
        raised_by=world.gavle,
        values=OXYGEN | {"title": "Övning", "priority_area": "utbildning", "category": "resources"},
    )
    assert selectors.shortcomings_for_user(user=world.analyst, category="agreements").count() == 1
    assert selectors.shortcomings_for_user(user=world.analyst, held_by=world.lan).count() == 2
    assert selectors.shortcomings_for_user(user=world.analyst, query="Övning").count() == 1
    rows = {
        r["area"]: r
        for r in selectors.shortcoming_summary(user=world.analyst, org=world.lan, year=Shortcoming.objects.first().year)
    }
    assert len(rows) == 6
    assert sum(r["total"] for r in rows.values()) == 2
    client.force_login(world.analyst)
    body = client.get("/samverkan/brister/?area=utbildning").content.decode()
    assert "Övning" in body and "Ingen överenskommelse" not in body
    assert "Utbildning och övning" in client.get("/samverkan/brister/sammanstallning/").content.decode()
