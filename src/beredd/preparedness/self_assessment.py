"""The self-assessment content (handbook checklist + Öppna jämförelser indicators) from data/self_assessment.json."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_definition() -> dict[str, Any]:
    text = resources.files("beredd.preparedness").joinpath("data/self_assessment.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def all_questions() -> list[dict[str, Any]]:
    """Every question in order, each with its section code: the handbook checklist, then the ÖJ indicators."""
    definition = load_definition()
    rows = [q | {"section": s["code"]} for s in definition["sections"] for q in s["questions"]]
    return rows + [q | {"section": "oj"} for q in definition["oj_indicators"]]
