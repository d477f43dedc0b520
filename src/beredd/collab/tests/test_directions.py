"""Issue 13 item 3: a county publishes a planning direction to its kommuner, who acknowledge it on the reporting
engine; the sender sees n of m and reminds the rest."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from beredd.collab import selectors
from beredd.collab.models import Direction
from beredd.collab.services import directions as services
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent
from beredd.reporting.models import Submission
from beredd.reporting.services.submissions import submission_submit

pytestmark = pytest.mark.frozen_now  # due dates are days from today (Swedish date) and must lie ahead

VALUES = {
    "title": "Planera för 30 dagar utan leveranser",
    "text": "Socialstyrelsens inriktning: planera för 30 dagar utan leveranser av förbrukningsmaterial.",
    "scenario": "Långvarigt avbrott i varuförsörjningen",
    "requirement": "Beredskapslager för 30 dagar",
}


def _publish(world: SimpleNamespace, **extra: Any) -> Direction:
    values = VALUES | {"due_date": timezone.localdate() + dt.timedelta(days=30)} | extra
    return services.direction_publish(actor=world.analyst, sender=world.lan, values=values)


def _answer(direction: Direction, kommun: Any, user: Any) -> None:
    submission = Submission.objects.get(instance__round=direction.round, organisation=kommun)
    submission_submit(actor=user, submission=submission, data={"acknowledged": "yes", "application": "Vi ser över lagren."})


def test_a_direction_goes_to_every_kommun_of_the_county_and_completeness_counts_answers(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        direction = _publish(world)
    subs = Submission.objects.filter(instance__round=direction.round)
    assert subs.count() == 10 and set(subs.values_list("organisation__kind", flat=True)) == {"kommun"}
    assert any("samordnare@gavle.test" in m.to for m in mail.outbox)  # the engine's issue mail
    _answer(direction, world.gavle, world.gavle_coord)
    _answer(direction, world.sandviken, world.sandviken_coord)
    c = selectors.direction_completeness(direction=direction).total.completeness
    assert (c.answered, c.expected) == (2, 10)
    assert AuditEvent.objects.filter(action="collab.direction_publish").exists()


def test_a_direction_to_an_organisation_outside_the_subtree_is_refused(world: SimpleNamespace, ref: dict) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _publish(world, recipient_root=ref["uppsala_lan"])
    assert {d["field"] for d in exc.value.details} == {"recipient_root"}
    assert not Direction.objects.exists()


def test_bad_input_names_the_field_and_saves_nothing(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.direction_publish(
            actor=world.analyst, sender=world.lan, values={"title": "", "text": "", "due_date": dt.date(2020, 1, 1)}
        )
    assert {d["field"] for d in exc.value.details} == {"title", "text", "due_date"}
    with pytest.raises(ValidationFailed) as exc:
        services.direction_publish(
            actor=world.analyst,
            sender=world.lan,
            values=VALUES | {"due_date": timezone.localdate() + dt.timedelta(days=5)},
            attachments=[("plan.exe", b"MZ")],
        )
    assert {d["field"] for d in exc.value.details} == {"file"}
    assert not Direction.objects.exists() and not Submission.objects.exists()


def test_only_a_sender_level_coordinator_publishes(world: SimpleNamespace) -> None:
    for user in (world.gavle_coord, world.outsider, world.national_viewer):
        with pytest.raises(PermissionDeniedError):
            services.direction_publish(
                actor=user, sender=world.lan, values=VALUES | {"due_date": timezone.localdate() + dt.timedelta(days=5)}
            )
    with pytest.raises(ValidationFailed):  # a kommun is not a sender of directions
        services.direction_publish(
            actor=world.gavle_coord, sender=world.gavle, values=VALUES | {"due_date": timezone.localdate() + dt.timedelta(days=5)}
        )


def test_the_sender_reminds_only_those_who_have_not_answered(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    direction = _publish(world)
    _answer(direction, world.gavle, world.gavle_coord)
    mail.outbox.clear()
    with pytest.raises(PermissionDeniedError):
        services.direction_remind(actor=world.gavle_coord, direction=direction)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.direction_remind(actor=world.analyst, direction=direction) == 9
    recipients = {m.to[0] for m in mail.outbox}
    assert "samordnare@sandviken.test" in recipients
    assert "samordnare@gavle.test" not in recipients and "mas@gavle.test" not in recipients


def test_the_direction_page_is_scoped(client: Client, world: SimpleNamespace) -> None:
    direction = _publish(world)
    url = f"/samverkan/inriktning/{direction.pk}/"
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}paminn/").status_code == 404
    client.force_login(world.gavle_coord)
    body = client.get(url).content.decode()
    assert "Planera för 30 dagar utan leveranser" in body and "Kvittera och svara för Gävle" in body
    assert "har svarat" not in body  # completeness is the sender's view
    assert client.post(f"{url}paminn/").status_code == 404
    client.force_login(world.analyst)
    _answer(direction, world.gavle, world.gavle_coord)
    _answer(direction, world.sandviken, world.sandviken_coord)
    assert "2 av 10 har svarat" in client.get(url).content.decode()
    assert "Planera för 30 dagar" in client.get("/samverkan/inriktningar/?q=30+dagar").content.decode()
