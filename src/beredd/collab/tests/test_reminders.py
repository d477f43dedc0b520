"""Reminders before and after an action's due date: the daily job sends each once."""

import datetime as dt
from types import SimpleNamespace

from django.core import mail
from django.core.management import call_command

from beredd.collab import tasks
from beredd.collab.services import meetings as services


def _action(world: SimpleNamespace, due: dt.date, **extra: object) -> object:
    return services.action_add(
        actor=world.analyst,
        meeting=world.meeting,
        values={"title": "Syrgasrutin", "owner_org": world.gavle, "owner_name": "MAS", "due_date": due, **extra},
    )


def test_the_owner_is_reminded_before_the_due_date_once(world: SimpleNamespace) -> None:
    _action(world, dt.date(2027, 3, 10))
    assert tasks.send_action_reminders.call("2027-03-01") == 0  # too early
    sent = tasks.send_action_reminders.call("2027-03-08")
    assert sent == len(mail.outbox) and sent >= 2
    assert {m.to[0] for m in mail.outbox} >= {"samordnare@gavle.test", "mas@gavle.test"}
    assert "Påminnelse" in mail.outbox[0].subject
    assert tasks.send_action_reminders.call("2027-03-09") == 0


def test_an_overdue_action_gets_one_more_reminder_and_a_closed_one_none(world: SimpleNamespace) -> None:
    open_ = _action(world, dt.date(2027, 3, 10))
    closed = _action(world, dt.date(2027, 3, 10))
    services.action_set_status(actor=world.gavle_coord, action=closed, status="done")
    tasks.send_action_reminders.call("2027-03-08")
    mail.outbox.clear()
    sent = tasks.send_action_reminders.call("2027-03-11")
    assert sent >= 1 and all("försenad" in m.subject for m in mail.outbox)
    assert all(str(open_.pk) in m.body for m in mail.outbox)
    assert tasks.send_action_reminders.call("2027-03-12") == 0


def test_the_daily_command_runs_the_job(world: SimpleNamespace, capsys: object) -> None:
    call_command("collab_reminders", "--now")
    assert "sent" in capsys.readouterr().out  # type: ignore[attr-defined]
