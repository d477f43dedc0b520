"""Mergeable aggregates of a round instance's answers (``rollup`` builds its results from them).

``aggregate`` runs the two GROUP BY queries (answers, submissions) for any grouping columns. At a county a
roll-up is ``composed`` of per-organisation *parts*: each kommun's partials over its subtree and each higher
organisation's over its own submission, kept in the shared cache (``fragments.cached_parts``) and recomputed only
for the organisations with a write since. A submission in one kommun thus costs the county panels
that polled after it one kommun's aggregate (two indexed queries), not the whole county's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum

from beredd.core.queryshape import QueryShape
from beredd.orgs.models import Organisation
from beredd.reporting import fragments
from beredd.reporting.models import Answer, Rollup, RoundInstance, Submission, TemplateField


@dataclass(slots=True)
class Partial:
    """Mergeable aggregate of one field over some answers."""

    n: int = 0
    total: float = 0.0
    low: float | None = None
    high: float | None = None
    weights: float = 0.0
    weighted: float = 0.0
    choices: dict[str, int] = field(default_factory=dict)

    def merge(self, other: Partial) -> None:
        self.n += other.n
        self.total += other.total
        low, high = other.low, other.high
        if low is not None and (self.low is None or low < self.low):
            self.low = low
        if high is not None and (self.high is None or high > self.high):
            self.high = high
        self.weights += other.weights
        self.weighted += other.weighted
        if other.choices:
            choices = self.choices
            for k, v in other.choices.items():
                choices[k] = choices.get(k, 0) + v

    def value(self, f: TemplateField) -> Any:
        """The rolled-up value for the field's roll-up kind (None when nothing was answered)."""
        kind = f.rollup
        if kind == Rollup.SUM:
            return self.total if self.n else None
        if kind == Rollup.MEAN:
            return self.total / self.n if self.n else None
        if kind == Rollup.WEIGHTED_MEAN:
            if self.weights:
                return self.weighted / self.weights
            return self.total / self.n if self.n else None
        if kind == Rollup.MIN:
            return self.low
        if kind in (Rollup.MAX, Rollup.WORST):
            return self.high
        if kind == Rollup.COUNT_CHOICE:
            return dict(self.choices)
        return None


@dataclass
class Completeness:
    expected: int = 0
    answered: int = 0
    late: int = 0
    empty: int = 0  # answered, but on purpose without a single answer (counted in ``answered`` too)

    def merge(self, other: Completeness) -> None:
        self.expected += other.expected
        self.answered += other.answered
        self.late += other.late
        self.empty += other.empty

    @property
    def percent(self) -> int:
        # answered ⊆ expected by construction (one submission row per recipient), so this never exceeds 100.
        return round(100 * self.answered / self.expected) if self.expected else 0

    @property
    def on_time(self) -> int:
        return self.answered - self.late


@dataclass
class Group:
    org: Organisation
    completeness: Completeness = field(default_factory=Completeness)
    partials: dict[str, Partial] = field(default_factory=dict)

    def merge(self, other: Group) -> None:
        self.completeness.merge(other.completeness)
        for key, partial in other.partials.items():
            self.partials.setdefault(key, Partial()).merge(partial)


def _answer_rows(answers: QuerySet[Answer], columns: tuple[str, ...]) -> QuerySet[Answer]:
    """One pass over numeric and choice answers: grouped by (child, key, choice); numeric partials of the
    choice groups of one key merge exactly, and choice counts come from the same rows."""
    return (
        answers.filter(Q(num__isnull=False) | ~Q(choice=""))
        .values_list(*columns, "key", "choice")
        .annotate(
            n=Count("id"),
            nn=Count("num"),
            s=Sum("num"),
            lo=Min("num"),
            hi=Max("num"),
            ws=Sum("weight"),
            wx=Sum(F("num") * F("weight")),
        )
        .order_by()
    )


def _count_rows(submissions: QuerySet[Submission], columns: tuple[str, ...]) -> QuerySet[Submission]:
    return (
        submissions.values_list(*columns)
        .annotate(
            expected=Count("id"),
            answered=Count("id", filter=Q(status__in=Submission.ANSWERED)),
            late=Count("id", filter=Q(status__in=Submission.ANSWERED, is_late=True)),
            # Submitted on purpose without a single answer (confirmed by the reporter; flagged at submit).
            empty=Count("id", filter=Q(status__in=Submission.ANSWERED, is_empty=True)),
        )
        .order_by()
    )


