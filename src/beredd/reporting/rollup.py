"""Roll-up of one round instance over an organisation's subtree, in the database.

Answers carry their recipient's civilområde, län and kommun ids, so "per child of X" is a GROUP BY on one
column. A roll-up runs a fixed number of queries (numbers, choices, completeness, the child
organisations) whatever the size of the tree; totals and higher levels are combined from the per-child
partials (count, sum, min, max, weighted sums) in Python, which is exact for every roll-up kind offered.
At a county the per-child partials are merged from cached per-kommun parts (``aggregates``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Min, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.orgs.models import Organisation
from beredd.reporting import aggregates
from beredd.reporting import fields as fieldtypes
from beredd.reporting.aggregates import Group, Partial, aggregate, composed
from beredd.reporting.models import Answer, FieldType, Rollup, RoundInstance, Submission, TemplateField, TemplateVersion

# Which column groups answers by the children of an organisation at each depth.
GROUP_COLUMN = {0: "civilomrade_id", 1: "lan_id", 2: "kommun_id", 3: "organisation_id", 4: "organisation_id"}
LEVEL_DEPTH = {"civilomrade": 1, "lan": 2, "kommun": 3, "unit": 4}


@dataclass
class RollupResult:
    instance: RoundInstance
    org: Organisation
    fields: list[TemplateField]
    total: Group
    children: list[Group]
    computed_at: dt.datetime

    def values(self, group: Group) -> dict[str, Any]:
        return {f.key: group.partials.get(f.key, Partial()).value(f) for f in self.fields}

    def as_dict(self) -> dict[str, Any]:
        def dump(group: Group) -> dict[str, Any]:
            c = group.completeness
            return {
                "org_id": group.org.pk,
                "org_name": group.org.name,
                "expected": c.expected,
                "answered": c.answered,
                "late": c.late,
                "empty": c.empty,
                "completeness_percent": c.percent,
                "values": self.values(group),
            }

        return {
            "instance_id": self.instance.pk,
            "is_exercise": self.instance.round.is_exercise,
            "as_of": self.instance.as_of.isoformat(),
            "computed_at": self.computed_at.isoformat(),
            "total": dump(self.total),
            "children": [dump(g) for g in self.children],
        }


# The template versions of an instance's recipients are fixed when it is issued (delegated unit submissions take
# their kommun's version) and published versions never change, so an instance's field list over a subtree is
# cached per process. The key carries the instance's creation time, so a reused id never hits a stale entry.
_FIELDS_FOR: dict[tuple[int, str, str], list[TemplateField]] = {}


def fields_for(instance: RoundInstance, org: Organisation) -> list[TemplateField]:
    """The round's fields plus those of extensions used by recipients under ``org`` (none to four queries)."""
    key = (instance.pk, str(instance.created_at), org.path)
    if key not in _FIELDS_FOR:
        fields = _fields_for(instance, org)
        if not instance.round.template_version.is_published:
            return fields  # a draft version (issued rounds use published ones): never cached
        if len(_FIELDS_FOR) > 2000:
            _FIELDS_FOR.clear()
        _FIELDS_FOR[key] = fields
    return _FIELDS_FOR[key]


def _fields_for(instance: RoundInstance, org: Organisation) -> list[TemplateField]:
    base = instance.round.template_version
    out = list(base.fields.all())
    seen = {f.key for f in out}
    if not TemplateVersion.objects.filter(template__extends=base).exists():
        return out  # no extensions: skip scanning the recipients' versions
    versions = TemplateVersion.objects.filter(
        pk__in=Submission.objects.filter(instance=instance, org_path__startswith=org.path)
        .exclude(template_version=base)
        .values("template_version_id")
        .distinct()
    )
    for f in TemplateField.objects.filter(version__in=versions, inherited=False).order_by("version_id", "order"):
        if f.key not in seen:
            out.append(f)
            seen.add(f.key)
    return out


