"""A library item can be linked to a meeting (by the forum's managers) or a planning direction (by its sender);
viewers see a linked item only if the library lets them; linking is audited and refused for the wrong person."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from beredd.collab import selectors
from beredd.collab.models import LibraryLink
from beredd.collab.services import directions
from beredd.collab.services import library as services
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent


@pytest.fixture
def items(world: SimpleNamespace) -> SimpleNamespace:
    county = services.library_publish(
        actor=world.analyst,
        publisher=world.lan,
        values={"kind": "link", "title": "Länets syrgasrutin", "url": "https://lansstyrelsen.test/syrgas"},
    )
    gavle_own = services.library_publish(
        actor=world.gavle_mas,
        publisher=world.gavle,
        values={"kind": "lesson", "title": "Gävles egna lärdomar", "summary": "Intern."},
    )
    return SimpleNamespace(county=county, gavle_own=gavle_own)


def test_the_forum_manager_links_an_item_and_members_see_what_the_library_lets_them(world: SimpleNamespace, items: Any) -> None:
    services.library_link_add(actor=world.analyst, item=items.county, target=world.meeting)
    services.library_link_add(actor=world.analyst, item=items.gavle_own, target=world.meeting)  # the county sees it
    assert selectors.library_links_for(user=world.gavle_coord, target=world.meeting) == [items.gavle_own, items.county]
    assert selectors.library_links_for(user=world.sandviken_coord, target=world.meeting) == [items.county]
    event = AuditEvent.objects.get(action="collab.library_link", changes__library_item=items.county.pk)
    assert event.organisation == world.lan
    with pytest.raises(ValidationFailed) as exc:
        services.library_link_add(actor=world.analyst, item=items.county, target=world.meeting)
    assert exc.value.details[0]["field"] == "item"
    assert LibraryLink.objects.count() == 2


def test_members_and_outsiders_cannot_link(world: SimpleNamespace, items: Any) -> None:
    for user in (world.gavle_coord, world.outsider):
        with pytest.raises(PermissionDeniedError):
            services.library_link_add(actor=user, item=items.county, target=world.meeting)
    assert not LibraryLink.objects.exists()


def test_the_direction_sender_links_through_the_page_and_others_are_refused(
    client: Client, world: SimpleNamespace, items: Any
) -> None:
    direction = directions.direction_publish(
        actor=world.analyst,
        sender=world.lan,
        values={
            "title": "Planera för 30 dagar utan leveranser",
            "text": "Planera.",
            "recipient_root": world.lan,
            "due_date": dt.date(2099, 3, 1),
        },
    )
    url = f"/samverkan/kunskapsbank/koppla/inriktning/{direction.pk}/"
    client.force_login(world.gavle_coord)
    assert client.post(url, {"item": items.county.pk}).status_code == 404
    client.force_login(world.analyst)
    page = client.get(f"/samverkan/inriktning/{direction.pk}/").content.decode()
    assert "Från kunskapsbanken" in page and url in page
    assert client.post(url, {"item": "nonsense"}).status_code == 302 and not LibraryLink.objects.exists()
    assert client.post(url, {"item": items.county.pk}).status_code == 302
    assert LibraryLink.objects.get().direction == direction
    client.force_login(world.gavle_coord)
    assert "Länets syrgasrutin" in client.get(f"/samverkan/inriktning/{direction.pk}/").content.decode()
    assert client.post(f"/samverkan/kunskapsbank/koppla/nagot/{direction.pk}/", {"item": items.county.pk}).status_code == 404


def test_the_meeting_page_shows_the_link_form_to_managers_only(client: Client, world: SimpleNamespace, items: Any) -> None:
    url = f"/samverkan/kunskapsbank/koppla/mote/{world.meeting.pk}/"
    client.force_login(world.gavle_coord)
    assert url not in client.get(f"/samverkan/mote/{world.meeting.pk}/").content.decode()
    assert client.post(url, {"item": items.county.pk}).status_code == 404
    client.force_login(world.analyst)
    assert url in client.get(f"/samverkan/mote/{world.meeting.pk}/").content.decode()
    assert client.post(url, {"item": items.county.pk}).status_code == 302
    assert LibraryLink.objects.get().meeting == world.meeting


def test_the_round_issuer_links_an_item_on_the_round_page_and_respondents_see_it(
    client: Client, world: SimpleNamespace, items: Any
) -> None:
    direction = directions.direction_publish(
        actor=world.analyst,
        sender=world.lan,
        values={"title": "Inventera reservkraft", "text": "Svara.", "recipient_root": world.lan, "due_date": dt.date(2099, 3, 1)},
    )
    round_ = direction.round  # a reporting round issued by the county
    url = f"/samverkan/kunskapsbank/koppla/omgang/{round_.pk}/"
    client.force_login(world.gavle_coord)  # a respondent: sees the round, may not link
    respondent_page = client.get(f"/lagesbild/omgangar/{round_.pk}/")
    assert respondent_page.status_code == 200 and url not in respondent_page.content.decode()
    assert client.post(url, {"item": items.county.pk}).status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.library_link_add(actor=world.gavle_coord, item=items.county, target=round_)
    client.force_login(world.analyst)
    assert url in client.get(f"/lagesbild/omgangar/{round_.pk}/").content.decode()
    assert client.post(url, {"item": items.county.pk}).status_code == 302
    link = LibraryLink.objects.get()
    assert link.round == round_ and link.meeting is None and link.direction is None
    assert AuditEvent.objects.filter(action="collab.library_link", organisation=world.lan).exists()
    client.force_login(world.gavle_coord)
    page = client.get(f"/lagesbild/omgangar/{round_.pk}/").content.decode()
    assert "Länets syrgasrutin" in page


def test_a_template_editor_links_guidance_to_a_question_and_respondents_see_it_beside_the_question(
    client: Client, world: SimpleNamespace, items: Any
) -> None:
    from django.utils import timezone

    from beredd.reporting.models import Submission
    from beredd.reporting.services.rounds import RoundSpec, round_issue
    from beredd.reporting.services.templates import template_import

    version = template_import(
        actor=world.analyst,
        owner=world.lan,
        data={
            "key": "syrgas",
            "name": "Syrgas vid elavbrott",
            "fields": [{"key": "oxygen_plan", "label_sv": "Finns rutin för syrgas vid långvarigt elavbrott?", "type": "yes_no"}],
        },
        publish=True,
    )
    question = version.fields.get()
    url = f"/samverkan/kunskapsbank/koppla-fraga/{version.pk}/"
    client.force_login(world.gavle_coord)  # may answer, may not edit the county's template
    assert client.post(url, {"field": question.pk, "item": items.county.pk}).status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.library_link_add(actor=world.gavle_coord, item=items.county, target=question)
    client.force_login(world.analyst)
    page = client.get(f"/lagesbild/mallar/{version.pk}/").content.decode()
    assert "Vägledning från kunskapsbanken per fråga" in page and url in page
    assert client.post(url, {"field": "999999999", "item": items.county.pk}).status_code == 302
    assert not LibraryLink.objects.exists()  # a question of another template is refused
    assert client.post(url, {"field": question.pk, "item": items.county.pk}).status_code == 302
    assert LibraryLink.objects.get().field == question
    assert AuditEvent.objects.filter(action="collab.library_link", organisation=world.lan).exists()
    round_ = round_issue(
        actor=world.analyst,
        issuer=world.lan,
        spec=RoundSpec(title="Syrgas", template_version=version, deadline=timezone.now() + dt.timedelta(days=2)),
    )
    submission = Submission.objects.get(instance__round=round_, organisation=world.gavle)
    client.force_login(world.gavle_coord)
    answer_page = client.get(f"/lagesbild/svar/{submission.pk}/").content.decode()
    assert "Vägledning" in answer_page and "Länets syrgasrutin" in answer_page
