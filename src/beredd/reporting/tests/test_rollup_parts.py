"""County roll-ups merged from cached per-organisation parts (``aggregates``, issue 14).

A part is recomputed only for the organisations with a write since it was cached, and the merged result equals
the roll-up computed from scratch, whatever the grouping. The writes run their ``transaction.on_commit`` callbacks
(``django_capture_on_commit_callbacks(execute=True)``), as a real commit would; the cache is Django's local-memory
cache of the test settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from beredd.reporting import rollup
from beredd.reporting.models import Round, RoundInstance, Submission
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def answer(world: SimpleNamespace, round_: Round, who: str, actor: Any, capture: Any, **changes: Any) -> None:
    s = Submission.objects.get(instance__round=round_, organisation=getattr(world, who))
    with capture(execute=True):
        services.submission_submit(actor=actor, submission=s, data=GOOD | changes)


def figures(result: rollup.RollupResult) -> dict[str, Any]:
    """What a reader sees of a roll-up: per child and in total, the completeness and every rolled-up value."""

    def one(group: Any) -> tuple[Any, ...]:
        c = group.completeness
        return (c.expected, c.answered, c.late, c.empty, result.values(group))

    return {"total": one(result.total), **{g.org.name: one(g) for g in result.children}}


def from_scratch(instance: RoundInstance, org: Any, by: str | None = None) -> dict[str, Any]:
    with override_settings(CACHES=NO_CACHE):
        return figures(rollup.rollup(instance=instance, org=org, by=by))


def sql_of(captured: CaptureQueriesContext) -> str:
    return "\n".join(q["sql"] for q in captured.captured_queries)


def test_after_a_write_only_that_kommuns_part_is_recomputed(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = issue(world)
    instance = round_.instances.get()
    answer(world, round_, "g1", world.g1_reporter, django_capture_on_commit_callbacks, staff_total=10)
    answer(world, round_, "s1", world.s1_reporter, django_capture_on_commit_callbacks, staff_total=5)
    first = rollup.rollup(instance=instance, org=world.lan)  # fills every part
    assert first.values(first.total)["staff_total"] == 15
    with CaptureQueriesContext(connection) as untouched:
        again = rollup.rollup(instance=instance, org=world.lan)
    assert figures(again) == figures(first)
    assert "reporting_answer" not in sql_of(untouched)  # nothing changed: no answer is read at all
    answer(world, round_, "g2", world.g2_reporter, django_capture_on_commit_callbacks, staff_total=30)
    with CaptureQueriesContext(connection) as after_write:
        result = rollup.rollup(instance=instance, org=world.lan)
    sql = sql_of(after_write)
    assert world.gavle.path in sql and world.sandviken.path not in sql  # Gävle recomputed, Sandviken from the cache
    per = {g.org.name: result.values(g)["staff_total"] for g in result.children}
    assert per == {"Gävle": 40, "Sandviken": 5}
    assert result.total.completeness.answered == 3 and result.total.completeness.expected == 4
    assert figures(result) == from_scratch(instance, world.lan)


@pytest.mark.parametrize("by", [None, "civilomrade", "lan", "kommun"])
def test_merged_parts_equal_the_rollup_from_scratch(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any, by: str | None
) -> None:
    round_ = issue(world)
    instance = round_.instances.get()
    answer(world, round_, "g1", world.g1_reporter, django_capture_on_commit_callbacks, staff_total=10, staffing_status="red")
    answer(world, round_, "s2", world.s2_reporter, django_capture_on_commit_callbacks, staff_total=7, staffing_status="green")
    for org in (world.nation, world.mellersta, world.lan):
        rollup.rollup(instance=instance, org=org, by=by)  # cache the parts
        answer(world, round_, "g2", world.g2_reporter, django_capture_on_commit_callbacks, staff_total=10 + org.depth)
        merged = figures(rollup.rollup(instance=instance, org=org, by=by))
        assert merged == from_scratch(instance, org, by)
    national = rollup.rollup(instance=instance, org=world.nation, by=by)
    assert national.values(national.total)["staff_total"] == 10 + 7 + 12  # g2's last answer, at the county
    assert national.values(national.total)["staffing_status"] == 3  # red is the worst


def test_a_county_that_answers_itself_is_counted_and_its_own_change_seen(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = issue(world, responder=Round.Responder.LAN, roots=[world.lan, world.uppsala_lan])
    instance = round_.instances.get()
    rollup.rollup(instance=instance, org=world.nation)  # every part cached: nobody has answered
    answer(world, round_, "lan", world.county, django_capture_on_commit_callbacks, staff_total=12)
    national = rollup.rollup(instance=instance, org=world.nation, by="lan")
    per = {g.org.pk: (g.completeness.answered, g.completeness.expected) for g in national.children}
    assert per == {world.lan.pk: (1, 1), world.uppsala_lan.pk: (0, 1)}
    assert national.values(national.total)["staff_total"] == 12
    answer(world, round_, "lan", world.county, django_capture_on_commit_callbacks, staff_total=13)
    county = rollup.rollup(instance=instance, org=world.lan)
    assert county.values(county.total)["staff_total"] == 13 and county.children[0].org == world.lan
    assert figures(rollup.rollup(instance=instance, org=world.nation)) == from_scratch(instance, world.nation)


def test_a_write_read_back_in_its_own_transaction_is_never_served_from_the_cache(world: SimpleNamespace) -> None:
    """The test's transaction never commits, so the bumps wait: the roll-up computes instead of trusting the cache."""
    round_ = issue(world)
    instance = round_.instances.get()
    rollup.rollup(instance=instance, org=world.lan)  # parts cached with nobody answered
    s = Submission.objects.get(instance=instance, organisation=world.s1)
    services.submission_submit(actor=world.s1_reporter, submission=s, data=GOOD | {"staff_total": 9})
    result = rollup.rollup(instance=instance, org=world.lan)
    assert result.total.completeness.answered == 1 and result.values(result.total)["staff_total"] == 9


