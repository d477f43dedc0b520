"""The six priority areas are seed 000's, with their official Swedish names (collab/data/priority_areas.csv)."""

import csv
from importlib import resources

from django.utils import translation

from beredd.collab.models import PriorityArea


def test_the_priority_areas_are_the_reports_six_in_order_with_their_official_names() -> None:
    text = resources.files("beredd.collab").joinpath("data/priority_areas.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert [r["code"] for r in rows] == PriorityArea.values
    with translation.override("sv"):
        labels = [str(label) for _value, label in PriorityArea.choices]
    # The UI drops the report's leading "Att" ("Att upprätthålla ..." reads "Upprätthålla ...").
    assert labels == [_ui(r["name_sv"]) for r in rows]


def _ui(name: str) -> str:
    return name[4].upper() + name[5:] if name.startswith("Att ") else name