def aggregate(
    answers: QuerySet[Answer], submissions: QuerySet[Submission], columns: tuple[str, ...]
) -> dict[tuple[int | None, ...], Group]:
    """Partials and completeness per value of ``columns`` (two queries); a None is a recipient above that level.

    The groups' ``org`` is a placeholder that the caller replaces."""
    return _groups(_answer_rows(answers, columns), _count_rows(submissions, columns), len(columns))


# The roll-up of a subtree (every field, grouped by some columns) as dashboards poll it: compiled once per process
# (``core.queryshape``) per grouping columns, tier and whether the subtree is the whole nation (no prefix test).
_SHAPES: dict[tuple[tuple[str, ...], bool, bool], tuple[QueryShape, QueryShape]] = {}


def _subtree_shapes(columns: tuple[str, ...], internal: bool, whole: bool) -> tuple[QueryShape, QueryShape]:
    key = (columns, internal, whole)
    if key not in _SHAPES:

        def answers(instance_id: int, path: str = "") -> QuerySet[Answer]:
            qs = Answer.objects.filter(instance_id=instance_id, internal=internal)
            return qs if whole else qs.filter(org_path__startswith=path)

        def submissions(instance_id: int, path: str = "") -> QuerySet[Submission]:
            qs = Submission.objects.filter(instance_id=instance_id, internal=internal)
            return qs if whole else qs.filter(org_path__startswith=path)

        kinds: dict[str, type] = {"instance_id": int} if whole else {"instance_id": int, "path": str}
        _SHAPES[key] = (
            QueryShape(lambda **v: _answer_rows(answers(**v), columns), **kinds),
            QueryShape(lambda **v: _count_rows(submissions(**v), columns), **kinds),
        )
    return _SHAPES[key]


_INTERNAL = QueryShape(
    lambda instance_id, path: Submission.objects.filter(
        instance_id=instance_id, internal=True, org_path__startswith=path
    ).values_list("id")[:1],
    instance_id=int,
    path=str,
)


def has_internal(*, instance_id: int, path: str) -> bool:
    """Whether any submission under ``path`` is on the internal tier (one indexed EXISTS, compiled once)."""
    return bool(_INTERNAL.rows(instance_id=instance_id, path=path))


def aggregate_subtree(
    *, instance_id: int, path: str | None, internal: bool, columns: tuple[str, ...]
) -> dict[tuple[int | None, ...], Group]:
    """:func:`aggregate` over the subtree at ``path`` (None: every recipient) of one tier, grouped by ``columns``:
    the same two queries, compiled once per process."""
    answer_shape, count_shape = _subtree_shapes(columns, internal, path is None)
    values: dict[str, Any] = {"instance_id": instance_id} if path is None else {"instance_id": instance_id, "path": path}
    return _groups(answer_shape.rows(**values), count_shape.rows(**values), len(columns))


def _groups(answer_rows: Iterable[Any], count_rows: Iterable[Any], width: int) -> dict[tuple[int | None, ...], Group]:
    groups: dict[tuple[int | None, ...], Group] = {}
    placeholder = Organisation()

    def group(key: tuple[int | None, ...]) -> Group:
        found = groups.get(key)
        if found is None:
            found = groups[key] = Group(org=placeholder)
        return found

    for row in answer_rows:
        field_key, choice, n, nn, total, low, high, weights, weighted = row[width:]
        part = Partial(
            n=nn,
            total=total or 0.0,
            low=low,
            high=high,
            weights=weights or 0.0,
            weighted=weighted or 0.0,
            choices={choice: n} if choice else {},
        )
        partials = group(tuple(row[:width])).partials
        earlier = partials.get(field_key)
        if earlier is None:
            partials[field_key] = part  # the first row of a key is its partial (no empty one to merge into)
        else:
            earlier.merge(part)
    for row in count_rows:
        group(tuple(row[:width])).completeness = Completeness(*row[width:])
    return groups


