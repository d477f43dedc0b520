"""Reference data: the real hierarchy, loaded idempotently (issue: Foundation, item 4)."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from beredd.orgs import selectors
from beredd.orgs.models import Organisation
from beredd.orgs.services import civilomrade_lead_lan_codes, load_reference


def test_it_loads_sweden_with_official_codes(ref: dict[str, Any]) -> None:
    counts = {k: Organisation.objects.filter(kind=k).count() for k in ("nation", "civilomrade", "lan", "kommun")}
    assert counts == {"nation": 1, "civilomrade": 6, "lan": 21, "kommun": 290}
    assert Organisation.objects.get(kind="kommun", code="0180").name == "Stockholm"
    assert ref["gavle"].parent == ref["gavleborg"]
    assert ref["gavleborg"].parent.code == "mellersta"
    assert civilomrade_lead_lan_codes()["mellersta"] == "18"


def test_running_it_twice_changes_nothing(ref: dict[str, Any]) -> None:
    before = list(Organisation.objects.values_list("id", "path", "name"))
    assert load_reference() == {"created": 0, "updated": 0}
    assert list(Organisation.objects.values_list("id", "path", "name")) == before


def test_a_renamed_kommun_is_updated_not_duplicated(ref: dict[str, Any]) -> None:
    Organisation.objects.filter(pk=ref["gavle"].pk).update(name="Gefle")
    stats = load_reference()
    assert stats == {"created": 0, "updated": 1}
    assert Organisation.objects.filter(kind="kommun", code="2180").count() == 1
    assert Organisation.objects.get(kind="kommun", code="2180").name == "Gävle"


def test_a_kommun_moved_to_another_lan_carries_its_subtree(ref: dict[str, Any], make_unit: Any) -> None:
    unit = make_unit(ref["gavle"])
    # Pretend Gävle had been filed under Uppsala län; reloading moves it back with its units.
    old_parent_path = ref["gavleborg"].path
    Organisation.objects.filter(pk=ref["gavle"].pk).update(parent=ref["uppsala_lan"])
    load_reference()
    unit.refresh_from_db()
    assert unit.path.startswith(old_parent_path)
    assert unit.path == f"{Organisation.objects.get(pk=ref['gavle'].pk).path}{unit.pk}/"


def test_a_subtree_is_one_query(ref: dict[str, Any], make_unit: Any) -> None:
    for _ in range(5):
        make_unit(ref["sandviken"])
    with CaptureQueriesContext(connection) as ctx:
        kommuner = list(selectors.subtree(org=ref["gavleborg"], kind="kommun"))
        units = list(selectors.subtree(org=ref["gavleborg"], kind="unit"))
    assert len(ctx.captured_queries) == 2
    assert len(kommuner) == 10
    assert len(units) == 5
    assert "LIKE" in ctx.captured_queries[0]["sql"].upper()


def test_paths_encode_the_hierarchy(ref: dict[str, Any]) -> None:
    gavle = ref["gavle"]
    assert gavle.ancestor_ids == [ref["nation"].pk, ref["mellersta"].pk, ref["gavleborg"].pk, gavle.pk]
    assert gavle.depth == 3
