"""Measures per priority area: the kommun reports, the county's action plan and the national follow-up roll them
up (counts per area and status, drill-down); exports are neutralised; refusals per rule, API included."""

import csv
import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.collab import selectors
from beredd.collab.models import Measure, PriorityArea
from beredd.collab.services import measures as services
from beredd.core.exceptions import ConflictError, PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent

pytestmark = pytest.mark.frozen_now  # a measure's year and due date are judged against this year

YEAR = 2026  # the year of the frozen clock (FROZEN_NOW in the root conftest.py)


def auth(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def measure(world: SimpleNamespace, kommun: Any = None, actor: Any = None, **extra: Any) -> Measure:
    values = {
        "year": YEAR,
        "priority_area": "planering",
        "title": "Planera för 30 dagar utan leveranser",
        "status": "planned",
        "responsible": "Maria MAS",
        "due_date": dt.date(YEAR, 11, 30),
    } | extra
    return services.measure_create(actor=actor or world.gavle_mas, kommun=kommun or world.gavle, values=values)


def test_a_kommun_reports_measures_and_bad_input_is_named_and_atomic(world: SimpleNamespace, make_user: Any) -> None:
    reporter = make_user(world.gavle, "reporter", email="rapportor@gavle.test")
    item = measure(world, actor=reporter)
    assert item.kommun_path == world.gavle.path
    with pytest.raises(ValidationFailed) as exc:
        measure(world, title="", priority_area="nope", status="x", responsible="", year=1999, due_date=dt.date(1990, 1, 1))
    assert {d["field"] for d in exc.value.details} == {"title", "priority_area", "status", "responsible", "year"}
    with pytest.raises(ValidationFailed) as exc:
        measure(world, due_date=dt.date(YEAR - 1, 12, 1))
    assert exc.value.details[0]["message"] == "Klart-datumet får inte vara före insatsens år."
    assert Measure.objects.count() == 1
    assert AuditEvent.objects.filter(action="collab.measure_create").count() == 1


def test_only_the_kommun_and_levels_above_with_act_rights_report(world: SimpleNamespace, make_user: Any) -> None:
    viewer = make_user(world.gavle, "viewer", email="lasare@gavle.test")
    for user in (viewer, world.sandviken_coord, world.outsider, world.national_viewer):
        with pytest.raises(PermissionDeniedError):
            measure(world, actor=user)
    with pytest.raises(ValidationFailed):
        measure(world, kommun=world.lan, actor=world.analyst)  # a county does not report its own measures here
    item = measure(world, actor=world.analyst)  # the county coordinator may act for its kommuner
    with pytest.raises(PermissionDeniedError):
        services.measure_update(actor=world.sandviken_coord, measure=item, values={"status": "done"}, expected_version=1)


def test_a_stale_edit_is_refused_with_409(world: SimpleNamespace) -> None:
    item = measure(world)
    services.measure_update(actor=world.gavle_mas, measure=item, values={"status": "ongoing"}, expected_version=1)
    with pytest.raises(ConflictError):
        services.measure_update(actor=world.gavle_coord, measure=item, values={"status": "done"}, expected_version=1)
    item.refresh_from_db()
    assert (item.status, item.lock_version) == ("ongoing", 2)
    changes = AuditEvent.objects.get(action="collab.measure_update").changes
    assert changes == {"status": {"before": "planned", "after": "ongoing"}}


def test_the_county_plan_and_the_national_follow_up_are_roll_ups(world: SimpleNamespace) -> None:
    measure(world, status="done")
    measure(world, status="planned")
    measure(world, kommun=world.sandviken, actor=world.sandviken_coord, priority_area="utbildning", status="done")
    measure(world, year=YEAR - 1, status="done")  # another year: not counted
    county = selectors.measure_rollup(user=world.analyst, org=world.lan, year=YEAR)
    areas = {a["value"]: dict(a["counts"]) for a in county["areas"]}
    assert [a["value"] for a in county["areas"]] == PriorityArea.values
    assert areas["planering"]["done"] == 1 and areas["planering"]["planned"] == 1 and areas["utbildning"]["done"] == 1
    assert county["total"] == 3
    children = {c["org"].name: c["total"] for c in county["children"]}
    assert children["Gävle"] == 2 and children["Sandviken"] == 1 and len(children) == 10
    nation = selectors.measure_rollup(user=world.national_viewer, org=world.lan.parent.parent, year=YEAR)
    per_county = {c["org"].name: c["total"] for c in nation["children"]}
    assert len(per_county) == 21 and per_county["Gävleborgs län"] == 3 and nation["total"] == 3
    with pytest.raises(Exception):  # noqa: B017 (NotFoundError: Stockholm sees nothing of Gävleborg)
        selectors.measure_rollup(user=world.outsider, org=world.lan, year=YEAR)


def test_the_plan_page_drills_down_and_the_wrong_person_is_refused(client: Client, world: SimpleNamespace) -> None:
    measure(world, status="done", title="Reservkraft till hemtjänsten")
    measure(world, kommun=world.sandviken, actor=world.sandviken_coord, status="planned", title="Övning elavbrott")
    client.force_login(world.analyst)
    plan = client.get(f"/samverkan/insatser/handlingsplan/?org={world.lan.pk}&year={YEAR}").content.decode()
    drill = f"/samverkan/insatser/?org={world.lan.pk}&amp;year={YEAR}&amp;area=planering&amp;status=done"
    assert drill in plan
    body = client.get(drill.replace("&amp;", "&")).content.decode()
    assert "Reservkraft till hemtjänsten" in body and "Övning elavbrott" not in body
    assert client.get(f"/samverkan/insatser/?org={world.lan.pk}&year=abc&page=99&sort=x").status_code == 200
    client.force_login(world.outsider)
    assert client.get(f"/samverkan/insatser/handlingsplan/?org={world.lan.pk}").status_code == 404
    assert client.get(f"/samverkan/insatser/?org={world.lan.pk}&format=csv").status_code == 404
    assert client.get(f"/samverkan/insatser/handlingsplan.pdf?org={world.lan.pk}").status_code == 404
    client.force_login(world.sandviken_coord)
    gavle_item = Measure.objects.get(kommun=world.gavle)
    assert client.get(f"/samverkan/insats/{gavle_item.pk}/").status_code == 404
    assert client.get(f"/samverkan/org/{world.gavle.pk}/insats/ny/").status_code == 404


def test_recording_and_changing_through_the_form(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.gavle_coord)
    url = f"/samverkan/org/{world.gavle.pk}/insats/ny/"
    form = {"title": "Syrgasrutin", "priority_area": "planering", "year": YEAR, "status": "planned", "responsible": ""}
    bad = client.post(url, form)
    assert 'href="#id_responsible"' in bad.content.decode() and not Measure.objects.exists()
    bad = client.post(url, form | {"responsible": "MAS", "year": YEAR - 9})
    assert "Ange ett år mellan" in bad.content.decode() and not Measure.objects.exists()
    assert client.post(url, form | {"responsible": "MAS"}).status_code == 302
    item = Measure.objects.get()
    page = f"/samverkan/insats/{item.pk}/"
    assert client.post(page, form | {"responsible": "MAS", "status": "done", "version": 1}).status_code == 302
    stale = client.post(page, form | {"responsible": "MAS", "status": "cancelled", "version": 1})
    assert stale.status_code == 409
    assert Measure.objects.get().status == "done"


def test_exports_are_neutralised_and_the_pdf_reads_back(client: Client, world: SimpleNamespace) -> None:
    measure(world, title='=HYPERLINK("http://evil.test","klick")', responsible="@SUM(A1)")
    client.force_login(world.analyst)
    base = f"/samverkan/insatser/?org={world.lan.pk}&year={YEAR}"
    response = client.get(base + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Kommun", "Kommunkod", "År", "Prioriterat område", "Insats"]
    assert rows[1][4] == '\'=HYPERLINK("http://evil.test","klick")' and rows[1][6] == "'@SUM(A1)"
    assert rows[1][3] == "Planeringsförutsättningar"
    sheet = load_workbook(io.BytesIO(client.get(base + "&format=xlsx").content)).active
    assert sheet is not None
    assert sheet.cell(row=2, column=5).data_type == "s"
    assert str(sheet.cell(row=2, column=5).value).startswith("'=")
    plan = client.get(f"/samverkan/insatser/handlingsplan/?org={world.lan.pk}&year={YEAR}&format=csv")
    plan_rows = list(csv.reader(io.StringIO(plan.content.decode("utf-8-sig")), delimiter=";"))
    assert plan_rows[1][0] == "Planeringsförutsättningar" and plan_rows[1][1] == "1" and plan_rows[-1][0] == "Totalt"
    pdf = client.get(f"/samverkan/insatser/handlingsplan.pdf?org={world.lan.pk}&year={YEAR}")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"Insatser per prioriterat område {YEAR}, Gävleborgs län" in text
    assert "Planeringsförutsättningar" in text and "Gävle" in text


def test_the_api_reports_rolls_up_and_refuses_per_rule(client: Client, world: SimpleNamespace) -> None:
    url = f"/api/v1/collab/orgs/{world.gavle.pk}/measures"
    payload = {"year": YEAR, "priority_area": "samverkan", "title": "Samverkansövning", "responsible": "MAS"}
    assert client.post(url, payload, content_type="application/json", **auth(world.sandviken_coord)).status_code == 404
    assert client.post(url, payload, content_type="application/json", **auth(world.national_viewer)).status_code == 404
    bad = client.post(url, payload | {"priority_area": "x"}, content_type="application/json", **auth(world.gavle_mas))
    assert bad.status_code == 422 and "priority_area" in bad.content.decode()
    created = client.post(url, payload, content_type="application/json", **auth(world.gavle_mas))
    assert created.status_code == 201 and created.json()["priority_area_label"] == "Samverkan och ledning"
    put = f"/api/v1/collab/measures/{created.json()['id']}"
    body = payload | {"status": "done", "version": 1}
    assert client.put(put, body, content_type="application/json", **auth(world.sandviken_coord)).status_code == 404
    assert client.put(put, body, content_type="application/json", **auth(world.gavle_mas)).status_code == 200
    assert client.put(put, body, content_type="application/json", **auth(world.gavle_mas)).status_code == 409
    rollup = client.get(f"/api/v1/collab/orgs/{world.lan.pk}/measures/rollup?year={YEAR}", **auth(world.analyst)).json()
    assert rollup["total"] == 1 and rollup["areas"][2]["by_status"]["done"] == 1
    assert (
        client.get(f"/api/v1/collab/orgs/{world.lan.pk}/measures/rollup?year={YEAR}", **auth(world.outsider)).status_code == 404
    )
    listed = client.get(f"/api/v1/collab/orgs/{world.lan.pk}/measures?year={YEAR}", **auth(world.national_viewer)).json()
    assert listed["count"] == 1