# One organisation's partials as the shared cache keeps them: plain tuples (cheap to pickle); None when it has
# no recipient. A kommun's part covers its whole subtree; the county's part only its own submission (a county
# that answers itself).
Packed = tuple[tuple[int, int, int, int], dict[str, tuple[Any, ...]]] | None
# The columns that tell each kommun, and the county itself, apart.
PART_COLUMNS = ("civilomrade_id", "lan_id", "kommun_id")
# Above this share of stale parts one pass over the whole subtree is cheaper than a prefix test per kommun.
WHOLE_PASS_SHARE = 0.4


def _pack(g: Group) -> Packed:
    c = g.completeness
    return (
        (c.expected, c.answered, c.late, c.empty),
        {k: (p.n, p.total, p.low, p.high, p.weights, p.weighted, p.choices) for k, p in g.partials.items()},
    )


def _merge_packed(target: Group, packed: Packed, only: frozenset[str] | None) -> None:
    """Add one cached part into ``target`` (only the keys in ``only``, when given)."""
    if packed is None:
        return
    counts, partials = packed
    target.completeness.merge(Completeness(*counts))
    for key, values in partials.items():
        if only is None or key in only:
            target.partials.setdefault(key, Partial()).merge(Partial(*values))


def _part_id(key: tuple[int | None, ...]) -> int | None:
    """The organisation a (civilområde, län, kommun) group belongs to: the deepest one given."""
    return next((value for value in reversed(key) if value is not None), None)


def _parts(instance: RoundInstance, org: Organisation, stale: dict[int, tuple[int, str]], of: int) -> dict[int, Packed]:
    """The parts of ``stale`` (id -> (depth, path)) over the recipients' own answers, in two queries: a prefix
    test per kommun and an exact path for the county itself, or one pass over the county's whole subtree.
    One kommun (a poll after a write in it, the usual case) through the queries compiled once per process."""
    if len(stale) == 1 and len(stale) <= WHOLE_PASS_SHARE * of:
        ((pk, (depth, path)),) = stale.items()
        if depth == 3:
            one = aggregate_subtree(instance_id=instance.pk, path=path, internal=False, columns=PART_COLUMNS)
            found = {_part_id(key): g for key, g in one.items()}
            return {pk: _pack(found[pk]) if pk in found else None}
    answers = Answer.objects.filter(instance=instance, internal=False)
    submissions = Submission.objects.filter(instance=instance, internal=False)
    if len(stale) > WHOLE_PASS_SHARE * of:
        answers = answers.filter(org_path__startswith=org.path)
        submissions = submissions.filter(org_path__startswith=org.path)
    else:
        where = Q(org_path__in=[path for depth, path in stale.values() if depth < 3])
        for depth, path in stale.values():
            if depth == 3:
                where |= Q(org_path__startswith=path)
        answers = answers.filter(where)
        submissions = submissions.filter(where)
    groups = {_part_id(key): g for key, g in aggregate(answers, submissions, PART_COLUMNS).items()}
    return {pk: (_pack(groups[pk]) if pk in groups else None) for pk in stale}


# The organisations down to kommun level under a county (their parts are what it merges), compiled once.
_TREE = QueryShape(
    lambda path: Organisation.objects.filter(path__startswith=path, depth__lte=3).values_list("pk", "path", "depth"), path=str
)


def composed(
    *, instance: RoundInstance, org: Organisation, depth: int, only: frozenset[str] | None
) -> dict[tuple[int | None, ...], Group]:
    """Groups per child at ``depth`` + 1 (civilområde, län or kommun) over the county ``org``: the cached part of
    each kommun and the county's own, merged into its ancestor at that depth (the county itself for its own)."""
    tree = {pk: (org_depth, path) for pk, path, org_depth in _TREE.rows(path=org.path)}
    parts = fragments.cached_parts(
        instance_id=instance.pk,
        round_id=instance.round_id,
        org_ids=list(tree),
        own={pk for pk, (d, _p) in tree.items() if d < 3},
        compute=lambda stale: _parts(instance, org, {pk: tree[pk] for pk in stale}, len(tree)),
    )
    placeholder = Organisation()
    groups: dict[tuple[int | None, ...], Group] = {}
    level = depth + 1  # the child's position in a path (nation, civilområde, län, kommun)
    for pk, packed in parts.items():
        if packed is None:
            continue
        ids = tree[pk][1].strip("/").split("/")
        target = (int(ids[level]),) if len(ids) > level else (None,)
        _merge_packed(groups.setdefault(target, Group(org=placeholder)), packed, only)
    return groups
