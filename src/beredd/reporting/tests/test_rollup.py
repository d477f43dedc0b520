"""Roll-up: sums, means, worst status, choice counts, completeness and the fixed number of queries."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from beredd.reporting import fields as fieldtypes
from beredd.reporting import rollup
from beredd.reporting.models import Submission, TemplateField
from beredd.reporting.services import submissions as services
from beredd.reporting.services import templates
from beredd.reporting.tests.conftest import GOOD, issue


def answer(world: SimpleNamespace, round_: Any, unit: str, **changes: Any) -> None:
    s = Submission.objects.get(instance__round=round_, organisation=getattr(world, unit))
    services.submission_submit(actor=getattr(world, f"{unit}_reporter"), submission=s, data=GOOD | changes)


def test_the_impact_level_is_derived_from_three_criteria() -> None:
    assert fieldtypes.derive_impact({"plan": 0, "resources": 0, "load": 0}) == 1
    assert fieldtypes.derive_impact({"plan": 1, "resources": 0, "load": 1}) == 2
    assert fieldtypes.derive_impact({"plan": 1, "resources": 1, "load": 1}) == 3
    assert fieldtypes.derive_impact({"plan": 2, "resources": 1, "load": 0}) == 4
    assert fieldtypes.derive_impact({"plan": 2, "resources": 2, "load": 2}) == 5


def test_county_sees_sums_per_kommun_and_completeness_reaches_100_only_when_all_answered(world: SimpleNamespace) -> None:
    round_ = issue(world)
    instance = round_.instances.get()
    answer(world, round_, "g1", staff_total=10, staff_absent=1, staffing_status="green")
    answer(world, round_, "g2", staff_total=30, staff_absent=6, staffing_status="red")
    answer(world, round_, "s1", staff_total=5, staff_absent=0)
    result = rollup.rollup(instance=instance, org=world.lan)
    assert result.total.completeness.percent == 75
    values = result.values(result.total)
    assert values["staff_total"] == 45 and values["staff_absent"] == 7
    assert values["staffing_status"] == 3  # red is the worst
    per = {g.org.name: result.values(g) for g in result.children}
    assert per["Gävle"]["staff_total"] == 40 and per["Sandviken"]["staff_total"] == 5
    answer(world, round_, "s2", staff_total=5, staff_absent=0)
    result = rollup.rollup(instance=instance, org=world.lan)
    assert result.total.completeness.percent == 100 and result.total.completeness.answered == 4


def test_resubmitting_never_pushes_completeness_above_100(world: SimpleNamespace) -> None:
    round_ = issue(world, roots=[world.gavle])
    for _ in range(3):
        answer(world, round_, "g1")
    answer(world, round_, "g2")
    result = rollup.rollup(instance=round_.instances.get(), org=world.gavle)
    assert result.total.completeness.percent == 100 and result.values(result.total)["staff_total"] == 40


def test_weighted_mean_and_choice_counts(world: SimpleNamespace) -> None:
    round_ = issue(world, roots=[world.gavle])
    answer(world, round_, "g1", staff_total=10, absence_percent=10, cool_room="yes")
    answer(world, round_, "g2", staff_total=30, absence_percent=30, cool_room="no")
    result = rollup.rollup(instance=round_.instances.get(), org=world.gavle)
    values = result.values(result.total)
    assert abs(values["absence_percent"] - 25.0) < 1e-9
    assert values["cool_room"] == {"yes": 1, "no": 1}


def test_the_number_of_queries_does_not_grow_with_the_tree(world: SimpleNamespace, make_unit: Any) -> None:
    round_ = issue(world)
    instance = round_.instances.get()
    answer(world, round_, "g1")
    with CaptureQueriesContext(connection) as first:
        rollup.rollup(instance=instance, org=world.nation)
    with CaptureQueriesContext(connection) as small:
        rollup.rollup(instance=instance, org=world.nation)
    for unit in ("g2", "s1", "s2"):
        answer(world, round_, unit)
    with CaptureQueriesContext(connection) as large:
        rollup.rollup(instance=instance, org=world.nation, by="lan")
    # The answers, the submissions and the child organisations (at a county also the organisations down to kommun
    # level, whose cached parts it merges).
    assert len(small.captured_queries) == len(large.captured_queries) <= 4
    # The first roll-up of an instance also reads its field list (cached per process afterwards).
    assert len(first.captured_queries) <= 7


def test_free_text_is_collated_with_org_names_and_searchable(world: SimpleNamespace) -> None:
    round_ = issue(world)
    answer(world, round_, "g1", assessment="Brist på visir")
    answer(world, round_, "s1", assessment="Allt lugnt")
    found = rollup.texts(instance=round_.instances.get(), org=world.lan, query="visir")
    assert [(a.organisation.name, a.text) for a in found] == [("Gävle äldreboende", "Brist på visir")]


def test_an_extension_adds_own_fields_and_national_rollup_still_works_on_shared_ones(world: SimpleNamespace) -> None:
    ext = templates.template_extend(
        actor=world.county,
        owner=world.lan,
        base=world.templates["vaermebolja"],
        key="vaerme-x",
        name="Värmebölja Gävleborg",
    )
    templates.template_field_add(
        actor=world.county, version=ext, data={"key": "fans", "type": "integer", "label_sv": "Fläktar", "rollup": "sum"}
    )
    templates.template_version_publish(actor=world.county, version=ext)
    round_ = issue(world)
    assert Submission.objects.get(instance__round=round_, organisation=world.g1).template_version_id == ext.pk
    answer(world, round_, "g1", fans=3)
    answer(world, round_, "g2", fans=2)
    result = rollup.rollup(instance=round_.instances.get(), org=world.nation)
    assert result.values(result.total)["staff_total"] == 40
    assert result.values(result.total)["fans"] == 5
    assert TemplateField.objects.filter(version=ext, inherited=True).count() == world.templates["vaermebolja"].fields.count()


def test_a_rollup_of_only_the_status_fields_gives_the_map_the_same_states_and_counts(world: SimpleNamespace) -> None:
    round_ = issue(world)
    answer(world, round_, "g1", staffing_status="red")
    answer(world, round_, "s1")
    instance = round_.instances.get()
    full = rollup.rollup(instance=instance, org=world.lan, by="kommun")
    keys = rollup.status_keys(instance, world.lan)
    assert "staffing_status" in keys and "staff_total" not in keys
    part = rollup.rollup(instance=instance, org=world.lan, by="kommun", only=keys)
    assert {f.key for f in part.fields} == keys
    states = {g.org.pk: (rollup.status_class(full, g), g.completeness.answered, g.completeness.expected) for g in full.children}
    assert {
        g.org.pk: (rollup.status_class(part, g), g.completeness.answered, g.completeness.expected) for g in part.children
    } == states
    assert states[world.gavle.pk][0] == "bad"
