"""The MAS and coordinator are reminded, once per date, of agreements that end or are due for review within the
notice period; the daily command runs the job; the dashboard lists such agreements."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from beredd.collab import tasks
from beredd.collab.services import agreements as services


def _agreement(world: SimpleNamespace, **extra: Any) -> Any:
    return services.agreement_create(
        actor=world.gavle_mas,
        kommun=world.gavle,
        values={
            "title": "Medicintekniska produkter",
            "area": "devices",
            "parties": [world.region],
            "valid_from": dt.date(2024, 6, 1),
            "valid_until": dt.date(2027, 5, 31),
            "responsible_name": "Maria MAS",
        }
        | extra,
    )


def test_the_mas_is_reminded_once_before_the_agreement_expires(world: SimpleNamespace) -> None:
    item = _agreement(world)
    assert tasks.send_agreement_reminders.call("2027-03-01") == 0  # more than 60 days before
    sent = tasks.send_agreement_reminders.call("2027-04-01")
    assert sent == len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {"mas@gavle.test", "samordnare@gavle.test"}
    assert mail.outbox[0].subject == "Avtal löper ut: Medicintekniska produkter"
    assert "2027-05-31" in mail.outbox[0].body and f"/samverkan/avtal/{item.pk}/" in mail.outbox[0].body
    assert 'Avtalet "Medicintekniska produkter" för Gävle löper snart ut.' in mail.outbox[0].body
    assert tasks.send_agreement_reminders.call("2027-04-02") == 0


def test_a_changed_end_date_is_reminded_again_and_a_review_date_separately(world: SimpleNamespace) -> None:
    item = _agreement(world)
    tasks.send_agreement_reminders.call("2027-04-01")
    mail.outbox.clear()
    item = services.agreement_update(
        actor=world.gavle_mas,
        agreement=item,
        values={"valid_until": dt.date(2027, 5, 15), "review_date": dt.date(2027, 4, 20)},
        expected_version=1,
    )
    assert tasks.send_agreement_reminders.call("2027-04-02") == 4
    assert sorted({m.subject.split(":")[0] for m in mail.outbox}) == ["Avtal löper ut", "Avtal ska ses över"]


@pytest.mark.frozen_now(dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC))  # 30 days before the end date
def test_the_daily_command_sends_agreement_reminders_too(world: SimpleNamespace, capsys: Any) -> None:
    _agreement(world, valid_until=dt.date(2026, 12, 31))
    call_command("collab_reminders", "--now")
    assert "2 agreement reminders" in capsys.readouterr().out
    assert len(mail.outbox) == 2


@pytest.mark.frozen_now(dt.datetime(2027, 4, 10, 7, 0, tzinfo=dt.UTC))  # 51 days before the end date
def test_the_dashboard_lists_agreements_ending_soon_to_the_kommun_only(
    client: Client, world: SimpleNamespace, frozen_now: Any
) -> None:
    item = _agreement(world)
    client.force_login(world.gavle_mas)
    body = client.get("/").content.decode()
    assert "Avtal som löper ut eller ska ses över" in body and f"/samverkan/avtal/{item.pk}/" in body
    client.force_login(world.sandviken_coord)
    assert f"/samverkan/avtal/{item.pk}/" not in client.get("/").content.decode()
    client.force_login(world.gavle_mas)  # far from the end date: no panel
    frozen_now.move_to(dt.datetime(2026, 1, 10, 7, 0, tzinfo=dt.UTC))
    assert f"/samverkan/avtal/{item.pk}/" not in client.get("/").content.decode()
