"""The self-assessment content (handbook checklist + Öppna jämförelser indicators, data/self_assessment.json),
its reporting-template form, and the comparison of a kommun with its county and the nation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from django.db.models import Count, Q, QuerySet

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

TEMPLATE_KEY = "prep-self-assessment"
COUNTED = ("yes", "partly", "no")  # "not applicable" answers are left out of the shares


@cache
def load_definition() -> dict[str, Any]:
    text = resources.files("beredd.preparedness").joinpath("data/self_assessment.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def all_questions() -> list[dict[str, Any]]:
    """Every question in order with its section (Swedish and English names): the checklist, then the ÖJ indicators."""
    definition = load_definition()
    rows = [
        q | {"section": s["code"], "section_sv": s["sv"], "section_en": s["en"]}
        for s in definition["sections"]
        for q in s["questions"]
    ]
    return rows + [
        q | {"section": "oj", "section_sv": "Öppna jämförelser", "section_en": "Open comparisons"}
        for q in definition["oj_indicators"]
    ]


def template_data() -> dict[str, Any]:
    """The self-assessment in the reporting engine's template JSON: per question an answer (yes/partly/no/not
    applicable, counted per choice in roll-ups), a comment and a link to the evidence."""
    definition = load_definition()
    fields: list[dict[str, Any]] = []
    for q in all_questions():
        key = q["code"].lower()
        common = {"section": q["section_sv"]}
        fields.append(
            common
            | {
                "key": key,
                "type": "choice",
                "label_sv": q["sv"],
                "label_en": q["en"],
                "required": True,
                "rollup": "count_choice",
                "options": {"choices": definition["answer_options"]},
            }
        )
        fields.append(
            common
            | {
                "key": f"{key}_comment",
                "type": "short_text",
                "label_sv": f"{q['code']}: kommentar",
                "label_en": f"{q['code']}: comment",
                "rollup": "collate",
            }
        )
        fields.append(
            common
            | {
                "key": f"{key}_evidence",
                "type": "short_text",
                "label_sv": f"{q['code']}: länk till underlag",
                "label_en": f"{q['code']}: link to evidence",
                "rollup": "none",
            }
        )
    return {"key": TEMPLATE_KEY, "name": definition["title"]["sv"], "fields": fields}


@dataclass
class Level:
    org: Organisation
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # question key → choice → n

    def share(self, key: str) -> int | None:
        """Percent answering yes among yes/partly/no (None when nobody answered)."""
        c = self.counts.get(key, {})
        total = sum(c.get(v, 0) for v in COUNTED)
        return round(100 * c.get("yes", 0) / total) if total else None

    def answered(self, key: str) -> int:
        return sum(self.counts.get(key, {}).get(v, 0) for v in COUNTED)


@dataclass
class Comparison:
    year: int
    levels: list[Level]
    rows: list[dict[str, Any]]
    lacking: list[Any]  # answers "no"/"partly" to ÖJ 1–3 by units in the first level's subtree
    by_service_kind: dict[str, dict[str, int | None]]


def comparison_for_user(*, user: Actor, org: Organisation, year: int) -> Comparison:
    """Answers of ``year``'s self-assessment rounds for ``org`` beside its county and the nation.

    Only aggregate counts leave ``org``'s subtree, so a kommun sees the county and nation as shares, never others'
    answers. Raises NotFoundError without ``preparedness.view`` at ``org``. Five queries.
    """
    from beredd.reporting.models import Answer

    if not policy.can(user, "preparedness.view", org):
        raise NotFoundError("organisation", org.pk)
    ancestors = {o.pk: o for o in Organisation.objects.filter(pk__in=org.ancestor_ids)}
    chain = [org] + [ancestors[i] for i in reversed(org.ancestor_ids[:-1]) if ancestors[i].kind in ("kommun", "lan", "nation")]
    levels = [Level(org=o) for o in chain]
    keys = [q["code"].lower() for q in all_questions()]
    # Resolve the year's instances first (a handful of rows) so the answer scans use the (instance, org_path) index.
    instance_ids = list(counted_instances(year=year).values_list("pk", flat=True))
    answers = Answer.objects.filter(instance_id__in=instance_ids, key__in=keys)
    aggregates = {f"n{i}": Count("id", filter=Q(org_path__startswith=lvl.org.path)) for i, lvl in enumerate(levels)}
    counted: list[dict[str, Any]] = [dict(r) for r in answers.values("key", "choice").annotate(**aggregates).order_by()]
    for row in counted:
        for i, lvl in enumerate(levels):
            lvl.counts.setdefault(row["key"], {})[row["choice"]] = row[f"n{i}"]
    national = {q["code"].lower(): q.get("national_share") for q in load_definition()["oj_indicators"]}
    rows = [
        q
        | {
            "key": q["code"].lower(),
            "shares": [lvl.share(q["code"].lower()) for lvl in levels],
            "answered": [lvl.answered(q["code"].lower()) for lvl in levels],
            "cells": [(lvl.share(q["code"].lower()), lvl.answered(q["code"].lower())) for lvl in levels],
            "published": national.get(q["code"].lower()),
        }
        for q in all_questions()
    ]
    oj_keys = ["oj1", "oj2", "oj3"]
    # Answers carry their kommun and län ids: filtering on those columns beats a path prefix scan.
    scoped = answers.filter(**_scope(org))
    lacking = list(
        scoped.filter(key__in=oj_keys, choice__in=["no", "partly"], organisation__kind=Organisation.Kind.UNIT)
        .select_related("organisation")
        .order_by("organisation__name", "key")
    )
    by_kind: dict[str, dict[str, int | None]] = {}
    per_kind: list[dict[str, Any]] = [
        dict(r)
        for r in (
            scoped.filter(key__in=[*oj_keys, "oj4"], organisation__kind=Organisation.Kind.UNIT)
            .values("organisation__service_kind", "key")
            .annotate(yes=Count("id", filter=Q(choice="yes")), total=Count("id", filter=Q(choice__in=COUNTED)))
            .order_by()
        )
    ]
    for kind_row in per_kind:
        kind = kind_row["organisation__service_kind"]
        label = str(Organisation.ServiceKind(kind).label) if kind in Organisation.ServiceKind.values else kind
        by_kind.setdefault(label, {})[kind_row["key"]] = (
            round(100 * kind_row["yes"] / kind_row["total"]) if kind_row["total"] else None
        )
    return Comparison(year=year, levels=levels, rows=rows, lacking=lacking, by_service_kind=by_kind)


def counted_instances(*, year: int) -> QuerySet[Any]:
    """The year's round instances whose answers count in the comparison: rounds of the built-in national template
    only (a kommun's own template with the same key must not skew the county and national shares), and neither
    exercise rounds (ÖVNING) nor cancelled rounds."""
    from beredd.reporting.models import Round, RoundInstance

    return RoundInstance.objects.filter(
        as_of__year=year,
        round__template_version__template__key=TEMPLATE_KEY,
        round__template_version__template__is_builtin=True,
        round__template_version__template__owner__kind=Organisation.Kind.NATION,
        round__is_exercise=False,
    ).exclude(round__status=Round.Status.CANCELLED)


def _scope(org: Organisation) -> dict[str, Any]:
    """Filter for answers in ``org``'s subtree, on the denormalised ancestor columns where there is one."""
    if org.kind == Organisation.Kind.KOMMUN:
        return {"kommun_id": org.pk}
    if org.kind == Organisation.Kind.LAN:
        return {"lan_id": org.pk}
    if org.kind == Organisation.Kind.UNIT:
        return {"organisation_id": org.pk}
    return {"org_path__startswith": org.path}


def chart(comparison: Comparison, *, bar: int = 9, gap: int = 6, width: int = 320) -> dict[str, Any]:
    """Geometry for an SVG bar chart (one group of bars per question, one bar per level)."""
    groups = []
    y = 0
    n = len(comparison.levels)
    for row in comparison.rows:
        bars = [
            {"y": y + i * bar, "w": round(width * (s or 0) / 100), "share": s, "level": i} for i, s in enumerate(row["shares"])
        ]
        published = row["published"]
        marker = None
        if published and published.get("low") is not None:
            marker = {
                "x1": round(width * published["low"] / 100),
                "x2": round(width * published["high"] / 100),
                "y": y + n * bar // 2,
            }
        groups.append({"code": row["code"], "y": y, "label_y": y + n * bar // 2 + 4, "bars": bars, "marker": marker})
        y += n * bar + gap
    return {"groups": groups, "height": y, "width": width, "bar": bar - 1}