def use_internal(*, instance: RoundInstance, org: Organisation) -> bool:
    """Which tier to aggregate: above kommun level always the recipients' own answers; at a kommun that let
    its units answer to it (and below), the units' internal answers."""
    if org.depth < 3:
        return False
    return aggregates.has_internal(instance_id=instance.pk, path=org.path)


def rollup(
    *, instance: RoundInstance, org: Organisation, by: str | None = None, only: frozenset[str] | None = None
) -> RollupResult:
    """Aggregate every field of ``instance`` over ``org``'s subtree, in total and per child (or per ``by`` level).

    ``only``: just these field keys (the result's ``fields`` are those), for a view that needs a few, such as the
    map's worst status per kommun; the completeness counts are always whole.

    At a county (grouped by kommun or coarser) the result is merged from each kommun's partials, kept in the
    shared cache (``fragments.cached_parts``) and recomputed only for the kommuner with a write since: a
    submission in one kommun costs the county's panels one kommun's aggregate, not the county's."""
    depth = LEVEL_DEPTH[by] - 1 if by in LEVEL_DEPTH else org.depth
    column = GROUP_COLUMN[min(depth, 4)]
    # At a county (the recipients' own answers, never the internal tier) from cached kommun parts. At national level
    # merging some 300 parts costs as much as the direct aggregate once cached, and far more when cold.
    if org.depth == 2 and depth <= 2:
        groups = composed(instance=instance, org=org, depth=depth, only=only)
    else:
        internal = use_internal(instance=instance, org=org)
        if only is None:  # what dashboards poll: the two queries compiled once per process
            path = org.path if org.depth > 0 else None
            groups = aggregates.aggregate_subtree(instance_id=instance.pk, path=path, internal=internal, columns=(column,))
        else:
            groups = _aggregate_only(instance, org, internal, column, only)
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=[k for (k,) in groups if k is not None])}
    for (key,), g in groups.items():
        g.org = orgs.get(key, org) if key is not None else org  # no grouping column: the organisation itself
    total = Group(org=org)
    for g in groups.values():
        total.merge(g)
    children = sorted((g for g in groups.values()), key=lambda g: (g.org.code or "", g.org.name))
    fields = fields_for(instance, org)
    if only is not None:
        fields = [f for f in fields if f.key in only]
    return RollupResult(instance=instance, org=org, fields=fields, total=total, children=children, computed_at=timezone.now())


def _aggregate_only(
    instance: RoundInstance, org: Organisation, internal: bool, column: str, only: frozenset[str]
) -> dict[tuple[int | None, ...], Group]:
    """The aggregate of a few fields (``rollup(only=...)``), through the ORM."""
    answers = Answer.objects.filter(instance=instance, internal=internal, key__in=sorted(only))
    submissions = Submission.objects.filter(instance=instance, internal=internal)
    if org.depth > 0:  # every recipient is under the nation: no prefix test needed there
        answers = answers.filter(org_path__startswith=org.path)
        submissions = submissions.filter(org_path__startswith=org.path)
    return aggregate(answers, submissions, (column,))


def status_keys(instance: RoundInstance, org: Organisation) -> frozenset[str]:
    """The fields ``status_class`` reads: status-like fields rolled up as the worst value."""
    return frozenset(
        f.key for f in fields_for(instance, org) if f.rollup == Rollup.WORST and f.type in (FieldType.STATUS, FieldType.IMPACT)
    )


def combine_by_parent(result: RollupResult) -> list[Group]:
    """Merge per-child groups into their parents (e.g. per län → per civilområde) without another aggregate query."""
    parents: dict[int, Group] = {}
    parent_orgs = {
        o.pk: o for o in Organisation.objects.filter(pk__in={g.org.parent_id for g in result.children if g.org.parent_id})
    }
    for g in result.children:
        if g.org.parent_id is None:
            continue
        parent = parents.setdefault(g.org.parent_id, Group(org=parent_orgs[g.org.parent_id]))
        parent.merge(g)
    return sorted(parents.values(), key=lambda g: g.org.name)


