"""Issue 13 item 1: Sweden's 21 regions as organisations beside the county, without disturbing roll-ups."""

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference
from beredd.preparedness.services.self_assessment import self_assessment_issue
from beredd.register import selectors as register_selectors


def test_every_region_is_loaded_under_its_lan_with_its_official_code(ref: dict[str, Any]) -> None:
    regions = {o.code: o for o in Organisation.objects.filter(kind="region").select_related("parent")}
    lan_codes = set(Organisation.objects.filter(kind="lan").values_list("code", flat=True))
    assert len(regions) == 21
    assert set(regions) == lan_codes  # one region per län, same code
    for code, region in regions.items():
        assert region.parent is not None and region.parent.kind == "lan" and region.parent.code == code
        assert region.path.startswith(region.parent.path)
    assert regions["21"].name == "Region Gävleborg"
    assert regions["14"].name == "Västra Götalandsregionen"
    assert regions["01"].name == "Region Stockholm"
    assert regions["12"].name == "Region Skåne"
    assert regions["23"].name == "Region Jämtland Härjedalen"
    assert regions["09"].name == "Region Gotland"


def test_region_gotland_is_marked_as_the_same_body_as_the_kommun() -> None:
    path = Path(__file__).resolve().parents[2] / "orgs" / "data" / "regioner.csv"
    with path.open(encoding="utf-8") as fh:
        rows = {r["regionkod"]: r for r in csv.DictReader(fh)}
    assert rows["09"]["kommunkod"] == "0980"
    assert [c for c, r in rows.items() if r["kommunkod"]] == ["09"]


def test_loading_twice_creates_no_second_region(ref: dict[str, Any]) -> None:
    before = list(Organisation.objects.filter(kind="region").values_list("id", "path", "name"))
    assert load_reference() == {"created": 0, "updated": 0}
    assert list(Organisation.objects.filter(kind="region").values_list("id", "path", "name")) == before


def test_a_renamed_region_is_updated_in_place(ref: dict[str, Any]) -> None:
    Organisation.objects.filter(kind="region", code="21").update(name="Landstinget Gävleborg")
    assert load_reference() == {"created": 0, "updated": 1}
    assert Organisation.objects.get(kind="region", code="21").name == "Region Gävleborg"


def test_kommun_counts_are_unchanged_by_regions(ref: dict[str, Any]) -> None:
    counts = org_selectors.counts_by_kind(org=ref["gavleborg"])
    assert counts["kommun"] == 10
    assert counts["region"] == 1
    assert counts.get("unit", 0) == 0
    assert Organisation.objects.filter(kind="kommun").count() == 290


def test_a_round_to_the_kommuner_of_a_county_does_not_go_to_the_region(ref: dict[str, Any], make_user: Any) -> None:
    coordinator = make_user(ref["gavleborg"], "coordinator")
    round_ = self_assessment_issue(
        actor=coordinator,
        issuer=ref["gavleborg"],
        year=2026,
        responder="kommun",
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    kinds = set(round_.instances.get().submissions.values_list("organisation__kind", flat=True))
    assert kinds == {"kommun"}
    assert round_.instances.get().submissions.count() == 10


def test_a_self_assessment_to_kommuner_and_units_leaves_regions_out(ref: dict[str, Any], make_user: Any, make_unit: Any) -> None:
    make_unit(ref["gavle"])
    coordinator = make_user(ref["gavleborg"], "coordinator")
    round_ = self_assessment_issue(
        actor=coordinator,
        issuer=ref["gavleborg"],
        year=2026,
        responder="both",
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    kinds = set(round_.instances.get().submissions.values_list("organisation__kind", flat=True))
    assert kinds == {"kommun", "unit"}


def test_register_counts_list_kommuner_only(ref: dict[str, Any], make_user: Any) -> None:
    viewer = make_user(ref["gavleborg"], "viewer")
    rows, _totals = register_selectors.counts_for_user(user=viewer, org=ref["gavleborg"])
    assert len(rows) == 10
    assert {k.kind for k, _cells in rows} == {"kommun"}
