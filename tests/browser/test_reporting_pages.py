"""axe-core on the reporting pages the story does not pass through: templates, preview of every field type,
round page, history, national roll-up with the map, compiled picture and its print view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference
from beredd.reporting.models import Submission
from beredd.reporting.services import pictures
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as submission_services
from beredd.reporting.services.templates import builtin_templates_install, template_import

PASSWORD = "Testl0senord-lang!"
SECRET = "JBSWY3DPEHPK3PXP"

EVERY_TYPE = {
    "key": "alla-typer",
    "name": "Alla fälttyper",
    "fields": [
        {"key": "i", "type": "integer", "label_sv": "Heltal", "rollup": "sum", "min": 0, "unit": "st", "help_sv": "Hjälp"},
        {"key": "d", "type": "decimal", "label_sv": "Decimal", "rollup": "mean"},
        {"key": "p", "type": "percent", "label_sv": "Procent", "rollup": "max"},
        {"key": "yn", "type": "yes_no", "label_sv": "Ja eller nej", "rollup": "count_choice", "required": True},
        {
            "key": "c",
            "type": "choice",
            "label_sv": "Val",
            "rollup": "count_choice",
            "options": {"choices": [{"value": "a", "sv": "A"}, {"value": "b", "sv": "B"}]},
        },
        {
            "key": "m",
            "type": "multi_choice",
            "label_sv": "Flerval",
            "rollup": "count_choice",
            "options": {"choices": [{"value": "a", "sv": "A"}, {"value": "b", "sv": "B"}]},
        },
        {"key": "s", "type": "status", "label_sv": "Beredskapsläge", "rollup": "worst", "options": {"scale": "preparedness"}},
        {"key": "imp", "type": "impact", "label_sv": "Påverkansgrad", "rollup": "worst"},
        {"key": "stock", "type": "integer", "label_sv": "Lager", "rollup": "sum"},
        {"key": "use", "type": "decimal", "label_sv": "Förbrukning", "rollup": "sum"},
        {
            "key": "days",
            "type": "days_of_stock",
            "label_sv": "Dygn",
            "rollup": "min",
            "options": {"stock": "stock", "daily_use": "use"},
        },
        {"key": "when", "type": "datetime", "label_sv": "Nästa rapport"},
        {"key": "short", "type": "short_text", "label_sv": "Kort", "rollup": "collate"},
        {"key": "long", "type": "long_text", "label_sv": "Lång", "rollup": "collate"},
    ],
}


def test_reporting_pages_have_no_accessibility_violations(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any, make_unit: Any
) -> None:
    load_reference()
    nation = Organisation.objects.get(kind="nation")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    unit = make_unit(gavle, name="Björkgården")
    national = make_user(nation, "national_admin", email="nationell@sos.test")
    reporter = make_user(unit, "reporter", email="enhet@test.se")
    builtin_templates_install(owner=nation)
    version = template_import(actor=None, owner=nation, data=EVERY_TYPE, publish=True)
    now = timezone.now()
    spec = round_services.RoundSpec(
        title="Alla typer",
        template_version=version,
        responder="unit",
        recipient_roots=[gavle.pk],
        deadline=now + dt.timedelta(hours=5),
        is_exercise=True,
        recurrence="hours",
        recurrence_hours=6,
    )
    round_ = round_services.round_issue(actor=national, issuer=nation, spec=spec)
    instance = round_.instances.get()
    submission = Submission.objects.get(instance=instance, organisation=unit)
    data = {
        "i": 3,
        "yn": True,
        "c": "a",
        "m": ["a", "b"],
        "s": "stab",
        "imp": {"plan": 1, "resources": 1, "load": 0},
        "stock": 100,
        "use": 10,
        "short": "Fläktar",
        "long": "Varmt i korridoren.",
    }
    submission_services.submission_submit(actor=reporter, submission=submission, data=data)
    submission_services.submission_submit(actor=reporter, submission=submission, data=data | {"i": 4})
    picture = pictures.picture_save(
        actor=national, instance=instance, organisation=nation, data={"summary": "Övningsbild"}, numbers={}
    )
    pictures.picture_publish(actor=national, picture=picture)

    page = browser_page
    login(page, "nationell@sos.test", PASSWORD, SECRET)
    for path in (
        "/lagesbild/",
        "/lagesbild/mallar/",
        f"/lagesbild/mallar/{version.pk}/",
        f"/lagesbild/omgangar/{round_.pk}/",
        f"/lagesbild/tillfalle/{instance.pk}/",
        f"/lagesbild/tillfalle/{instance.pk}/?org={gavle.parent_id}&map=completeness",
        f"/lagesbild/svar/{submission.pk}/",
        f"/lagesbild/svar/{submission.pk}/historik/",
        f"/lagesbild/samlad-bild/{picture.pk}/",
        f"/lagesbild/samlad-bild/{picture.pk}/utskrift/",
    ):
        page.goto(live_url + path)
        assert_accessible(page)
    page.goto(live_url + f"/lagesbild/tillfalle/{instance.pk}/")
    assert page.locator(".exercise-banner").count() == 1  # ÖVNING marked on every view