def test_a_cache_outage_computes_every_part(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    round_ = issue(world)
    instance = round_.instances.get()
    answer(world, round_, "g1", world.g1_reporter, django_capture_on_commit_callbacks, staff_total=10)

    def down(*_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    result = rollup.rollup(instance=instance, org=world.nation)
    assert result.values(result.total)["staff_total"] == 10 and result.total.completeness.answered == 1


@pytest.mark.parametrize("internal", [False, True])
def test_the_compiled_subtree_aggregate_equals_the_orm_one(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any, internal: bool
) -> None:
    """``aggregates.aggregate_subtree`` (compiled once per process, what dashboards poll) gives the groups that
    ``aggregate`` gives through the ORM, at every level and on each tier."""
    from beredd.reporting import aggregates
    from beredd.reporting.models import Answer

    round_ = issue(world)
    instance = round_.instances.get()
    answer(world, round_, "g1", world.g1_reporter, django_capture_on_commit_callbacks, staff_total=10, staffing_status="red")
    answer(world, round_, "s2", world.s2_reporter, django_capture_on_commit_callbacks, staff_total=7, cool_room="no")
    if internal:  # the internal tier: the units' answers to their kommun
        Submission.objects.filter(instance=instance, organisation=world.g1).update(internal=True)
        Answer.objects.filter(instance=instance, submission__organisation=world.g1).update(internal=True)

    def plain(groups: dict[Any, Any]) -> dict[Any, Any]:
        return {key: (g.completeness, {k: p for k, p in sorted(g.partials.items())}) for key, g in groups.items()}

    for org in (world.nation, world.lan, world.gavle, world.sandviken, world.g1):
        for columns in [("lan_id",), ("kommun_id",), ("organisation_id",), aggregates.PART_COLUMNS]:
            answers = Answer.objects.filter(instance=instance, internal=internal)
            subs = Submission.objects.filter(instance=instance, internal=internal)
            if org.depth > 0:
                answers, subs = answers.filter(org_path__startswith=org.path), subs.filter(org_path__startswith=org.path)
            path = org.path if org.depth > 0 else None
            compiled = aggregates.aggregate_subtree(instance_id=instance.pk, path=path, internal=internal, columns=columns)
            assert plain(compiled) == plain(aggregates.aggregate(answers, subs, columns)), (org.name, columns)
            assert bool(compiled) == subs.exists()  # groups exactly where recipients are
        if org.depth >= 3:
            has = aggregates.has_internal(instance_id=instance.pk, path=org.path)
            assert has == Submission.objects.filter(instance=instance, org_path__startswith=org.path, internal=True).exists()
