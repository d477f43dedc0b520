"""The weekly binder task makes a binder per active unit and keeps only the latest four; the generate_binders
command enqueues it and skips fresh binders."""

from typing import Any

from beredd.preparedness import tasks
from beredd.preparedness.models import BinderSnapshot


def test_the_weekly_task_keeps_four_binders_per_unit(ref: Any, make_unit: Any, monkeypatch: Any) -> None:
    from beredd.orgs.models import Organisation
    from beredd.preparedness import services

    Organisation.objects.filter(kind="unit").update(is_active=False)
    unit = make_unit(ref["gavle"])
    monkeypatch.setattr(services.exports, "binder_pdf", lambda *, unit: b"%PDF-fake")
    for _ in range(5):
        assert tasks.binders_generate_all.call() == 1
    assert BinderSnapshot.objects.filter(unit=unit).count() == 4


def test_the_generate_binders_command_makes_one_binder_per_unit_and_is_idempotent(
    ref: Any, make_unit: Any, monkeypatch: Any
) -> None:
    import io

    from django.core.management import call_command

    from beredd.orgs.models import Organisation
    from beredd.preparedness import services

    Organisation.objects.filter(kind="unit").update(is_active=False)
    units = [make_unit(ref["gavle"]), make_unit(ref["sandviken"])]
    monkeypatch.setattr(services.exports, "binder_pdf", lambda *, unit: b"%PDF-fake")
    out = io.StringIO()
    call_command("generate_binders", stdout=out)  # enqueues; the test backend runs it at once
    assert "binders_generate_all" in out.getvalue()
    assert sorted(BinderSnapshot.objects.values_list("unit_id", flat=True)) == sorted(u.pk for u in units)
    call_command("generate_binders", stdout=io.StringIO())
    call_command("generate_binders", "--now", stdout=io.StringIO())
    assert BinderSnapshot.objects.count() == 2  # fresh binders are not generated again
    out = io.StringIO()
    call_command("generate_binders", "--now", "--skip-newer-than-hours=0", stdout=out)
    assert "2" in out.getvalue() and BinderSnapshot.objects.count() == 4