# Row states of the roll-up table and the status map, worst last. "none" (nobody has answered) and "unknown"
# (answers, but no status given) are states of their own and never a crisis level.
STATUS_ORDER = ("ok", "warn", "bad")


def _field_state(f: TemplateField, worst: float) -> str:
    """ok/warn/bad for the worst value of one status-like field: the top of the scale is bad (the top two of
    the five impact levels), anything above the first step is strained."""
    if f.type == FieldType.IMPACT:
        return "bad" if worst >= 4 else ("warn" if worst > 1 else "ok")
    scale = len(fieldtypes.status_choices(f))
    return "bad" if worst >= scale and worst > 1 else ("warn" if worst > 1 else "ok")


def status_class(result: RollupResult, group: Group) -> str:
    """The state of a group: "none" when nobody in it has answered; else the worst over *all* its status-like
    fields ("ok", "warn", "bad"); "unknown" when answers exist but no status field was answered."""
    if not group.completeness.answered:
        return "none"
    states = [
        _field_state(f, worst)
        for f in result.fields
        if f.rollup == Rollup.WORST
        and f.type in (FieldType.STATUS, FieldType.IMPACT)
        and (worst := group.partials.get(f.key, Partial()).high) is not None
    ]
    if not states:
        return "unknown"
    return max(states, key=STATUS_ORDER.index)


def status_label(state: str) -> str:
    """The label a user sees for a row state (table badge, map tooltip)."""
    labels = {
        "ok": _("Normal"),
        "warn": _("Strained"),
        "bad": _("Critical"),
        "none": _("Not answered"),
        "unknown": _("No status given"),
    }
    return str(labels.get(state, labels["unknown"]))


def display(f: TemplateField, value: Any, lang: str = "sv") -> str:
    """Human-readable rolled-up value."""
    if value is None:
        return "–"
    if f.rollup == Rollup.COUNT_CHOICE and isinstance(value, dict):
        labels = dict(fieldtypes.choice_values(f, lang))
        return ", ".join(f"{labels.get(k, k)}: {n}" for k, n in sorted(value.items()))
    if f.rollup == Rollup.WORST:
        if f.type == FieldType.IMPACT:
            return str(fieldtypes.IMPACT_LEVELS.get(round(value), value))
        choices = fieldtypes.status_choices(f)
        index = round(value) - 1
        return str(choices[index][1]) if 0 <= index < len(choices) else "–"
    if isinstance(value, float):
        if value.is_integer() and f.type == FieldType.INTEGER:
            return f"{int(value)}"
        return f"{value:.1f}".replace(".", ",") if lang == "sv" else f"{value:.1f}"
    return str(value)


def distribution(f: TemplateField, group: Group, lang: str = "sv") -> list[tuple[str, str, int]]:
    """(value, label, count) for a status/choice field, in scale order."""
    partial = group.partials.get(f.key, Partial())
    return [(v, label, partial.choices.get(v, 0)) for v, label in fieldtypes.choice_values(f, lang)]


def texts(*, instance: RoundInstance, org: Organisation, key: str = "", query: str = "") -> QuerySet[Answer]:
    """Free-text answers in the subtree, with their organisation, optionally for one field and matching ``query``
    (by question, then organisation; the page shows them a page at a time)."""
    qs = Answer.objects.filter(
        instance=instance, org_path__startswith=org.path, internal=use_internal(instance=instance, org=org)
    ).exclude(text="")
    if key:
        qs = qs.filter(key=key)
    if query.strip():
        qs = qs.filter(text__icontains=query.strip())
    return qs.select_related("organisation").order_by("key", "org_path", "pk")


