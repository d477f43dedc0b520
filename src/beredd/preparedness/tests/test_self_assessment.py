"""The self-assessment runs on the reporting engine; the comparison puts a kommun beside its county and the nation."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.core.exceptions import ValidationFailed
from beredd.orgs.models import Organisation
from beredd.preparedness import self_assessment
from beredd.preparedness.services.self_assessment import self_assessment_install, self_assessment_issue
from beredd.reporting.models import Round, Submission, TemplateVersion
from beredd.reporting.services.rounds import RoundSpec, round_cancel, round_issue
from beredd.reporting.services.submissions import submission_submit
from beredd.reporting.services.templates import template_import

pytestmark = pytest.mark.frozen_now  # the assessment year is this year and deadlines are days from now


def _answers(default: str, **over: str) -> dict[str, str]:
    return {q["code"].lower(): over.get(q["code"].lower(), default) for q in self_assessment.all_questions()}


def test_the_content_is_the_handbook_checklist_and_the_oj_indicators() -> None:
    definition = self_assessment.load_definition()
    assert [len(s["questions"]) for s in definition["sections"]] == [5, 3, 7, 9]
    assert all(q["sv"] and q["en"] for q in self_assessment.all_questions())
    assert [q["code"] for q in definition["oj_indicators"]] == ["OJ1", "OJ2", "OJ3", "OJ4"]


def test_the_template_is_installed_once_in_the_reporting_engine(ref: Any) -> None:
    first = self_assessment_install()
    assert self_assessment_install() == first
    assert first.is_published and first.fields.count() == 3 * len(self_assessment.all_questions())
    assert TemplateVersion.objects.filter(template__key=self_assessment.TEMPLATE_KEY).count() == 1


@pytest.fixture
def answered(ref: Any, make_unit: Any, make_user: Any) -> dict[str, Any]:
    """The county issues; two Gävle units and Gävle answer; a Sandviken unit answers too (county level)."""
    a = make_unit(ref["gavle"], name="A", service_kind="sabo")
    b = make_unit(ref["gavle"], name="B", service_kind="hemtjanst")
    s = make_unit(ref["sandviken"], name="S", service_kind="sabo")
    lan_coordinator = make_user(ref["gavleborg"], "coordinator")
    now = timezone.now()
    round_ = self_assessment_issue(
        actor=lan_coordinator, issuer=ref["gavleborg"], year=now.year, responder="both", deadline=now + dt.timedelta(days=14)
    )
    subs = {x.organisation_id: x for x in Submission.objects.filter(instance__round=round_)}
    assert {a.pk, b.pk, s.pk, ref["gavle"].pk} <= set(subs)
    submission_submit(actor=make_user(a, "reporter"), submission=subs[a.pk], data=_answers("yes", oj3="no"))
    submission_submit(actor=make_user(b, "reporter"), submission=subs[b.pk], data=_answers("partly", oj1="na"))
    submission_submit(actor=make_user(ref["gavle"], "coordinator"), submission=subs[ref["gavle"].pk], data=_answers("yes"))
    submission_submit(actor=make_user(s, "reporter"), submission=subs[s.pk], data=_answers("no"))
    return {"a": a, "b": b, "year": now.year}


def test_a_kommun_sees_its_shares_beside_the_county_and_the_nation(ref: Any, make_user: Any, answered: dict[str, Any]) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    result = self_assessment.comparison_for_user(user=coordinator, org=ref["gavle"], year=answered["year"])
    assert [lvl.org for lvl in result.levels] == [ref["gavle"], ref["gavleborg"], ref["nation"]]
    a1 = next(r for r in result.rows if r["key"] == "a1")
    assert a1["shares"] == [67, 50, 50]  # Gävle: yes, partly, yes; county adds Sandviken's "no"
    oj1 = next(r for r in result.rows if r["key"] == "oj1")
    assert oj1["answered"] == [2, 3, 3]  # "not applicable" is left out
    assert oj1["published"]["by_service_kind"]["sabo"] == 57
    assert {(x.organisation.name, x.key) for x in result.lacking} == {("A", "oj3"), ("B", "oj2"), ("B", "oj3")}
    sabo = result.by_service_kind[str(Organisation.ServiceKind.SABO.label)]
    assert sabo["oj3"] == 0 and sabo["oj2"] == 100


def test_the_comparison_page_renders_a_chart_and_a_table_and_refuses_outsiders(
    client: Client, ref: Any, make_user: Any, answered: dict[str, Any]
) -> None:
    url = reverse("preparedness:self-assessment") + f"?org={ref['gavle'].pk}&ar={answered['year']}"
    client.force_login(make_user(ref["sandviken"], "coordinator"))
    assert client.get(url).status_code == 404
    client.force_login(make_user(answered["a"], "reporter"))  # a unit may not reach up to the kommun
    assert client.get(url).status_code == 404
    client.force_login(make_user(ref["gavle"], "viewer"))
    body = client.get(url).content.decode()
    assert "<svg" in body and 'role="img"' in body and "<table" in body and "67" in body


def test_issuing_needs_the_reporting_permission_and_a_known_responder(client: Client, ref: Any, make_user: Any) -> None:
    url = reverse("preparedness:self-assessment-issue", args=[ref["gavleborg"].pk])
    data = {"year": 2026, "responder": "kommun", "deadline": "2026-12-31T12:00"}
    client.force_login(make_user(ref["gavle"], "coordinator"))  # a kommun cannot issue for the county
    assert client.post(url, data).status_code == 404
    client.force_login(make_user(ref["gavleborg"], "viewer"))
    assert client.post(url, data).status_code == 404
    with pytest.raises(ValidationFailed):
        self_assessment_issue(
            actor=make_user(ref["gavleborg"], "coordinator"),
            issuer=ref["gavleborg"],
            year=2026,
            responder="everyone",
            deadline=timezone.now() + dt.timedelta(days=1),
        )
    client.force_login(make_user(ref["gavleborg"], "coordinator"))
    response = client.post(url, data | {"deadline": (timezone.localtime() + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    assert Submission.objects.filter(organisation__kind="kommun").count() == 10


def test_chart_geometry_is_whole_numbers_so_localised_output_stays_valid_svg(ref: Any, make_user: Any) -> None:
    result = self_assessment.comparison_for_user(user=make_user(ref["gavle"], "viewer"), org=ref["gavle"], year=2026)
    geometry = self_assessment.chart(result)
    numbers = [geometry["height"], geometry["bar"]]
    for g in geometry["groups"]:
        numbers += [g["y"], g["label_y"], *(b["y"] for b in g["bars"]), *(b["w"] for b in g["bars"])]
        numbers += list((g["marker"] or {}).values())
    assert all(isinstance(n, int) for n in numbers)


def test_a_unit_sees_itself_beside_its_kommun_county_and_nation(ref: Any, make_user: Any, answered: dict[str, Any]) -> None:
    unit = answered["a"]
    result = self_assessment.comparison_for_user(user=make_user(unit, "reporter"), org=unit, year=answered["year"])
    assert [lvl.org for lvl in result.levels] == [unit, ref["gavle"], ref["gavleborg"], ref["nation"]]
    a1 = next(r for r in result.rows if r["key"] == "a1")
    assert a1["shares"] == [100, 67, 50, 50]


def _shares(user: Any, org: Organisation, year: int, key: str) -> list[int | None]:
    result = self_assessment.comparison_for_user(user=user, org=org, year=year)
    return next(r for r in result.rows if r["key"] == key)["shares"]


def test_exercise_and_cancelled_rounds_do_not_count_in_the_comparison(ref: Any, make_user: Any, answered: dict[str, Any]) -> None:
    viewer = make_user(ref["gavle"], "viewer")
    before = _shares(viewer, ref["gavle"], answered["year"], "a1")
    assert before == [67, 50, 50]
    lan_coordinator = make_user(ref["gavleborg"], "coordinator")
    now = timezone.now()
    version = self_assessment_install()
    exercise = round_issue(
        actor=lan_coordinator,
        issuer=ref["gavleborg"],
        spec=RoundSpec(
            title="ÖVNING",
            template_version=version,
            responder=Round.Responder.UNITS,
            deadline=now + dt.timedelta(days=3),
            is_exercise=True,
        ),
    )
    cancelled = round_issue(
        actor=lan_coordinator,
        issuer=ref["gavleborg"],
        spec=RoundSpec(
            title="Fel", template_version=version, responder=Round.Responder.UNITS, deadline=now + dt.timedelta(days=3)
        ),
    )
    for round_ in (exercise, cancelled):
        sub = Submission.objects.get(instance__round=round_, organisation=answered["a"])
        submission_submit(actor=make_user(answered["a"], "reporter"), submission=sub, data=_answers("no"))
    round_cancel(actor=lan_coordinator, round_=cancelled)
    assert _shares(viewer, ref["gavle"], answered["year"], "a1") == before


def test_a_kommuns_own_template_with_the_same_key_is_ignored(ref: Any, make_user: Any, answered: dict[str, Any]) -> None:
    viewer = make_user(ref["gavle"], "viewer")
    before = _shares(viewer, ref["gavle"], answered["year"], "a1")
    sandviken = make_user(ref["sandviken"], "coordinator")
    own = template_import(actor=sandviken, owner=ref["sandviken"], data=self_assessment.template_data(), publish=True)
    assert own.template.key == self_assessment.TEMPLATE_KEY
    now = timezone.now()
    round_ = round_issue(
        actor=sandviken,
        issuer=ref["sandviken"],
        spec=RoundSpec(
            title="Egen",
            template_version=own,
            responder=Round.Responder.KOMMUNER,
            explicit_recipients=[ref["sandviken"].pk],
            deadline=now + dt.timedelta(days=3),
        ),
    )
    sub = Submission.objects.get(instance__round=round_, organisation=ref["sandviken"])
    submission_submit(actor=sandviken, submission=sub, data=_answers("no"))
    assert _shares(viewer, ref["gavle"], answered["year"], "a1") == before