@dataclass
class Missing:
    """A recipient that has not answered, with whom to call: the organisation's own phone and e-mail and its
    contact person (a coordinator, else a reporter, with the person's phone and e-mail)."""

    submission: Submission
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""

    @property
    def phone(self) -> str:
        return self.contact_phone or self.submission.organisation.phone

    @property
    def email(self) -> str:
        return self.contact_email or self.submission.organisation.email


MISSING_SORTS = {
    "name": lambda m: (m.submission.organisation.name.casefold(), m.submission.pk),
    "status": lambda m: (m.submission.get_status_display(), m.submission.organisation.name.casefold()),
    "contact": lambda m: (m.contact_name == "", m.contact_name.casefold(), m.submission.organisation.name.casefold()),
}


def missing(
    *, instance: RoundInstance, org: Organisation, sort: str = "name", query: str = "", contacts: bool = True
) -> list[Missing]:
    """Recipients in the subtree that have not answered, sorted by ``sort`` (a key of MISSING_SORTS, "-" first
    for descending); ``query`` keeps those whose name contains it. With ``contacts`` (or when sorting by contact)
    each row carries its contact details (:func:`with_contacts`); a page that shows fifty of the nation's
    hundreds of rows asks for them for its own rows only."""
    unanswered = Submission.objects.filter(
        instance=instance, org_path__startswith=org.path, internal=use_internal(instance=instance, org=org)
    ).exclude(status__in=Submission.ANSWERED)
    if query:
        unanswered = unanswered.filter(organisation__name__icontains=query)
    shown = ("pk", "status", "org_path", "organisation", "organisation__name", "organisation__phone", "organisation__email")
    rows = [Missing(submission=s) for s in unanswered.select_related("organisation").only(*shown).order_by("org_path")]
    key = sort.lstrip("-")
    if contacts or key == "contact":
        with_contacts(rows)
    rows.sort(key=MISSING_SORTS.get(key, MISSING_SORTS["name"]), reverse=sort.startswith("-") and key in MISSING_SORTS)
    return rows


def with_contacts(rows: Sequence[Missing]) -> None:
    """Give each row its contact person: a coordinator of the organisation, else a reporter (one query)."""
    from beredd.accounts.models import Membership, Role

    rank: dict[str, int] = {Role.COORDINATOR.value: 0, Role.REPORTER.value: 1}
    contacts: dict[int, Membership] = {}
    memberships = (
        Membership.objects.current()
        .filter(organisation_id__in=[m.submission.organisation_id for m in rows], role__in=list(rank))
        .select_related("user")
        .order_by("organisation_id", "pk")
    )
    for membership in memberships:
        best = contacts.get(membership.organisation_id)
        if best is None or rank[membership.role] < rank[best.role]:
            contacts[membership.organisation_id] = membership
    for m in rows:
        contact = contacts.get(m.submission.organisation_id)
        if contact is not None:
            m.contact_name = contact.user.get_full_name()
            m.contact_phone = contact.user.phone
            m.contact_email = contact.user.email


def trend(*, instance: RoundInstance, org: Organisation) -> dict[int, dict[str, Partial]]:
    """Per instance number of the same round: field partials over the subtree (one query)."""
    rows = (
        Answer.objects.filter(
            instance__round_id=instance.round_id,
            org_path__startswith=org.path,
            num__isnull=False,
            internal=use_internal(instance=instance, org=org),
        )
        .values("instance__number", "key")
        .annotate(n=Count("id"), s=Sum("num"), lo=Min("num"), hi=Max("num"), ws=Sum("weight"), wx=Sum(F("num") * F("weight")))
        .order_by("instance__number")
    )
    out: dict[int, dict[str, Partial]] = {}
    for row in rows:
        out.setdefault(row["instance__number"], {})[row["key"]] = Partial(
            n=row["n"], total=row["s"] or 0.0, low=row["lo"], high=row["hi"], weights=row["ws"] or 0.0, weighted=row["wx"] or 0.0
        )
    return out
